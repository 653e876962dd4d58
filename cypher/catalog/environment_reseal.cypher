// Purpose: store the engine configurations of environments whose secrets were sealed
//          again, in one batch.
// Parameters: $environments (list of {name, engine_config (JSON string)})
// Returns: environments (how many were written)
// :param {environments: [{name: 'staging', engine_config: '{"command": ["./deploy.sh"]}'}]}
UNWIND $environments AS changed
MATCH (e:Environment {name: changed.name})
SET e.engine_config = changed.engine_config
RETURN count(e) AS environments
