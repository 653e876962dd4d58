// Purpose: a running deployment's heartbeat, with the next piece of its log appended; the
//          log keeps its last $keep characters (start = offset of its first kept one).
//          Only the worker that claimed it may write; tells it whether a cancel was asked,
//          and (for a gitops engine waiting for the cluster) who observed it running and when.
// Parameters: $id, $worker (strings), $text (string, may be empty), $skipped (characters
//             the engine wrote before $text that are not sent: beyond what is kept), $keep (integer)
// Returns: cancel_requested, observed ("<by> at <time>" or null) (no row when the deployment is no longer this worker's)
// :param {id: 'demo-10', worker: 'host-1234-0', text: 'line\n', skipped: 0, keep: 1048576}
MATCH (d:Deployment {id: $id})
WHERE d.status = 'running' AND d.worker = $worker
SET d.heartbeat_at = datetime()
MERGE (d)-[:HAS_LOG]->(l:DeploymentLog)
  ON CREATE SET l.text = '', l.total = 0, l.start = 0
WITH d, l, l.text + $text AS joined, l.total + $skipped + size($text) AS total
SET l.text = right(joined, $keep), l.total = total,
    l.start = total - size(right(joined, $keep))
RETURN coalesce(d.cancel_requested, false) AS cancel_requested,
       CASE WHEN d.observed_at IS NULL THEN null
            ELSE d.observed_by + ' at ' + toString(d.observed_at) END AS observed
