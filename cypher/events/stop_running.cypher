// Purpose: the component $component no longer runs in environment $environment (a CDEvents
//          service.removed): its RUNS edge goes; the deployment history stays.
// Parameters: $environment, $component (strings)
// Returns: version (the one that ran there; no row when none did)
// :param {environment: 'prod', component: 'payments-api'}
MATCH (:Component {name: $component})-[:HAS_VERSION]->(v:ComponentVersion)
      <-[r:RUNS]-(:Environment {name: $environment})
DELETE r
RETURN v.version AS version
