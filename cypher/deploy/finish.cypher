// Purpose: end running deployment $id of worker $worker with $status (succeeded, failed,
//          cancelled, timed_out), its exit code, why, and the commit a gitops engine
//          pushed. The inventory moves separately, in the same transaction, for a
//          succeeded one (deploy/move_runs).
// Parameters: $id, $worker, $status (strings), $exit_code (integer or null), $reason,
//             $commit (strings or null)
// Returns: environment, finished_at, components ([{component, version}] deployed),
//          pending_application (the application a set of component versions is for, or
//          null) — no row when the deployment is no longer this worker's (e.g. swept as
//          abandoned)
// :param {id: 'demo-10', worker: 'host-1234-0', status: 'succeeded', exit_code: 0, reason: null, commit: null}
MATCH (d:Deployment {id: $id})-[:TO]->(e:Environment)
SET e._lock = true, d._lock = true
REMOVE e._lock, d._lock
WITH d, e
WHERE d.status = 'running' AND d.worker = $worker
SET d.status = $status, d.exit_code = $exit_code, d.reason = $reason, d.commit = $commit,
    d.finished_at = datetime()
RETURN e.name AS environment, d.finished_at AS finished_at,
       COLLECT {
         MATCH (d)-[:OF]->(target)
         MATCH (target)-[:INCLUDES*0..1]->(cv:ComponentVersion)
         RETURN DISTINCT {component: cv.component, version: cv.version} AS member
         ORDER BY member.component
       } AS components,
       d.pending_application AS pending_application
