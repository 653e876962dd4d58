// Purpose: store checked OSV records on their (claimed) Vulnerability nodes: the record's
//          fields, a VulnerabilityAlias for its id and each alias, and one AffectedPackage
//          per affected package with its ranges (JSON) and explicit versions.
// Parameters: $records (list of {id, modified, published, withdrawn, aliases, summary,
//             details, severity_type, severity_vector, score, rating, references,
//             affected: [{key, ecosystem, name, where, versions, ranges}]})
// Returns: stored
// :param {records: [{id: 'GHSA-jfh8-c2jp-5v3q', modified: '2025-05-09T12:00:00Z', published: '2021-12-10T00:40:56Z', withdrawn: null, aliases: ['CVE-2021-44228'], summary: 'Remote code injection in Log4j', details: null, severity_type: 'CVSS_V3', severity_vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H', score: 10.0, rating: 'Critical', references: ['https://nvd.nist.gov/vuln/detail/CVE-2021-44228'], affected: [{key: 'maven:org.apache.logging.log4j:log4j-core', ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core', where: 'affected[0]', versions: [], ranges: '[{"type": "ECOSYSTEM", "events": [["introduced", "2.13.0"], ["fixed", "2.15.0"]]}]'}]}]}
UNWIND $records AS record
MATCH (v:Vulnerability {id: record.id})
SET v.modified = datetime(record.modified),
    v.published = datetime(record.published),
    v.withdrawn = datetime(record.withdrawn),
    v.aliases = record.aliases,
    v.summary = record.summary,
    v.details = record.details,
    v.severity_type = record.severity_type,
    v.severity_vector = record.severity_vector,
    v.score = record.score,
    v.rating = record.rating,
    v.references = record.references
WITH v, record
CALL {
  WITH v, record
  UNWIND [record.id] + record.aliases AS name
  MERGE (alias:VulnerabilityAlias {id: name})
  MERGE (v)-[:KNOWN_AS]->(alias)
}
CALL {
  WITH v, record
  UNWIND record.affected AS affected
  CREATE (v)-[:HAS_AFFECTED]->(:AffectedPackage {
    key: affected.key, ecosystem: affected.ecosystem, name: affected.name,
    where: affected.where, versions: affected.versions, ranges: affected.ranges})
}
RETURN count(v) AS stored
