// Purpose: deployments, newest first, one page, filtered by environment, application,
//          component (one of its versions was deployed), status, and time: started (or,
//          not started yet, queued) at or after $since and before $until. Null filters are
//          not applied.
// Parameters: $environment, $application, $component, $status (strings or null), $since,
//          $until (ISO 8601 date-times in UTC, or null), $offset, $limit
// Returns: props, environment, application ({application, version} or null)
// :param {environment: 'prod', application: null, component: null, status: null, since: '2026-10-01T00:00:00Z', until: null, offset: 0, limit: 50}
MATCH (d:Deployment)-[:TO]->(e:Environment)
// In UTC, as $since and $until come: Neo4j orders one instant in two zones as unequal.
WITH d, e, coalesce(d.started_at, d.queued_at) AS began
WITH d, e, CASE WHEN began IS NULL THEN null
                ELSE datetime({datetime: began, timezone: 'Z'}) END AS began
WHERE ($environment IS NULL OR e.name = $environment)
  AND ($since IS NULL OR began >= datetime($since))
  AND ($until IS NULL OR began < datetime($until))
  AND ($status IS NULL OR d.status = $status)
  AND ($application IS NULL OR EXISTS {
        (d)-[:OF]->(:ApplicationVersion {application: $application}) })
  AND ($component IS NULL OR EXISTS {
        (d)-[:OF]->()-[:INCLUDES*0..1]->(:ComponentVersion {component: $component}) })
OPTIONAL MATCH (d)-[:OF]->(av:ApplicationVersion)
RETURN d {.*} AS props, e.name AS environment,
       CASE WHEN av IS NULL THEN null
            ELSE {application: av.application, version: av.version} END AS application
ORDER BY d.started_at DESC, d.id
SKIP $offset LIMIT $limit
