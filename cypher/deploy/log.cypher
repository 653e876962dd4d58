// Purpose: deployment $id's log from character $offset on (the log keeps its tail: a client
//          that asks for an offset before `start` gets what is left from `start`).
// Parameters: $id (string), $offset (integer)
// Returns: status, text, start, total, executed (false for a deployment that was recorded,
//          not run by an engine: it has no log), log_url (no row if the deployment is
//          unknown)
// :param {id: 'demo-10', offset: 0}
MATCH (d:Deployment {id: $id})
OPTIONAL MATCH (d)-[:HAS_LOG]->(l:DeploymentLog)
WITH d, coalesce(l.text, '') AS text, coalesce(l.start, 0) AS start,
     coalesce(l.total, 0) AS total
WITH d, text, start, total,
     CASE WHEN $offset < start THEN start WHEN $offset > total THEN total ELSE $offset END AS from
RETURN d.status AS status, substring(text, from - start) AS text, from AS start, total,
       d.queued_at IS NOT NULL AS executed, d.log_url AS log_url
