// Purpose: applications by name, one page, filtered by name prefix, owner team, and
//          environment (one of its versions was deployed there). A null filter is not applied.
// Parameters: $prefix, $owner, $environment (strings or null), $offset, $limit
// Returns: props, owner
// :param {prefix: null, owner: null, environment: null, offset: 0, limit: 50}
MATCH (a:Application)
WHERE ($prefix IS NULL OR a.name STARTS WITH $prefix)
  AND ($owner IS NULL OR EXISTS { (a)-[:OWNED_BY]->(:Team {name: $owner}) })
  AND ($environment IS NULL OR EXISTS {
        (a)-[:HAS_VERSION]->(:ApplicationVersion)<-[:OF]-(:Deployment)-[:TO]->
          (:Environment {name: $environment}) })
RETURN a {.*} AS props, [(a)-[:OWNED_BY]->(t:Team) | t.name][0] AS owner
ORDER BY a.name
SKIP $offset LIMIT $limit
