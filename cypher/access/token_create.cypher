// Purpose: store a new API token: its SHA-256 hash (never the token), scopes, limits and
//          times. Returns no row when a token of that name exists already.
// Parameters: $name, $hash (strings), $scopes (list of strings), $component_prefix, $team
//             (strings or null), $applications (granted application names, or null),
//             $expires_at (ISO 8601 or null = never), $created_by (string)
// Returns: props (the token's properties) — no row when the name is taken
// :param {name: 'ci-payments', hash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', scopes: ['register', 'deploy'], component_prefix: 'payments-', team: null, applications: ['shop'], expires_at: '2027-02-24T10:00:00Z', created_by: 'local:ops'}
OPTIONAL MATCH (taken:ApiToken {name: $name})
WITH taken WHERE taken IS NULL
CREATE (t:ApiToken {
  name: $name,
  hash: $hash,
  scopes: $scopes,
  component_prefix: $component_prefix,
  team: $team,
  applications: $applications,
  created_at: datetime(),
  expires_at: datetime($expires_at),
  created_by: $created_by
})
RETURN t {.*} AS props
