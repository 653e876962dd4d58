// Purpose: the API token with this SHA-256 hash (one index seek per authenticated request).
// Parameters: $hash (string, hex)
// Returns: props (the token's properties, hash included) — no row for an unknown hash
// :param {hash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'}
MATCH (t:ApiToken {hash: $hash})
RETURN t {.*} AS props
