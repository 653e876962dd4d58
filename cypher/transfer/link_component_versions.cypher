// Purpose: chain imported component versions to their predecessors in registration order:
//          (version)-[:PREVIOUS]->(previous), both of component `component`.
// Parameters: $rows (list of {component, version, previous})
// Returns: written (edges created; fewer than the rows when a version is missing)
// :param {rows: [{component: 'payment', version: '1.4.3', previous: '1.4.2'}]}
UNWIND $rows AS row
MATCH (v:ComponentVersion {component: row.component, version: row.version})
MATCH (p:ComponentVersion {component: row.component, version: row.previous})
CREATE (v)-[:PREVIOUS]->(p)
RETURN count(*) AS written
