// Purpose: cancel deployment $id: a queued one ends as 'cancelled' at once; a running one
//          gets cancel_requested, which its worker reads with its next heartbeat and then
//          kills the engine's process group. A finished one is left as it is.
// Parameters: $id (string)
// Returns: status (after the statement), cancel_requested (no row if unknown)
// :param {id: 'demo-10'}
MATCH (d:Deployment {id: $id})
SET d._lock = true
REMOVE d._lock
WITH d, d.status = 'queued' AS queued
SET d.status = CASE WHEN queued THEN 'cancelled' ELSE d.status END,
    d.reason = CASE WHEN queued THEN 'cancelled before it started' ELSE d.reason END,
    d.finished_at = CASE WHEN queued THEN datetime() ELSE d.finished_at END,
    d.cancel_requested = CASE WHEN d.status = 'running' THEN true ELSE d.cancel_requested END
RETURN d.status AS status, coalesce(d.cancel_requested, false) AS cancel_requested
