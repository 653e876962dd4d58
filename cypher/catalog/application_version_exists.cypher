// Purpose: the component versions of application version ($application, $version), if it exists.
// Parameters: $application, $version (strings)
// Returns: components ([{component, version}]) — no row when the version does not exist
// :param {application: 'shop', version: '1.0.8'}
MATCH (av:ApplicationVersion {application: $application, version: $version})
RETURN [(av)-[:INCLUDES]->(cv:ComponentVersion) | {component: cv.component, version: cv.version}]
         AS components
