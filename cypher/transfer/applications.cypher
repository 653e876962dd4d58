// Purpose: the applications among $keys that exist, with their owner team, as an export holds
//          them; an import also reads latest_version and version_count to number new versions.
// Parameters: $keys (list of {name})
// Returns: props, owner (one row per existing application)
// :param {keys: [{name: 'shop'}]}
UNWIND $keys AS key
MATCH (a:Application {name: key.name})
RETURN a {.*} AS props, [(a)-[:OWNED_BY]->(t:Team) | t.name][0] AS owner
