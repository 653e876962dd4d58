// Purpose: environments by name, one page, filtered by name prefix and stage.
// Parameters: $prefix, $stage (strings or null), $offset, $limit (integers)
// Returns: props, running (count of component versions running there now)
// :param {prefix: null, stage: null, offset: 0, limit: 50}
MATCH (e:Environment)
WHERE ($prefix IS NULL OR e.name STARTS WITH $prefix)
  AND ($stage IS NULL OR e.stage = $stage)
RETURN e {.*} AS props, COUNT { (e)-[:RUNS]->() } AS running
ORDER BY e.name
SKIP $offset LIMIT $limit
