// Purpose: the deployments among $keys that exist, as an export holds them: where to, and
//          of what — an application version, or component versions directly.
// Parameters: $keys (list of {id})
// Returns: props, environment, application ({application, version} or null), components
//          ([{component, version}] it was directly of, by component) — one row per deployment
// :param {keys: [{id: 'demo-7'}]}
UNWIND $keys AS key
MATCH (d:Deployment {id: key.id})-[:TO]->(e:Environment)
OPTIONAL MATCH (d)-[:OF]->(av:ApplicationVersion)
RETURN d {.*} AS props, e.name AS environment,
       CASE WHEN av IS NULL THEN null
            ELSE {application: av.application, version: av.version} END AS application,
       COLLECT {
         MATCH (d)-[:OF]->(cv:ComponentVersion)
         RETURN {component: cv.component, version: cv.version} AS member
         ORDER BY member.component, member.version
       } AS components
