// Purpose: find a component version by image digest (inventory sync from a cluster).
// Parameters: none
// Returns: nothing (schema change; idempotent thanks to IF NOT EXISTS)
// :param {}
CREATE INDEX component_version_digest IF NOT EXISTS FOR (v:ComponentVersion) ON (v.digest)
