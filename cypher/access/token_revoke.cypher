// Purpose: revoke the API token $name from now on (an earlier revocation time is kept).
// Parameters: $name (string), $revoked_by (string)
// Returns: props (the token's properties) — no row for an unknown name
// :param {name: 'ci-payments', revoked_by: 'local:ops'}
MATCH (t:ApiToken {name: $name})
SET t.revoked_by = coalesce(t.revoked_by, $revoked_by),
    t.revoked_at = coalesce(t.revoked_at, datetime())
RETURN t {.*} AS props
