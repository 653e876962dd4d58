// Purpose: one ApplicationVersion per (application name, version); kept on the node like component versions.
// Parameters: none
// Returns: nothing (schema change; idempotent thanks to IF NOT EXISTS)
// :param {}
CREATE CONSTRAINT application_version_key_unique IF NOT EXISTS FOR (v:ApplicationVersion) REQUIRE (v.application, v.version) IS UNIQUE
