// Purpose: for the provider components $components (locked), one Range per range their
//          consumers declare (created `pending`) and a NEEDS edge from each consumer version
//          for each of its DEPENDS_ON edges, with the FEEDS edges from that Range to each
//          Range already admitting the consumer version (those of providers built in an
//          earlier batch); returns what the caller needs to write the ADMITS edges
//          (catalog/range_admit): the ranges and the provider's versions.
// Parameters: $components (list of provider component names)
// Returns: component, ranges (range texts, '' = no range), versions (version strings)
// :param {components: ['currency']}
UNWIND $components AS name
MATCH (p:Component {name: name})
SET p._lock = true
REMOVE p._lock
WITH p
CALL (p) {
  MATCH (p)<-[d:DEPENDS_ON]-(v:ComponentVersion)
  MERGE (r:Range {component: p.name, range: coalesce(d.range, '')})
    ON CREATE SET r.pending = true
  CREATE (v)-[:NEEDS]->(r)
  WITH v, r
  CALL (v, r) {
    MATCH (v)<-[:ADMITS]-(fed:Range)
    MERGE (r)-[f:FEEDS]->(fed)
      ON CREATE SET f.via = v.version
  }
  RETURN collect(DISTINCT r.range) AS ranges
}
RETURN p.name AS component, ranges,
       COLLECT { MATCH (p)-[:HAS_VERSION]->(v:ComponentVersion) RETURN v.version } AS versions
