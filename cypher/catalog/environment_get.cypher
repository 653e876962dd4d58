// Purpose: one environment and what runs there now (no row if unknown).
// Parameters: $name (string)
// Returns: props, running ([{component, version, since, deployment}] by component)
// :param {name: 'prod'}
MATCH (e:Environment {name: $name})
RETURN e {.*} AS props,
       COLLECT {
         MATCH (e)-[r:RUNS]->(cv:ComponentVersion)
         RETURN {component: cv.component, version: cv.version, since: r.since,
                 deployment: r.deployment} AS running
         ORDER BY running.component
       } AS running
