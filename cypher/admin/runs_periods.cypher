// Purpose: the schema migration of RUNS edges to periods, for the environments in
//          $environments: where the deployment history explains what an environment runs
//          (its latest succeeded deployment including a version of the component delivered
//          that version), `since` and `deployment` become the start of the uninterrupted
//          run of that version (a redeployment does not restart it) and `last_deployment`
//          / `last_deployed_at` the latest deployment that touched it. Edges the history
//          does not explain (imported runs) keep their times. Safe to run again.
// Parameters: $environments (list of environment names)
// Returns: moved (RUNS edges given a period from the history)
// :param {environments: ['prod']}
UNWIND $environments AS name
MATCH (e:Environment {name: name})-[r:RUNS]->(cv:ComponentVersion)<-[:HAS_VERSION]-(c:Component)
CALL (e, c) {
  MATCH (c)-[:HAS_VERSION]->(v:ComponentVersion)<-[:INCLUDES*0..1]-()
        <-[:OF]-(d:Deployment {status: 'succeeded'})-[:TO]->(e)
  WITH v, d ORDER BY d.finished_at DESC, d.id DESC
  RETURN collect({version: v, deployment: d}) AS arrivals
}
WITH r, cv, arrivals
WHERE size(arrivals) > 0 AND arrivals[0].version = cv
// The newest arrivals of the version running now, up to the first of another version.
WITH r, arrivals[0].deployment AS last,
     reduce(run = {open: true, first: null}, a IN arrivals |
       CASE WHEN run.open AND a.version = arrivals[0].version
            THEN {open: true, first: a.deployment}
            ELSE {open: false, first: run.first} END).first AS first
SET r.since = first.finished_at, r.deployment = first.id,
    r.last_deployed_at = last.finished_at, r.last_deployment = last.id
RETURN count(r) AS moved
