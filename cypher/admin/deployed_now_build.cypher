// Purpose: the schema migration to DEPLOYED_NOW edges, for the environments in
//          $environments: each environment's edge per application to the version its
//          latest succeeded deployment (by finish time, then id) of that application
//          delivered, as `deploy/move_deployed_now` keeps them. Safe to run again.
// Parameters: $environments (list of environment names)
// Returns: edges (how many the environments have now)
// :param {environments: ['prod', 'staging']}
UNWIND $environments AS name
MATCH (e:Environment {name: name})
CALL (e) {
  MATCH (e)<-[:TO]-(d:Deployment {status: 'succeeded'})-[:OF]->(av:ApplicationVersion)
  WITH av.application AS application, d, av
  ORDER BY d.finished_at DESC, d.id DESC
  WITH application, head(collect({deployment: d, version: av})) AS latest
  RETURN collect(latest) AS latest
}
OPTIONAL CALL (e) {
  MATCH (e)-[old:DEPLOYED_NOW]->()
  DELETE old
}
CALL (e, latest) {
  UNWIND latest AS l
  WITH e, l.deployment AS d, l.version AS av
  MERGE (e)-[now:DEPLOYED_NOW]->(av)
  SET now.deployment = d.id, now.finished_at = d.finished_at
  RETURN count(now) AS edges
}
RETURN sum(edges) AS edges
