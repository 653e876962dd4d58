// Purpose: order and filter component versions by registration time.
// Parameters: none
// Returns: nothing (schema change; idempotent thanks to IF NOT EXISTS)
// :param {}
CREATE INDEX component_version_created IF NOT EXISTS FOR (v:ComponentVersion) ON (v.created_at)
