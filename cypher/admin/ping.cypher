// Purpose: the cheapest query there is; answers when Neo4j can run queries at all.
// Parameters: none
// Returns: ok (always 1)
// :param {}
RETURN 1 AS ok
