// Purpose: retire environment $name (a CDEvents environment.deleted), or bring it back
//          ($retired false: created again): retired, nothing runs there any more — its
//          RUNS edges go — and its deployments stay in the history.
// Parameters: $name (string), $retired (boolean), $at (ISO 8601)
// Returns: name, stopped (RUNS edges removed)
// :param {name: 'staging', retired: true, at: '2026-11-20T10:04:00Z'}
MATCH (e:Environment {name: $name})
SET e.retired_at = CASE WHEN $retired THEN datetime($at) END
WITH e
CALL (e) {
  MATCH (e)-[r:RUNS]->()
  WHERE $retired
  DELETE r
  RETURN count(r) AS stopped
}
RETURN e.name AS name, stopped
