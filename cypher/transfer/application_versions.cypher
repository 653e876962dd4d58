// Purpose: the application versions among $keys that exist, with the component versions
//          they include, as an export holds them (seq gives the registration order).
// Parameters: $keys (list of {application, version})
// Returns: props, components ([{component, version}] by component) — one row per existing
//          version
// :param {keys: [{application: 'shop', version: '1.0.8'}]}
UNWIND $keys AS key
MATCH (av:ApplicationVersion {application: key.application, version: key.version})
RETURN av {.*} AS props,
       COLLECT {
         MATCH (av)-[:INCLUDES]->(cv:ComponentVersion)
         RETURN {component: cv.component, version: cv.version} AS member
         ORDER BY member.component, member.version
       } AS components
