// Purpose: set the deployment engine of environment $name: its kind and its configuration
//          (JSON text; Neo4j has no map properties). No row if the environment is unknown.
// Parameters: $name, $engine (strings), $engine_config (JSON string), $updated_by (string
//             or null)
// Returns: name
// :param {name: 'staging', engine: 'command', engine_config: '{"command": ["./deploy.sh"]}', updated_by: 'admin'}
MATCH (e:Environment {name: $name})
SET e.engine = $engine, e.engine_config = $engine_config, e.updated_by = $updated_by
RETURN e.name AS name
