"""Known vulnerabilities (OSV records) joined with what runs where.

`osv` reads and checks records, `ecosystems` compares versions by each ecosystem's rules,
`matching` stores `(Vulnerability)-[:AFFECTS]->(Package)` edges when a record or an SBOM
arrives, `vulnerabilities` imports records and answers the exposure reports, `sources`
reads files, folders and osv.dev archives.
"""
