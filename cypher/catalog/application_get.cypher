// Purpose: one application with its owner and latest version (no row if unknown).
// Parameters: $name (string)
// Returns: props, owner
// :param {name: 'shop'}
MATCH (a:Application {name: $name})
RETURN a {.*} AS props, [(a)-[:OWNED_BY]->(t:Team) | t.name][0] AS owner
