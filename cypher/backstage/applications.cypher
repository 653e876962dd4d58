// Purpose: every application with its owner, for the Backstage export (one System each).
// Parameters: none
// Returns: props (the application's properties), owner (team name or null)
// :param {}
MATCH (a:Application)
RETURN a {.*} AS props, [(a)-[:OWNED_BY]->(t:Team) | t.name][0] AS owner
ORDER BY a.name
