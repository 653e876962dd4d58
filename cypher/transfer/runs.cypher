// Purpose: what each environment in $keys runs now of each component in $keys (its RUNS
//          edge), as an export holds it.
// Parameters: $keys (list of {environment, component})
// Returns: environment, component, version, since, deployment (one row per RUNS edge)
// :param {keys: [{environment: 'prod', component: 'payment'}]}
UNWIND $keys AS key
MATCH (e:Environment {name: key.environment})-[r:RUNS]->(cv:ComponentVersion)
WHERE cv.component = key.component
RETURN e.name AS environment, cv.component AS component, cv.version AS version,
       r.since AS since, r.deployment AS deployment
