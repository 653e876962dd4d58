// Purpose: what environment $environment ran at time $at, from the deployment history:
//          for each component, the version of the latest succeeded deployment (by finish
//          time) at or before $at that included it. No row when the environment does not
//          exist; an empty list before its first deployment.
// Parameters: $environment (string), $at (ISO 8601 date-time)
// Returns: environment, at, running ([{component, version, kind, owner, since,
//          deployment, image, digest}], as inventory_now)
// :param {environment: 'prod', at: '2026-10-10T00:00:00Z'}
MATCH (e:Environment {name: $environment})
RETURN e.name AS environment, datetime($at) AS at,
  COLLECT {
    MATCH (e)<-[:TO]-(d:Deployment {status: 'succeeded'})
    WHERE d.finished_at <= datetime($at)
    MATCH (d)-[:OF]->(target)-[:INCLUDES*0..1]->(cv:ComponentVersion)
    WITH cv.component AS component, cv, d
    ORDER BY d.finished_at DESC, d.id DESC
    WITH component, head(collect({version: cv.version, since: d.finished_at, deployment: d.id,
                                  image: cv.image, digest: cv.digest})) AS last
    OPTIONAL MATCH (c:Component {name: component})
    RETURN {component: component, version: last.version, kind: c.kind,
            owner: [(c)-[:OWNED_BY]->(t:Team) | t.name][0], since: last.since,
            deployment: last.deployment, image: last.image, digest: last.digest} AS running
    ORDER BY running.component
  } AS running
