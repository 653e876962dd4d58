// Purpose: the teams among $keys that exist, as an export holds them (also what an import
//          checks the document against).
// Parameters: $keys (list of {name})
// Returns: props (one row per existing team)
// :param {keys: [{name: 'payments'}]}
UNWIND $keys AS key
MATCH (t:Team {name: key.name})
RETURN t {.*} AS props
