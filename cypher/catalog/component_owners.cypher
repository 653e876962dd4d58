// Purpose: the owner team of each named component (null when it has none), to check a
//          limited token's right to write them.
// Parameters: $names (list of strings)
// Returns: name, owner (one row per existing component)
// :param {names: ['payment', 'cart']}
UNWIND $names AS name
MATCH (c:Component {name: name})
RETURN c.name AS name, [(c)-[:OWNED_BY]->(t:Team) | t.name][0] AS owner
