// Purpose: one environment and what runs there now (no row if unknown); what runs there
//          only when $running (a large environment runs thousands).
// Parameters: $name (string), $running (boolean)
// Returns: props, running ([{component, version, since, deployment}] by component; empty
//          unless $running)
// :param {name: 'prod', running: true}
MATCH (e:Environment {name: $name})
RETURN e {.*} AS props,
       COLLECT {
         WITH e WHERE $running
         MATCH (e)-[r:RUNS]->(cv:ComponentVersion)
         RETURN {component: cv.component, version: cv.version, since: r.since,
                 deployment: r.deployment} AS running
         ORDER BY running.component
       } AS running
