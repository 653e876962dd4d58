// Purpose: the components whose latest version depends on component $component, by name,
//          one page (what the component's page lists as "used by"; a hub has hundreds).
// Parameters: $component (string), $offset, $limit (integers)
// Returns: component
// :param {component: 'payment', offset: 0, limit: 50}
MATCH (:Component {name: $component})<-[:DEPENDS_ON]-(xv:ComponentVersion)
MATCH (x:Component {name: xv.component})
WHERE xv.version = x.latest_version
RETURN DISTINCT x.name AS component
ORDER BY component
SKIP $offset LIMIT $limit
