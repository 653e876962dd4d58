// Purpose: the key of every record in the catalog, kind by kind, for a whole-catalog export
//          (the records themselves are then read in chunks by the other transfer/ queries).
//          Deployments still queued or running are not history yet and are left out.
// Parameters: none
// Returns: teams ([{name}]), components ([{name}]), component_versions
//          ([{component, version}]), applications ([{name}]), application_versions
//          ([{application, version}]), environments ([{name}]), deployments ([{id}]),
//          runs ([{environment, component}])
// :param {}
RETURN COLLECT { MATCH (t:Team) RETURN {name: t.name} } AS teams,
       COLLECT { MATCH (c:Component) RETURN {name: c.name} } AS components,
       COLLECT {
         MATCH (v:ComponentVersion) RETURN {component: v.component, version: v.version}
       } AS component_versions,
       COLLECT { MATCH (a:Application) RETURN {name: a.name} } AS applications,
       COLLECT {
         MATCH (av:ApplicationVersion) RETURN {application: av.application, version: av.version}
       } AS application_versions,
       COLLECT { MATCH (e:Environment) RETURN {name: e.name} } AS environments,
       COLLECT {
         MATCH (d:Deployment) WHERE NOT d.status IN ['queued', 'running'] RETURN {id: d.id}
       } AS deployments,
       COLLECT {
         MATCH (e:Environment)-[:RUNS]->(v:ComponentVersion)
         RETURN {environment: e.name, component: v.component}
       } AS runs
