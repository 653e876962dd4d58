// Purpose: record that vulnerability `id` affects package `purl`: which record (id and
//          modified time), which range or explicit version (`where` in the record) admitted
//          the package's version, and the version that fixes it, if the range says.
// Parameters: $edges (list of {id, purl, range, record, where, fixed})
// Returns: affects
// :param {edges: [{id: 'GHSA-jfh8-c2jp-5v3q', purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', range: 'ECOSYSTEM >=2.13.0 <2.15.0', record: 'GHSA-jfh8-c2jp-5v3q@2025-05-09T12:00:00Z', where: 'affected[0].ranges[0]', fixed: '2.15.0'}]}
UNWIND $edges AS edge
MATCH (v:Vulnerability {id: edge.id})
MATCH (p:Package {purl: edge.purl})
MERGE (v)-[a:AFFECTS]->(p)
SET a.range = edge.range, a.record = edge.record, a.where = edge.where, a.fixed = edge.fixed
RETURN count(a) AS affects
