// Purpose: API tokens by name, one page (callers drop the hash before showing them).
// Parameters: $offset, $limit (integers)
// Returns: props (the token's properties)
// :param {offset: 0, limit: 50}
MATCH (t:ApiToken)
RETURN t {.*} AS props
ORDER BY t.name
SKIP $offset LIMIT $limit
