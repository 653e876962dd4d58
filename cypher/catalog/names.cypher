// Purpose: every name of one kind of thing, for "did you mean …?" when a name is not found.
// Parameters: $kind ('component', 'application' or 'environment')
// Returns: names (list of strings)
// :param {kind: 'component'}
RETURN CASE $kind
  WHEN 'component' THEN COLLECT { MATCH (c:Component) RETURN c.name }
  WHEN 'application' THEN COLLECT { MATCH (a:Application) RETURN a.name }
  WHEN 'environment' THEN COLLECT { MATCH (e:Environment) RETURN e.name }
  ELSE []
END AS names
