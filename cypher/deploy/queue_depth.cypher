// Purpose: per environment and deployment status, how many deployments there are, how long
//          the oldest queued one has waited and how old the stalest running one's heartbeat
//          is (metrics: queue depth and age, outcomes, worker heartbeats).
// Parameters: none
// Returns: environment, status, deployments, oldest_queued_seconds, heartbeat_age_seconds
// :param {}
MATCH (d:Deployment)-[:TO]->(e:Environment)
WITH e.name AS environment, d.status AS status, count(d) AS deployments,
     min(CASE WHEN d.status = 'queued' THEN d.queued_at END) AS oldest_queued,
     min(CASE WHEN d.status = 'running' THEN d.heartbeat_at END) AS stalest_heartbeat
RETURN environment, status, deployments,
       CASE WHEN oldest_queued IS NULL THEN 0.0
            ELSE duration.inSeconds(oldest_queued, datetime()).seconds END AS oldest_queued_seconds,
       CASE WHEN stalest_heartbeat IS NULL THEN 0.0
            ELSE duration.inSeconds(stalest_heartbeat, datetime()).seconds END AS heartbeat_age_seconds
ORDER BY environment, status
