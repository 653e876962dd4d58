// Purpose: make environments run component versions, one row per (environment,
//          component): each replaces the RUNS edge to another version of the same
//          component, unless that edge was last deployed later (a deployment recorded late
//          does not roll the inventory back). Deploying the version already running there
//          keeps its period: `since` and `deployment` stay when it started running without
//          interruption, and `last_deployment` / `last_deployed_at` name the latest
//          deployment that touched it. A late recording (older than the latest one) can
//          change that period — an earlier arrival of the same version moves it back, an
//          arrival of another version restarts it at the next arrival after — so then the
//          period is read again from the environment's succeeded deployments of the
//          component, by the rule inventory at T follows (newest first by finish time,
//          then id: the oldest arrival of the running version newer than any other's).
// Parameters: $runs (list of {environment, component, version, deployment, since (ISO
//             8601)}, at most one per environment and component)
// Returns: environment, component, version, replaced (the version it replaced, or null),
//          change (deployed: it did not run there or runs that version again; upgraded or
//          rolledback: it replaced a lower version or a higher one — by version key when
//          both are numeric, else by registration order), digest, image (of the version)
// :param {runs: [{environment: 'prod', component: 'payment', version: '1.4.2', deployment: 'd-1', since: '2026-11-20T10:04:00Z'}]}
UNWIND $runs AS run
MATCH (e:Environment {name: run.environment})
MATCH (c:Component {name: run.component})-[:HAS_VERSION]->
      (cv:ComponentVersion {version: run.version})
WITH e, c, cv, run, datetime(run.since) AS at
// From the component's few versions, not the environment's many RUNS edges.
OPTIONAL MATCH (c)-[:HAS_VERSION]->(current:ComponentVersion)<-[old:RUNS]-(e)
WITH e, c, cv, run, at, old, current,
     old IS NOT NULL AND coalesce(old.last_deployed_at, old.since) > at AS newer
CALL (e, cv, old, current, newer) {
  WITH * WHERE old IS NOT NULL AND current <> cv AND NOT newer
  DELETE old
}
// Another version deployed later stays; a move keeps the same version's period.
CALL (e, cv, run, at, current, newer) {
  WITH * WHERE NOT (newer AND current <> cv)
  MERGE (e)-[r:RUNS]->(cv)
    ON CREATE SET r.since = at, r.deployment = run.deployment,
                  r.last_deployed_at = at, r.last_deployment = run.deployment
  SET r.last_deployment = CASE WHEN newer THEN r.last_deployment ELSE run.deployment END,
      r.last_deployed_at = CASE WHEN newer THEN r.last_deployed_at ELSE at END
}
// A late recording: the running version's period from the history (walked from the
// component's versions, not the environment's every deployment).
CALL (e, c, newer) {
  WITH * WHERE newer
  MATCH (e)-[r:RUNS]->(now:ComponentVersion)<-[:HAS_VERSION]-(c)
  MATCH (c)-[:HAS_VERSION]->(v:ComponentVersion)<-[:INCLUDES*0..1]-()<-[:OF]-
        (d:Deployment {status: 'succeeded'})-[:TO]->(e)
  WITH r, now, v, d ORDER BY datetime({datetime: d.finished_at, timezone: 'Z'}) DESC, d.id DESC
  WITH r, reduce(walk = {open: true, first: null}, a IN collect({d: d, same: v = now}) |
         CASE WHEN walk.open AND a.same THEN {open: true, first: a.d}
              ELSE {open: false, first: walk.first} END) AS walk
  WITH r, walk.first AS first WHERE first IS NOT NULL
  SET r.since = first.finished_at, r.deployment = first.id
}
WITH e, cv, current, run, at, newer WHERE NOT (newer AND current <> cv)
RETURN e.name AS environment, cv.component AS component, cv.version AS version,
       CASE WHEN current IS NULL OR current = cv THEN null ELSE current.version END AS replaced,
       CASE
         WHEN current IS NULL OR current = cv THEN 'deployed'
         WHEN cv.version_key IS NOT NULL AND current.version_key IS NOT NULL
           THEN CASE WHEN cv.version_key < current.version_key THEN 'rolledback'
                     ELSE 'upgraded' END
         WHEN cv.seq < current.seq THEN 'rolledback'
         ELSE 'upgraded'
       END AS change,
       cv.digest AS digest, cv.image AS image
