// Purpose: the components whose latest version depends on component $component, by name,
//          one page (what the component's page lists as "used by"; a hub has hundreds).
// Parameters: $component (string), $offset, $limit (integers)
// Returns: component
// :param {component: 'payment', offset: 0, limit: 50}
// Each component any of whose versions depends on it is asked once whether its latest
// version does, by the version's key: checked on each of those versions, the large
// benchmark catalog's hub (5,048 of them, 201 latest) read 35 thousand db hits, now 19.
MATCH (needed:Component {name: $component})<-[:DEPENDS_ON]-(xv:ComponentVersion)
WITH DISTINCT needed, xv.component AS name
MATCH (x:Component {name: name})
MATCH (:ComponentVersion {component: name, version: x.latest_version})-[:DEPENDS_ON]->(needed)
RETURN DISTINCT x.name AS component
ORDER BY component
SKIP $offset LIMIT $limit
