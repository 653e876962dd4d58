// Purpose: a gitops deployment has pushed and now waits for the cluster to be seen running
//          what it pushed (its engine's success rule is on_observed); `sync kubernetes`
//          then sets its observed_at (deploy/sync_observed).
// Parameters: $id, $worker (strings)
// Returns: nothing
// :param {id: 'demo-10', worker: 'host-1234-0'}
MATCH (d:Deployment {id: $id})
WHERE d.status = 'running' AND d.worker = $worker
SET d.awaiting_since = datetime()
