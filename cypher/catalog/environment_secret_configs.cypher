// Purpose: lock every environment whose engine configuration holds secret_env values and
//          read that configuration, to seal its secrets again (`mercator secrets rotate`).
//          The lock keeps a concurrent `set-engine` from being overwritten.
// Parameters: none
// Returns: name, engine_config (JSON string)
// :param {}
MATCH (e:Environment)
WHERE e.engine_config CONTAINS '"secret_env"'
SET e._lock = true
REMOVE e._lock
RETURN e.name AS name, e.engine_config AS engine_config
ORDER BY name
