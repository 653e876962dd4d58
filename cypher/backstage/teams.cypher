// Purpose: every team with its contacts, for the Backstage export (one Group each).
// Parameters: none
// Returns: props (the team's properties)
// :param {}
MATCH (t:Team)
RETURN t {.*} AS props
ORDER BY t.name
