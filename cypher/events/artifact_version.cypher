// Purpose: the component version an artifact id names: by image digest (a version of the
//          component named $component first, then any one holding that digest), or by
//          component and version. No row when none matches.
// Parameters: $component (string), $digest (string or null), $version (string or null)
// Returns: component, version, matches (how many versions hold the digest)
// :param {component: 'payments-api', digest: null, version: '1.4.2'}
CALL (*) {
  MATCH (v:ComponentVersion {digest: $digest})
  WITH v ORDER BY CASE v.component WHEN $component THEN 0 ELSE 1 END, v.component
  WITH collect(v) AS found
  WHERE size(found) > 0
  RETURN found[0] AS v, size(found) AS matches
  UNION
  MATCH (:Component {name: $component})-[:HAS_VERSION]->(v:ComponentVersion {version: $version})
  WHERE $digest IS NULL
  RETURN v, 1 AS matches
}
RETURN v.component AS component, v.version AS version, matches
