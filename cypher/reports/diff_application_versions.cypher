// Purpose: what changed between application versions ($from_application, $from_version)
//          and ($to_application, $to_version): components added, removed, changed (from ->
//          to version) and how many are unchanged. Details of each changed component come
//          from reports/diff_component_versions. No row when either version is missing.
// Parameters: $from_application, $from_version, $to_application, $to_version (strings)
// Returns: added ([{component, version}]), removed ([{component, version}]),
//          changed ([{component, from, to}]), unchanged (count)
// :param {from_application: 'shop', from_version: '1.0.3', to_application: 'shop', to_version: '1.0.8'}
MATCH (a:ApplicationVersion {application: $from_application, version: $from_version})
MATCH (b:ApplicationVersion {application: $to_application, version: $to_version})
WITH [(a)-[:INCLUDES]->(cv:ComponentVersion) | {component: cv.component, version: cv.version}]
       AS left,
     [(b)-[:INCLUDES]->(cv:ComponentVersion) | {component: cv.component, version: cv.version}]
       AS right
WITH left, right, [x IN left | x.component] AS leftNames, [x IN right | x.component] AS rightNames
RETURN
  [x IN right WHERE NOT x.component IN leftNames] AS added,
  [x IN left WHERE NOT x.component IN rightNames] AS removed,
  [x IN right WHERE any(y IN left WHERE y.component = x.component AND y.version <> x.version) |
   {component: x.component,
    from: [y IN left WHERE y.component = x.component][0].version, to: x.version}] AS changed,
  size([x IN right WHERE x IN left]) AS unchanged
