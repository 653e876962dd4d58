// Purpose: the schema migration of RUNS edges to periods, for the environments in
//          $environments: where the deployment history explains what an environment runs
//          (its latest succeeded deployment including a version of the component delivered
//          the version it runs), `since` and `deployment` become the start of the
//          uninterrupted run of that version (a redeployment does not restart it) and
//          `last_deployment` / `last_deployed_at` the latest deployment that touched it.
//          Edges the history does not explain (imported runs) keep their times. One pass
//          over each environment's history, as the inventory at a time reads it. Safe to
//          run again.
// Parameters: $environments (list of environment names)
// Returns: moved (RUNS edges given a period from the history)
// :param {environments: ['prod']}
UNWIND $environments AS name
MATCH (e:Environment {name: name})
CALL (e) {
  MATCH (e)<-[:TO]-(d:Deployment {status: 'succeeded'})-[:OF]->(target)
        -[:INCLUDES*0..1]->(cv:ComponentVersion)
  WITH cv.component AS component, cv, d
  ORDER BY d.finished_at DESC, d.id DESC
  WITH component, collect({version: cv, deployment: d}) AS arrivals
  // The newest arrivals of the version running now, up to one of another version.
  WITH arrivals[0].version AS cv, arrivals[0].deployment AS last,
       reduce(run = {open: true, first: null}, a IN arrivals |
         CASE WHEN run.open AND a.version = arrivals[0].version
              THEN {open: true, first: a.deployment}
              ELSE {open: false, first: run.first} END).first AS first
  MATCH (e)-[r:RUNS]->(cv)
  SET r.since = first.finished_at, r.deployment = first.id,
      r.last_deployed_at = last.finished_at, r.last_deployment = last.id
  RETURN count(r) AS moved
}
RETURN sum(moved) AS moved
