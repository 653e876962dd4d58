// Purpose: find a component version by image repository (inventory sync from a cluster
//          matches an image by repository and tag when it carries no digest).
// Parameters: none
// Returns: nothing (schema change; idempotent thanks to IF NOT EXISTS)
// :param {}
CREATE INDEX component_version_image IF NOT EXISTS FOR (v:ComponentVersion) ON (v.image)
