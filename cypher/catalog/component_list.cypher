// Purpose: components by name, one page, filtered by name prefix, kind, owner team, and
//          environment (a version of it runs there now). A null filter is not applied.
// Parameters: $prefix, $kind, $owner, $environment (strings or null), $offset, $limit
// Returns: props, owner
// :param {prefix: null, kind: 'service', owner: null, environment: 'prod', offset: 0, limit: 50}
MATCH (c:Component)
WHERE ($prefix IS NULL OR c.name STARTS WITH $prefix)
  AND ($kind IS NULL OR c.kind = $kind)
  AND ($owner IS NULL OR EXISTS { (c)-[:OWNED_BY]->(:Team {name: $owner}) })
  AND ($environment IS NULL OR EXISTS {
        (c)-[:HAS_VERSION]->(:ComponentVersion)<-[:RUNS]-(:Environment {name: $environment}) })
RETURN c {.*} AS props, [(c)-[:OWNED_BY]->(t:Team) | t.name][0] AS owner
ORDER BY c.name
SKIP $offset LIMIT $limit
