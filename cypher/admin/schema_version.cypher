// Purpose: the schema version recorded in the graph (no row when none was ever applied).
// Parameters: none
// Returns: version, applied_at
// :param {}
MATCH (m:MercatorSchema {id: 'schema'})
RETURN m.version AS version, m.applied_at AS applied_at
