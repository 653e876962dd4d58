// Purpose: one ComponentVersion per (component name, version); the pair is the version's key and is kept on the node so it can be looked up without walking HAS_VERSION.
// Parameters: none
// Returns: nothing (schema change; idempotent thanks to IF NOT EXISTS)
// :param {}
CREATE CONSTRAINT component_version_key_unique IF NOT EXISTS FOR (v:ComponentVersion) REQUIRE (v.component, v.version) IS UNIQUE
