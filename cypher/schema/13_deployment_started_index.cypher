// Purpose: order deployments and answer 'what ran there at time T' from the history.
// Parameters: none
// Returns: nothing (schema change; idempotent thanks to IF NOT EXISTS)
// :param {}
CREATE INDEX deployment_started IF NOT EXISTS FOR (d:Deployment) ON (d.started_at)
