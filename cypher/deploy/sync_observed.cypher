// Purpose: the running gitops deployments to environment $environment that wait for the
//          cluster and whose every component version is now observed running — by
//          digest, when the version has one — are marked observed (their worker then
//          ends them succeeded).
// Parameters: $environment, $by (strings), $observed ([{component, version, by_digest}]:
//             what the cluster runs, one version per component)
// Returns: id, components ([component names] of that deployment) — one row per deployment
//          marked
// :param {environment: 'prod', by: 'sync', observed: [{component: 'payment', version: '1.5.1', by_digest: true}]}
MATCH (d:Deployment {status: 'running'})-[:TO]->(:Environment {name: $environment})
WHERE d.awaiting_since IS NOT NULL AND d.observed_at IS NULL
WITH d, COLLECT {
  MATCH (d)-[:OF]->(target)
  MATCH (target)-[:INCLUDES*0..1]->(cv:ComponentVersion)
  RETURN DISTINCT cv {.component, .version, .digest} AS member
} AS members
WHERE size(members) > 0
  AND all(m IN members WHERE any(o IN $observed WHERE o.component = m.component
                                 AND o.version = m.version
                                 AND (m.digest IS NULL OR o.by_digest)))
SET d.observed_at = datetime(), d.observed_by = $by
RETURN d.id AS id, [m IN members | m.component] AS components
