// Purpose: find deployments by status (queued, running, succeeded, failed...).
// Parameters: none
// Returns: nothing (schema change; idempotent thanks to IF NOT EXISTS)
// :param {}
CREATE INDEX deployment_status IF NOT EXISTS FOR (d:Deployment) ON (d.status)
