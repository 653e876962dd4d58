// Purpose: what each environment in $keys runs now of each component in $keys (its RUNS
//          edge), as an export holds it.
// Parameters: $keys (list of {environment, component})
// Returns: environment, component, version, since, deployment (one row per RUNS edge)
// :param {keys: [{environment: 'prod', component: 'payment'}]}
UNWIND $keys AS key
// From the component's few versions, not the environment's many RUNS edges.
MATCH (c:Component {name: key.component})-[:HAS_VERSION]->(cv:ComponentVersion)
      <-[r:RUNS]-(e:Environment)
USING INDEX c:Component(name)
WHERE e.name = key.environment
RETURN e.name AS environment, cv.component AS component, cv.version AS version,
       r.since AS since, r.deployment AS deployment
