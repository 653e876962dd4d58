// Purpose: what deploying application version ($application, $version) to environment
//          $environment would change there, against what it runs now: components it would
//          add, components whose version it would change (from -> to), components already
//          at that version, and components running there that the application does not
//          touch. No row when the application version or the environment is missing.
// Parameters: $application, $version, $environment (strings)
// Returns: add ([{component, version}]), change ([{component, from, to}]),
//          unchanged ([{component, version}]), untouched ([{component, version}])
// :param {application: 'shop', version: '1.0.8', environment: 'prod'}
MATCH (av:ApplicationVersion {application: $application, version: $version})
MATCH (e:Environment {name: $environment})
WITH [(av)-[:INCLUDES]->(cv:ComponentVersion) | {component: cv.component, version: cv.version}]
       AS planned,
     [(e)-[:RUNS]->(cv:ComponentVersion) | {component: cv.component, version: cv.version}]
       AS running
WITH planned, running, [x IN running | x.component] AS runningNames,
     [x IN planned | x.component] AS plannedNames
RETURN
  [x IN planned WHERE NOT x.component IN runningNames] AS add,
  [x IN planned WHERE any(y IN running WHERE y.component = x.component
                                         AND y.version <> x.version) |
   {component: x.component,
    from: [y IN running WHERE y.component = x.component][0].version, to: x.version}] AS change,
  [x IN planned WHERE x IN running] AS unchanged,
  [x IN running WHERE NOT x.component IN plannedNames] AS untouched
