// Purpose: what differs between what environments $left and $right run now ("staging vs
//          prod"): components only in one, components at different versions, and how many
//          are the same. No row when either environment is missing.
// Parameters: $left, $right (environment names)
// Returns: only_left ([{component, version}]), only_right ([{component, version}]),
//          different ([{component, left, right}]), same (count)
// :param {left: 'staging', right: 'prod'}
MATCH (l:Environment {name: $left})
MATCH (r:Environment {name: $right})
WITH [(l)-[:RUNS]->(cv:ComponentVersion) | {component: cv.component, version: cv.version}]
       AS leftRuns,
     [(r)-[:RUNS]->(cv:ComponentVersion) | {component: cv.component, version: cv.version}]
       AS rightRuns
WITH leftRuns, rightRuns, [x IN leftRuns | x.component] AS leftNames,
     [x IN rightRuns | x.component] AS rightNames
RETURN
  [x IN leftRuns WHERE NOT x.component IN rightNames] AS only_left,
  [x IN rightRuns WHERE NOT x.component IN leftNames] AS only_right,
  [x IN leftRuns WHERE any(y IN rightRuns WHERE y.component = x.component
                                            AND y.version <> x.version) |
   {component: x.component, left: x.version,
    right: [y IN rightRuns WHERE y.component = x.component][0].version}] AS different,
  size([x IN leftRuns WHERE x IN rightRuns]) AS same
