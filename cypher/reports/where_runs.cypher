// Purpose: where component $component (or only its version $version) runs now and where
//          it ran before: per environment, the version running now (if any) and every
//          succeeded deployment that put a version of it there, newest first, each with the
//          time it arrived and the time the next one replaced it. No row when the component
//          does not exist. Each environment's history is cut to $limit periods from $offset
//          (a component deployed thousands of times has a history too long for one page);
//          an environment with no period from $offset on is left out.
// Parameters: $component (string), $version (string or null), $offset (integer),
//          $limit (integer, or null for the whole history)
// Returns: component, environments ([{environment, stage, running_now,
//          history: [{version, from, until, deployment}]}]) — a redeployment of the version
//          already there does not start a new period
// :param {component: 'payment', version: null, offset: 0, limit: 5}
MATCH (c:Component {name: $component})
// What runs now where, from the component's versions: looked up per environment from its
// RUNS edges instead, it read every environment's whole inventory (0.3 million db hits on
// the large benchmark catalog).
WITH c, COLLECT {
    MATCH (c)-[:HAS_VERSION]->(v:ComponentVersion)<-[:RUNS]-(e:Environment)
    RETURN {environment: e.name, version: v.version} AS now
  } AS now
RETURN c.name AS component,
  COLLECT {
    // From the component's versions to the deployments of them (directly, or of an
    // application version that includes them), not from every deployment.
    MATCH (c)-[:HAS_VERSION]->(cv:ComponentVersion)<-[:INCLUDES*0..1]-(target)
          <-[:OF]-(d:Deployment {status: 'succeeded'})-[:TO]->(e:Environment)
    WITH e, d, cv ORDER BY d.finished_at, d.id
    WITH e, collect({version: cv.version, at: d.finished_at, deployment: d.id}) AS arrivals
    // A redeployment of the version already there does not start a new period.
    WITH e, [i IN range(0, size(arrivals) - 1)
             WHERE i = 0 OR arrivals[i].version <> arrivals[i - 1].version | arrivals[i]]
           AS events
    WITH e, [i IN range(0, size(events) - 1) | {
           version: events[i].version, from: events[i].at, deployment: events[i].deployment,
           until: CASE WHEN i + 1 < size(events) THEN events[i + 1].at ELSE null END}] AS periods
    WITH e, reverse([p IN periods WHERE $version IS NULL OR p.version = $version]) AS history
    WHERE size(history) > $offset
    WITH e, history, head([n IN now WHERE n.environment = e.name | n.version]) AS running
    RETURN {environment: e.name, stage: e.stage,
            running_now: CASE WHEN $version IS NULL OR running = $version THEN running END,
            history: CASE WHEN $limit IS NULL THEN history[$offset..]
                          ELSE history[$offset..$offset + $limit] END} AS place
    ORDER BY place.environment
  } AS environments
