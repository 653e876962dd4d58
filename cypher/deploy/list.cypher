// Purpose: deployments, newest first, one page, filtered by environment, application,
//          component (one of its versions was deployed), status, and time: started (or,
//          not started yet, queued) at or after $since and before $until. Null filters are
//          not applied. Those still waiting (queued) come first, by id; then the rest
//          newest first — by when they started, or, cancelled while they waited, by when
//          they were queued — then by id.
//          A page reads about as many deployments as it holds, not the whole history:
//          the started ones come from the deployment_started index already in order (a
//          PartialSort, no Sort over every deployment); those not started are the queued
//          ones and the ones cancelled before they started (claiming a deployment sets
//          started_at, and a recorded or imported one always has it), found by status.
//          Each part is filtered the same way, in the final order, and cut at
//          $offset + $limit before the two are merged; the filter is written twice
//          because Cypher cannot share it.
// Parameters: $environment, $application, $component, $status (strings or null), $since,
//          $until (ISO 8601 date-times in UTC, or null), $offset, $limit
// Returns: props, environment, application ({application, version} or null)
// :param {environment: 'prod', application: null, component: null, status: null, since: '2026-10-01T00:00:00Z', until: null, offset: 0, limit: 50}
// Times compared in UTC, as $since and $until come: Neo4j orders one instant written in two
// zones as unequal (by the zone's offset).
// What a deployment of $application or of $component is OF, found once: the application's
// versions; the component's versions and the application versions that include one.
// Testing a deployment's OF edge against these is cheaper than walking from it to every
// component version it delivered.
WITH CASE WHEN $application IS NULL THEN null
          ELSE COLLECT { MATCH (av:ApplicationVersion {application: $application}) RETURN av }
     END AS ofApplication,
     CASE WHEN $component IS NULL THEN null
          ELSE COLLECT {
            MATCH (:Component {name: $component})-[:HAS_VERSION]->(:ComponentVersion)
                  <-[:INCLUDES*0..1]-(t)
            RETURN DISTINCT t }
     END AS ofComponent
CALL (ofApplication, ofComponent) {
  MATCH (d:Deployment)
  USING INDEX d:Deployment(status)
  WHERE d.status IN ['queued', 'cancelled'] AND d.started_at IS NULL
    AND ($since IS NULL OR datetime({datetime: d.queued_at, timezone: 'Z'}) >= datetime($since))
    AND ($until IS NULL OR datetime({datetime: d.queued_at, timezone: 'Z'}) < datetime($until))
  MATCH (d)-[:TO]->(e:Environment)
  WHERE ($environment IS NULL OR e.name = $environment)
    AND ($status IS NULL OR d.status = $status)
    AND (ofApplication IS NULL OR EXISTS { (d)-[:OF]->(t) WHERE t IN ofApplication })
    AND (ofComponent IS NULL OR EXISTS { (d)-[:OF]->(t) WHERE t IN ofComponent })
  RETURN d, e
  ORDER BY d.status <> 'queued', CASE WHEN d.status <> 'queued' THEN d.queued_at END DESC, d.id
  LIMIT $offset + $limit
  UNION ALL
  MATCH (d:Deployment)
  USING INDEX d:Deployment(started_at)
  // The index is read newest first between bounds a second wider than $since and $until
  // (the exact bounds, in UTC, are checked next): the range says the property's type,
  // which the planner needs to serve the order from the index.
  WHERE d.started_at >= coalesce(datetime($since) - duration({seconds: 1}),
                                 datetime('-999999999-01-01T00:00:00Z'))
    AND d.started_at < coalesce(datetime($until) + duration({seconds: 1}),
                                datetime('+999999999-12-31T23:59:59Z'))
    AND ($since IS NULL OR datetime({datetime: d.started_at, timezone: 'Z'}) >= datetime($since))
    AND ($until IS NULL OR datetime({datetime: d.started_at, timezone: 'Z'}) < datetime($until))
  MATCH (d)-[:TO]->(e:Environment)
  WHERE ($environment IS NULL OR e.name = $environment)
    AND ($status IS NULL OR d.status = $status)
    AND (ofApplication IS NULL OR EXISTS { (d)-[:OF]->(t) WHERE t IN ofApplication })
    AND (ofComponent IS NULL OR EXISTS { (d)-[:OF]->(t) WHERE t IN ofComponent })
  RETURN d, e ORDER BY d.started_at DESC, d.id LIMIT $offset + $limit
}
OPTIONAL MATCH (d)-[:OF]->(av:ApplicationVersion)
RETURN d {.*} AS props, e.name AS environment,
       CASE WHEN av IS NULL THEN null
            ELSE {application: av.application, version: av.version} END AS application
ORDER BY d.started_at IS NULL AND d.status = 'queued' DESC,
         CASE WHEN d.started_at IS NOT NULL OR d.status <> 'queued'
              THEN coalesce(d.started_at, d.queued_at) END DESC,
         d.id
SKIP $offset LIMIT $limit
