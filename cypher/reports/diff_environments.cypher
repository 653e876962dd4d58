// Purpose: what differs between what environments $left and $right run now ("staging vs
//          prod"): components only in one, components at different versions, and how many
//          are the same. No row when either environment is missing.
// Parameters: $left, $right (environment names)
// Returns: only_left ([{component, version}]), only_right ([{component, version}]),
//          different ([{component, left, right}]), same (count)
// :param {left: 'staging', right: 'prod'}
MATCH (l:Environment {name: $left})
MATCH (r:Environment {name: $right})
// One pass over each side's RUNS edges, grouped by component (a hash aggregation), rather
// than comparing every pair of lists: environments run thousands of components.
CALL (l, r) {
  CALL (l, r) {
    MATCH (l)-[:RUNS]->(cv:ComponentVersion)
    RETURN cv.component AS component, cv.version AS leftVersion, null AS rightVersion
    UNION ALL
    MATCH (r)-[:RUNS]->(cv:ComponentVersion)
    RETURN cv.component AS component, null AS leftVersion, cv.version AS rightVersion
  }
  WITH component, max(leftVersion) AS left, max(rightVersion) AS right
  RETURN collect({component: component, left: left, right: right}) AS rows
}
RETURN
  [x IN rows WHERE x.right IS NULL | {component: x.component, version: x.left}] AS only_left,
  [x IN rows WHERE x.left IS NULL | {component: x.component, version: x.right}] AS only_right,
  [x IN rows WHERE x.left <> x.right] AS different,
  size([x IN rows WHERE x.left = x.right]) AS same
