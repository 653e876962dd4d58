// Purpose: where application version $application $version runs now and where it ran:
//          the environments running every one of its component versions now (and those
//          running only some of them, with how many), and each deployment of it, newest first.
//          No row when the application version does not exist.
// Parameters: $application, $version (strings)
// Returns: size (component versions it includes), running ([{environment, stage, running}]
//          — running: how many of them the environment runs now), deployments ([{id,
//          environment, status, started_at, finished_at}])
// :param {application: 'shop', version: '1.0.3'}
MATCH (av:ApplicationVersion {application: $application, version: $version})
RETURN COUNT { (av)-[:INCLUDES]->(:ComponentVersion) } AS size,
  COLLECT {
    MATCH (av)-[:INCLUDES]->(cv:ComponentVersion)<-[:RUNS]-(e:Environment)
    WITH e, count(cv) AS running
    RETURN {environment: e.name, stage: e.stage, running: running} AS place
    ORDER BY place.running DESC, place.environment
  } AS running,
  COLLECT {
    MATCH (av)<-[:OF]-(d:Deployment)-[:TO]->(e:Environment)
    RETURN {id: d.id, environment: e.name, status: d.status, started_at: d.started_at,
            finished_at: d.finished_at} AS deployment
    ORDER BY deployment.started_at DESC, deployment.id DESC
  } AS deployments
