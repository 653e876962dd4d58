// Purpose: the latest registrations: component versions by creation time, newest first
//          (the created_at index gives them in order without reading every version).
// Parameters: $limit (integer)
// Returns: component, version, kind, created_at
// :param {limit: 10}
MATCH (v:ComponentVersion)
WHERE v.created_at IS NOT NULL
WITH v ORDER BY v.created_at DESC LIMIT $limit
MATCH (c:Component)-[:HAS_VERSION]->(v)
RETURN c.name AS component, v.version AS version, c.kind AS kind, v.created_at AS created_at
