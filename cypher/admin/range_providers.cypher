// Purpose: every component some component version depends on, by name: the providers
//          whose Ranges the schema migration builds.
// Parameters: none
// Returns: component
// :param {}
MATCH (p:Component)
WHERE EXISTS { (p)<-[:DEPENDS_ON]-(:ComponentVersion) }
RETURN p.name AS component
ORDER BY component
