// Purpose: what a promotion of application $application from environment $environment
//          would deploy: the latest deployment there of a version of the application
//          (of version $version when given), its status, and which of that version's
//          component versions the environment no longer runs. No row when there is none.
// Parameters: $application, $environment (strings), $version (string or null)
// Returns: version, deployment, status, finished_at, replaced ([{component, version,
//          running}]: members the environment runs another version of, or none)
// :param {application: 'shop', environment: 'staging', version: null}
MATCH (e:Environment {name: $environment})<-[:TO]-(d:Deployment)-[:OF]->(av:ApplicationVersion {application: $application})
WHERE $version IS NULL OR av.version = $version
WITH e, d, av
ORDER BY coalesce(d.finished_at, d.started_at, d.queued_at) DESC, d.recorded_at DESC
LIMIT 1
RETURN av.version AS version, d.id AS deployment, d.status AS status,
       d.finished_at AS finished_at,
       COLLECT {
         MATCH (av)-[:INCLUDES]->(cv:ComponentVersion)
         WHERE NOT (e)-[:RUNS]->(cv)
         OPTIONAL MATCH (e)-[:RUNS]->(now:ComponentVersion {component: cv.component})
         RETURN {component: cv.component, version: cv.version, running: now.version} AS gone
         ORDER BY gone.component
       } AS replaced
