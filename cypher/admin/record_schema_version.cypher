// Purpose: record which version of Mercator's schema the graph now has, and when.
// Parameters: $version (integer)
// Returns: version, applied_at
// :param {version: 1}
MERGE (m:MercatorSchema {id: 'schema'})
SET m.version = $version, m.applied_at = datetime()
RETURN m.version AS version, m.applied_at AS applied_at
