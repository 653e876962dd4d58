// Purpose: record what a `sync kubernetes` saw environment $environment's cluster run:
//          one OBSERVED edge per component version a workload runs (its `since` kept
//          while the same version keeps running), the edges of versions no longer seen
//          removed, and on the environment when it was seen and the images no component
//          version has. A three-way drift compares this with Git and the inventory.
// Parameters: $environment, $by, $at (strings; $at an ISO 8601 time), $observed
//             ([{component, version, by_digest, workloads}]: every version seen, two for
//             a component mid-rollout), $unknown ([{image, workload}])
// Returns: nothing
// :param {environment: 'prod', by: 'sync', at: '2026-12-01T10:04:00Z', observed: [{component: 'payment', version: '1.5.1', by_digest: true, workloads: ['Deployment/shop/payment']}], unknown: [{image: 'reg/other:9', workload: 'Deployment/shop/other'}]}
MATCH (e:Environment {name: $environment})
SET e.observed_at = datetime($at), e.observed_by = $by,
    e.observed_unknown_images = [u IN $unknown | u.image],
    e.observed_unknown_workloads = [u IN $unknown | u.workload]
WITH e
CALL (e) {
  MATCH (e)-[gone:OBSERVED]->(cv:ComponentVersion)
  WHERE NOT any(o IN $observed WHERE o.component = cv.component AND o.version = cv.version)
  DELETE gone
}
CALL (e) {
  UNWIND $observed AS o
  MATCH (cv:ComponentVersion {component: o.component, version: o.version})
  MERGE (e)-[seen:OBSERVED]->(cv)
    ON CREATE SET seen.since = datetime($at)
  SET seen.seen_at = datetime($at), seen.by = $by, seen.by_digest = o.by_digest,
      seen.workloads = o.workloads
}
