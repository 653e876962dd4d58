// Purpose: mark failed, with reason 'abandoned', every running deployment whose worker has
//          not sent a heartbeat for $stale_after seconds (the worker died); inventory untouched.
// Parameters: $stale_after (seconds, number)
// Returns: id, worker, heartbeat_at — one row per deployment marked
// :param {stale_after: 60}
MATCH (d:Deployment {status: 'running'})
WHERE d.heartbeat_at IS NULL
   OR d.heartbeat_at < datetime() - duration({seconds: $stale_after})
SET d._lock = true
REMOVE d._lock
WITH d
WHERE d.status = 'running'
  AND (d.heartbeat_at IS NULL
       OR d.heartbeat_at < datetime() - duration({seconds: $stale_after}))
SET d.status = 'failed', d.reason = 'abandoned', d.finished_at = datetime()
RETURN d.id AS id, d.worker AS worker, d.heartbeat_at AS heartbeat_at
