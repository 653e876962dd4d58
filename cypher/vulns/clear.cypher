// Purpose: forget what older versions of records $ids said: their affected-package
//          entries, aliases and AFFECTS edges (the records are stored again next).
// Parameters: $ids (list of OSV ids)
// Returns: cleared
// :param {ids: ['GHSA-jfh8-c2jp-5v3q']}
UNWIND $ids AS id
MATCH (v:Vulnerability {id: id})
CALL {
  WITH v
  OPTIONAL MATCH (v)-[affects:AFFECTS]->(:Package)
  DELETE affects
}
CALL {
  WITH v
  OPTIONAL MATCH (v)-[known:KNOWN_AS]->(:VulnerabilityAlias)
  DELETE known
}
CALL {
  WITH v
  OPTIONAL MATCH (v)-[:HAS_AFFECTED]->(entry:AffectedPackage)
  DETACH DELETE entry
}
RETURN count(v) AS cleared
