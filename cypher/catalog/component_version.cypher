// Purpose: one component version with its dependencies and predecessor (no row if unknown).
// Parameters: $component, $version (strings)
// Returns: props (all properties; attributes as `attr.<key>`), dependencies
//          ([{component, range}]), previous (version string or null),
//          running ([{environment, since}] where it runs now)
// :param {component: 'payment', version: '1.4.2'}
MATCH (v:ComponentVersion {component: $component, version: $version})
RETURN v {.*} AS props,
       [(v)-[d:DEPENDS_ON]->(dep:Component) | {component: dep.name, range: d.range}]
         AS dependencies,
       [(v)-[:PREVIOUS]->(p:ComponentVersion) | p.version][0] AS previous,
       [(v)<-[r:RUNS]-(e:Environment) | {environment: e.name, since: r.since}] AS running
