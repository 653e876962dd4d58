// Purpose: after succeeded deployments of application versions, keep each environment's
//          DEPLOYED_NOW edge per application on the version its latest succeeded
//          deployment (by finish time, then id) delivered: what the blast radius and the
//          package blast radius call "deployed now". A deployment finished before the one
//          the edge names changes nothing (recorded late); deployments of bare component
//          versions have no application and are skipped. Any order of $deployments, even
//          several of one application and environment.
// Parameters: $deployments (list of deployment ids)
// Returns: environment, application, version (one row per edge set)
// :param {deployments: ['demo-3']}
UNWIND $deployments AS id
MATCH (d:Deployment {id: id, status: 'succeeded'})-[:OF]->(av:ApplicationVersion),
      (d)-[:TO]->(e:Environment)
WITH e, av.application AS application, d, av
ORDER BY d.finished_at DESC, d.id DESC
WITH e, application, head(collect({deployment: d, version: av})) AS latest
WITH e, application, latest.deployment AS d, latest.version AS av
// From the application's few versions, not the environment's many DEPLOYED_NOW edges.
OPTIONAL MATCH (:Application {name: application})-[:HAS_VERSION]->(held:ApplicationVersion)
               <-[old:DEPLOYED_NOW]-(e)
WITH e, application, d, av, old
WHERE old IS NULL OR old.finished_at < d.finished_at
   OR (old.finished_at = d.finished_at AND old.deployment <= d.id)
CALL (old) {
  WITH old WHERE old IS NOT NULL
  DELETE old
}
MERGE (e)-[now:DEPLOYED_NOW]->(av)
SET now.deployment = d.id, now.finished_at = d.finished_at
RETURN e.name AS environment, application, av.version AS version
