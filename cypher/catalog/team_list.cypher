// Purpose: teams by name, optionally those whose name starts with $prefix, one page.
// Parameters: $prefix (string or null), $offset, $limit (integers)
// Returns: props, components (count owned), applications (count owned)
// :param {prefix: null, offset: 0, limit: 50}
MATCH (t:Team)
WHERE $prefix IS NULL OR t.name STARTS WITH $prefix
RETURN t {.*} AS props,
       COUNT { (t)<-[:OWNED_BY]-(:Component) } AS components,
       COUNT { (t)<-[:OWNED_BY]-(:Application) } AS applications
ORDER BY t.name
SKIP $offset LIMIT $limit
