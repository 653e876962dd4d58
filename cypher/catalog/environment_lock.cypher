// Purpose: take the environment's write lock, so deployments recorded to one environment
//          move its inventory one after another (no row if the environment is unknown).
// Parameters: $name (string)
// Returns: name, engine (its deployment engine's kind, or null)
// :param {name: 'prod'}
MATCH (e:Environment {name: $name})
SET e._lock = true
REMOVE e._lock
RETURN e.name AS name, e.engine AS engine
