// Purpose: the component versions among $keys that exist, with their dependencies, as an
//          export holds them (seq gives the registration order).
// Parameters: $keys (list of {component, version})
// Returns: props (all properties; attributes as `attr.<key>`), dependencies
//          ([{component, range}]) — one row per existing version
// :param {keys: [{component: 'payment', version: '1.4.2'}]}
UNWIND $keys AS key
MATCH (v:ComponentVersion {component: key.component, version: key.version})
RETURN v {.*} AS props,
       [(v)-[d:DEPENDS_ON]->(dep:Component) | {component: dep.name, range: d.range}]
         AS dependencies
