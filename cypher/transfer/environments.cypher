// Purpose: the environments among $keys that exist, as an export holds them.
// Parameters: $keys (list of {name})
// Returns: props (one row per existing environment)
// :param {keys: [{name: 'prod'}]}
UNWIND $keys AS key
MATCH (e:Environment {name: key.name})
RETURN e {.*} AS props
