// Purpose: one component: details, owner, the components its latest version depends on,
//          and where each of its versions runs now (no row if unknown).
// Parameters: $name (string)
// Returns: props, owner, dependencies ([{component, range}] of the latest version),
//          running ([{environment, version, since}])
// :param {name: 'payment'}
MATCH (c:Component {name: $name})
OPTIONAL MATCH (c)-[:HAS_VERSION]->(latest:ComponentVersion {version: c.latest_version})
RETURN c {.*} AS props,
       [(c)-[:OWNED_BY]->(t:Team) | t.name][0] AS owner,
       COLLECT {
         MATCH (latest)-[d:DEPENDS_ON]->(dep:Component)
         RETURN {component: dep.name, range: d.range} AS dependency
         ORDER BY dependency.component
       } AS dependencies,
       COLLECT {
         MATCH (c)-[:HAS_VERSION]->(v:ComponentVersion)<-[r:RUNS]-(e:Environment)
         RETURN {environment: e.name, version: v.version, since: r.since} AS running
         ORDER BY running.environment
       } AS running
