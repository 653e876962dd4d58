// Purpose: delete up to $limit Range nodes with their NEEDS and ADMITS edges, before the
//          schema migration rebuilds them from the DEPENDS_ON edges (so a migration that
//          stopped half way can run again). Callers repeat it until it reports 0.
// Parameters: $limit (integer)
// Returns: deleted (Range nodes deleted by this call)
// :param {limit: 100}
MATCH (r:Range)
WITH r LIMIT $limit
DETACH DELETE r
RETURN count(*) AS deleted
