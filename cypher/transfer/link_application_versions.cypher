// Purpose: chain imported application versions to their predecessors in registration order:
//          (version)-[:PREVIOUS]->(previous), both of application `application`.
// Parameters: $rows (list of {application, version, previous})
// Returns: written (edges created; fewer than the rows when a version is missing)
// :param {rows: [{application: 'shop', version: '1.0.9', previous: '1.0.8'}]}
UNWIND $rows AS row
MATCH (av:ApplicationVersion {application: row.application, version: row.version})
MATCH (p:ApplicationVersion {application: row.application, version: row.previous})
CREATE (av)-[:PREVIOUS]->(p)
RETURN count(*) AS written
