// Purpose: what environment $environment ran at time $at, from the deployment history:
//          for each component, the version of the latest succeeded deployment (by finish
//          time) at or before $at that included it. No row when the environment does not
//          exist; an empty list before its first deployment.
// Parameters: $environment (string), $at (ISO 8601 date-time)
// Returns: environment, at, running ([{component, version, since, deployment}])
// :param {environment: 'prod', at: '2026-10-10T00:00:00Z'}
MATCH (e:Environment {name: $environment})
RETURN e.name AS environment, datetime($at) AS at,
  COLLECT {
    MATCH (e)<-[:TO]-(d:Deployment {status: 'succeeded'})
    WHERE d.finished_at <= datetime($at)
    MATCH (d)-[:OF]->(target)-[:INCLUDES*0..1]->(cv:ComponentVersion)
    WITH cv.component AS component, cv.version AS version, d
    ORDER BY d.finished_at DESC, d.id DESC
    WITH component, head(collect({version: version, since: d.finished_at, deployment: d.id}))
           AS last
    RETURN {component: component, version: last.version, since: last.since,
            deployment: last.deployment} AS running
    ORDER BY running.component
  } AS running
