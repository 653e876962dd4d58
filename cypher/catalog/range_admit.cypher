// Purpose: write what Ranges admit: (range)-[:ADMITS]->(provider version) for each version
//          the caller found inside the range (semver rules, app/core/semver.py), and mark
//          the Ranges settled (no longer `pending`); each Range the admitted version NEEDS
//          then FEEDS the admitting one (MERGE: one edge per pair, `via` naming the first
//          version that joined them). Used by registration, import and the schema
//          migration that builds the Ranges of an older graph.
// Parameters: $ranges (list of {component, range ('' = no range declared), versions: [the
//             admitted version strings, maybe none]})
// Returns: written (ADMITS edges created)
// :param {ranges: [{component: 'currency', range: '>=2.0.0 <3.0.0', versions: ['2.1.0']}]}
UNWIND $ranges AS item
MATCH (r:Range {component: item.component, range: item.range})
REMOVE r.pending
WITH r, item
CALL (r, item) {
  UNWIND item.versions AS version
  MATCH (v:ComponentVersion {component: item.component, version: version})
  CREATE (r)-[:ADMITS]->(v)
  WITH r, v
  CALL (r, v) {
    MATCH (v)-[:NEEDS]->(q:Range)
    MERGE (q)-[f:FEEDS]->(r)
      ON CREATE SET f.via = v.version
  }
  RETURN count(*) AS written
}
RETURN sum(written) AS written
