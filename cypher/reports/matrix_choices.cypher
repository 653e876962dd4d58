// Purpose: the names the version matrix's filters offer: the first $limit applications and
//          teams by name, and nothing else of them (the list statements also count and
//          look up what each holds).
// Parameters: $limit (integer)
// Returns: applications (names), teams (names)
// :param {limit: 500}
RETURN COLLECT { MATCH (a:Application) RETURN a.name ORDER BY a.name LIMIT $limit } AS applications,
       COLLECT { MATCH (t:Team) RETURN t.name ORDER BY t.name LIMIT $limit } AS teams
