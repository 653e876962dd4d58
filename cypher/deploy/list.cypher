// Purpose: deployments, newest first, one page, filtered by environment, application,
//          component (one of its versions was deployed) and status. Null filters are not applied.
// Parameters: $environment, $application, $component, $status (strings or null), $offset, $limit
// Returns: props, environment, application ({application, version} or null)
// :param {environment: 'prod', application: null, component: null, status: null, offset: 0, limit: 50}
MATCH (d:Deployment)-[:TO]->(e:Environment)
WHERE ($environment IS NULL OR e.name = $environment)
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
