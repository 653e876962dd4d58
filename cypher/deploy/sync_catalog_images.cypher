// Purpose: what environment $environment runs according to the catalog, with each
//          component's image repository (to tell which of them no workload runs).
// Parameters: $environment (string)
// Returns: component, version, image (repository or null) — by component
// :param {environment: 'staging'}
MATCH (e:Environment {name: $environment})-[:RUNS]->(cv:ComponentVersion)
RETURN cv.component AS component, cv.version AS version, cv.image AS image
ORDER BY component
