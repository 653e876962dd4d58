// Purpose: the applications whose latest version includes a version of $component other
//          than $version: they get a new application version when $version is registered.
// Parameters: $component, $version (strings)
// Returns: application (sorted by name: the order their locks are taken in)
// :param {component: 'payment', version: '1.4.3'}
MATCH (old:ComponentVersion {component: $component})<-[:INCLUDES]-(latest:ApplicationVersion)
WHERE old.version <> $version
MATCH (a:Application {name: latest.application})
WHERE a.latest_version = latest.version
RETURN DISTINCT a.name AS application
ORDER BY application
