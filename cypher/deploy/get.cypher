// Purpose: one deployment: what (application version or component versions), where,
//          status, times, who, engine, log size, and — while it is queued — the deployments
//          to its environment that go first (no row if unknown).
// Parameters: $id (string)
// Returns: props, environment, application ({application, version} or null),
//          components ([{component, version}] deployed, by name), log_size (characters the
//          engine wrote), ahead (ids running or queued before it, in order; empty unless queued)
// :param {id: 'demo-10'}
MATCH (d:Deployment {id: $id})-[:TO]->(e:Environment)
OPTIONAL MATCH (d)-[:OF]->(av:ApplicationVersion)
OPTIONAL MATCH (d)-[:HAS_LOG]->(l:DeploymentLog)
RETURN d {.*} AS props, e.name AS environment,
       CASE WHEN av IS NULL THEN null
            ELSE {application: av.application, version: av.version} END AS application,
       COLLECT {
         MATCH (d)-[:OF]->(target)
         MATCH (target)-[:INCLUDES*0..1]->(cv:ComponentVersion)
         RETURN DISTINCT {component: cv.component, version: cv.version} AS member
         ORDER BY member.component
       } AS components,
       coalesce(l.total, 0) AS log_size,
       CASE WHEN d.status <> 'queued' THEN [] ELSE COLLECT {
         MATCH (e)<-[:TO]-(o:Deployment)
         WHERE o.status = 'running'
            OR (o.status = 'queued'
                AND (o.queued_at < d.queued_at OR (o.queued_at = d.queued_at AND o.id < d.id)))
         RETURN o.id ORDER BY o.status DESC, o.queued_at, o.id
       } END AS ahead
