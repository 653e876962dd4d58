// Purpose: what environment $environment ran at time $at, from the deployment history:
//          for each component, the version of the latest succeeded deployment (by finish
//          time, then id) at or before $at that included it; since when that version had
//          run there without interruption (a redeployment does not restart it) and the
//          deployment that started that; the latest deployment that touched it. No row
//          when the environment does not exist; an empty list before its first deployment.
// Parameters: $environment (string), $at (ISO 8601 date-time)
// Returns: environment, at, running ([{component, version, kind, owner, since,
//          deployment, last_deployed_at, last_deployment, image, digest}], as
//          inventory_now)
// :param {environment: 'prod', at: '2026-10-10T00:00:00Z'}
MATCH (e:Environment {name: $environment})
RETURN e.name AS environment, toString(datetime($at)) AS at,
  COLLECT {
    MATCH (e)<-[:TO]-(d:Deployment {status: 'succeeded'})
    WHERE d.finished_at <= datetime($at)
    MATCH (d)-[:OF]->(target)-[:INCLUDES*0..1]->(cv:ComponentVersion)
    WITH cv.component AS component, cv, d
    ORDER BY d.finished_at DESC, d.id DESC
    WITH component, collect({version: cv, deployment: d}) AS arrivals
    // The newest arrivals of the version it ran then, up to one of another version.
    WITH component, arrivals[0].version AS cv, arrivals[0].deployment AS last,
         reduce(run = {open: true, first: null}, a IN arrivals |
           CASE WHEN run.open AND a.version = arrivals[0].version
                THEN {open: true, first: a.deployment}
                ELSE {open: false, first: run.first} END).first AS first
    OPTIONAL MATCH (c:Component {name: component})
    RETURN {component: component, version: cv.version, kind: c.kind,
            owner: [(c)-[:OWNED_BY]->(t:Team) | t.name][0],
            since: toString(first.finished_at), deployment: first.id,
            last_deployed_at: toString(last.finished_at), last_deployment: last.id,
            image: cv.image, digest: cv.digest} AS running
    ORDER BY running.component
  } AS running
