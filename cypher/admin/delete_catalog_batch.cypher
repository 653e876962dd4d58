// Purpose: delete up to $limit catalog nodes (everything but the schema record and the API
//          tokens, which are access, not catalog) with their relationships; callers repeat it until it reports 0, so a large graph
//          is emptied in bounded transactions. Used by tests and `mercator db reset`.
// Parameters: $limit (integer)
// Returns: deleted (number of nodes deleted by this call)
// :param {limit: 10000}
MATCH (n)
WHERE NOT n:MercatorSchema AND NOT n:ApiToken
WITH n LIMIT $limit
DETACH DELETE n
RETURN count(*) AS deleted
