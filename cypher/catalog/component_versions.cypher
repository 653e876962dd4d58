// Purpose: the versions of component $component, newest registration first, one page.
// Parameters: $component (string), $offset, $limit (integers)
// Returns: props, previous
// :param {component: 'payment', offset: 0, limit: 50}
MATCH (:Component {name: $component})-[:HAS_VERSION]->(v:ComponentVersion)
RETURN v {.*} AS props,
       [(v)-[:PREVIOUS]->(p:ComponentVersion) | p.version][0] AS previous
ORDER BY v.seq DESC
SKIP $offset LIMIT $limit
