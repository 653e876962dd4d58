// Purpose: the versions of application $application in version (registration) order,
//          oldest first, each with its predecessor, one page.
// Parameters: $application (string), $offset, $limit (integers)
// Returns: props, previous, components (count)
// :param {application: 'shop', offset: 0, limit: 50}
MATCH (av:ApplicationVersion {application: $application})
RETURN av {.*} AS props,
       [(av)-[:PREVIOUS]->(p:ApplicationVersion) | p.version][0] AS previous,
       COUNT { (av)-[:INCLUDES]->() } AS components
ORDER BY av.seq
SKIP $offset LIMIT $limit
