// Purpose: make environments run component versions, one row per (environment,
//          component): each replaces the RUNS edge to another version of the same
//          component, unless that edge was last deployed later (a deployment recorded late
//          does not roll the inventory back). Deploying the version already running there
//          keeps its period: `since` and `deployment` stay when it started running without
//          interruption (moved earlier by a late recording of an earlier arrival), and
//          `last_deployment` / `last_deployed_at` name the latest deployment that touched it.
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
WITH e, cv, run, at, old, current,
     old IS NOT NULL AND coalesce(old.last_deployed_at, old.since) > at AS newer
// Another version deployed later stays; a move keeps the same version's period.
WHERE NOT (newer AND current <> cv)
CALL (e, cv, run, at, old, current, newer) {
  WITH * WHERE old IS NOT NULL AND current <> cv
  DELETE old
}
MERGE (e)-[r:RUNS]->(cv)
  ON CREATE SET r.since = at, r.deployment = run.deployment,
                r.last_deployed_at = at, r.last_deployment = run.deployment
WITH e, cv, current, r, run, at, newer
SET r.deployment = CASE WHEN at < r.since THEN run.deployment ELSE r.deployment END,
    r.since = CASE WHEN at < r.since THEN at ELSE r.since END,
    r.last_deployment = CASE WHEN newer THEN r.last_deployment ELSE run.deployment END,
    r.last_deployed_at = CASE WHEN newer THEN r.last_deployed_at ELSE at END
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
