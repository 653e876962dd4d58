// Purpose: the components among $keys that exist, with their owner team, as an export holds
//          them; an import also reads latest_version and version_count to number new versions.
// Parameters: $keys (list of {name})
// Returns: props, owner (one row per existing component)
// :param {keys: [{name: 'payment'}, {name: 'currency'}]}
UNWIND $keys AS key
MATCH (c:Component {name: key.name})
RETURN c {.*} AS props, [(c)-[:OWNED_BY]->(t:Team) | t.name][0] AS owner
