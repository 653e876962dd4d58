// Purpose: the version matrix: components down the side, environments across, the version
//          of each component in each environment now (its RUNS edges) or at time $at (the
//          inventory's rule: the latest succeeded deployment finished at or before $at that
//          included it, since the start of its uninterrupted run). Environments in stage
//          order (dev, test, staging, prod, then any other stage, then none), then by
//          name; components by name, one page of them.
//          Filters: components of application $application (any of its versions), owned by
//          team $team; environments of stage $stage. A null filter is not applied.
// Parameters: $application, $team, $stage (strings or null), $at (ISO 8601 date-time or
//          null for now), $offset, $limit (components)
// Returns: environments ([{name, stage}]), components ([{component, kind, owner,
//          cells: [{environment, version, since, deployment}]}]) — one row; a cell only
//          where the component runs
// :param {application: null, team: null, stage: null, at: null, offset: 0, limit: 50}
// Times compared in UTC: Neo4j orders one instant written in two zones as unequal. Times
// returned as text: cheaper to decode than a date-time value, on thousands of cells.
WITH CASE WHEN $at IS NULL THEN null
          ELSE datetime({datetime: datetime($at), timezone: 'Z'}) END AS at,
     COLLECT {
       MATCH (e:Environment)
       WHERE $stage IS NULL OR e.stage = $stage
       RETURN e
       ORDER BY CASE e.stage WHEN 'dev' THEN 0 WHEN 'test' THEN 1 WHEN 'staging' THEN 2
                             WHEN 'prod' THEN 3 ELSE CASE WHEN e.stage IS NULL THEN 5 ELSE 4 END
                END, e.stage, e.name
     } AS envs,
     // The application's components, found once from its versions: cheaper than asking
     // each component whether an application version includes one of its versions.
     CASE WHEN $application IS NULL THEN null ELSE COLLECT {
       MATCH (:Application {name: $application})-[:HAS_VERSION]->(:ApplicationVersion)
             -[:INCLUDES]->(:ComponentVersion)<-[:HAS_VERSION]-(c:Component)
       RETURN DISTINCT c
     } END AS ofApplication
RETURN [e IN envs | {name: e.name, stage: e.stage}] AS environments,
  COLLECT {
    MATCH (c:Component)
    WHERE ($team IS NULL OR EXISTS { (c)-[:OWNED_BY]->(:Team {name: $team}) })
      AND ($application IS NULL OR c IN ofApplication)
    WITH c ORDER BY c.name SKIP $offset LIMIT $limit
    WITH c,
      COLLECT {
        MATCH (c)-[:HAS_VERSION]->(cv:ComponentVersion)<-[r:RUNS]-(e:Environment)
        WHERE at IS NULL AND e IN envs
        RETURN {environment: e.name, version: cv.version, since: toString(r.since),
                deployment: r.deployment} AS cell
      } AS now,
      COLLECT {
        MATCH (c)-[:HAS_VERSION]->(cv:ComponentVersion)<-[:INCLUDES*0..1]-()
              <-[:OF]-(d:Deployment {status: 'succeeded'})-[:TO]->(e:Environment)
        WHERE at IS NOT NULL AND e IN envs
        WITH e, cv, d, datetime({datetime: d.finished_at, timezone: 'Z'}) AS finished
        WHERE finished <= at
        WITH e, cv, d ORDER BY finished DESC, d.id DESC
        WITH e, collect({version: cv.version, deployment: d}) AS arrivals
        // As the inventory at a time: since the start of its uninterrupted run.
        WITH e, arrivals[0].version AS version,
             reduce(run = {open: true, first: null}, a IN arrivals |
               CASE WHEN run.open AND a.version = arrivals[0].version
                    THEN {open: true, first: a.deployment}
                    ELSE {open: false, first: run.first} END).first AS first
        RETURN {environment: e.name, version: version, since: toString(first.finished_at),
                deployment: first.id} AS cell
      } AS past
    RETURN {component: c.name, kind: c.kind, owner: [(c)-[:OWNED_BY]->(t:Team) | t.name][0],
            cells: CASE WHEN at IS NULL THEN now ELSE past END} AS row
  } AS components
