// Purpose: the running gitops deployments to environment $environment that wait for the
//          cluster (success rule on_observed), each with whether the cluster is now
//          observed running every version it deployed — by digest, when the version has
//          one, and no other version of that component beside it (OBSERVED edges, from
//          `sync kubernetes` or CDEvents). Those that are get observed_at set: their
//          worker then ends them succeeded.
// Parameters: $environment, $by (strings)
// Returns: id, components ([{component, version}] it deployed), observed (boolean) — one
//          row per waiting deployment
// :param {environment: 'prod', by: 'sync'}
MATCH (d:Deployment {status: 'running'})-[:TO]->(e:Environment {name: $environment})
WHERE d.awaiting_since IS NOT NULL AND d.observed_at IS NULL
WITH d, e, COLLECT {
  MATCH (d)-[:OF]->(target)
  MATCH (target)-[:INCLUDES*0..1]->(cv:ComponentVersion)
  RETURN DISTINCT cv {.component, .version, .digest} AS member
} AS members
WITH d, members,
     size(members) > 0 AND all(m IN members WHERE
       EXISTS {
         MATCH (e)-[seen:OBSERVED]->(:ComponentVersion {component: m.component,
                                                        version: m.version})
         WHERE m.digest IS NULL OR seen.by_digest
       }
       AND NOT EXISTS {
         MATCH (e)-[:OBSERVED]->(other:ComponentVersion {component: m.component})
         WHERE other.version <> m.version
       }) AS complete
FOREACH (_ IN CASE WHEN complete THEN [1] ELSE [] END |
  SET d.observed_at = datetime(), d.observed_by = $by)
RETURN d.id AS id, [m IN members | m {.component, .version}] AS components,
       complete AS observed
