// Purpose: the packages known from SBOMs, one row per name and ecosystem, by name, one
//          page; only names starting with $prefix when given. Each with its versions (purl,
//          version, licences) and how many component versions contain any of them.
// Parameters: $prefix (string or null), $offset, $limit (integers)
// Returns: name, ecosystem, licenses (every licence of its versions), versions ([{purl,
//          version, licenses}]), holders
// :param {prefix: 'log4j', offset: 0, limit: 50}
MATCH (p:Package)
WHERE $prefix IS NULL OR p.name STARTS WITH $prefix
WITH p.name AS name, p.ecosystem AS ecosystem, p ORDER BY p.version
WITH name, ecosystem, collect(p) AS packages
ORDER BY name, ecosystem
SKIP $offset LIMIT $limit
RETURN name, ecosystem,
       COLLECT { UNWIND packages AS p UNWIND coalesce(p.licenses, []) AS l
                 RETURN DISTINCT l ORDER BY l } AS licenses,
       [p IN packages | {purl: p.purl, version: p.version, licenses: coalesce(p.licenses, [])}]
         AS versions,
       COUNT { MATCH (v:ComponentVersion)-[:CONTAINS]->(q:Package) WHERE q IN packages }
         AS holders
