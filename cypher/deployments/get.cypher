// Purpose: one deployment: what (application version or component versions), where,
//          status, times, who, engine, log (no row if unknown).
// Parameters: $id (string)
// Returns: props, environment, application ({application, version} or null),
//          components ([{component, version}] deployed, by name)
// :param {id: '4b0c2f52-5a55-4f5e-9a53-7a1c2a8f6b1e'}
MATCH (d:Deployment {id: $id})-[:TO]->(e:Environment)
OPTIONAL MATCH (d)-[:OF]->(av:ApplicationVersion)
RETURN d {.*} AS props, e.name AS environment,
       CASE WHEN av IS NULL THEN null
            ELSE {application: av.application, version: av.version} END AS application,
       COLLECT {
         MATCH (d)-[:OF]->(target)
         MATCH (target)-[:INCLUDES*0..1]->(cv:ComponentVersion)
         RETURN DISTINCT {component: cv.component, version: cv.version} AS member
         ORDER BY member.component
       } AS components
