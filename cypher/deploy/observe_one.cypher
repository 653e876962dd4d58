// Purpose: record that environment $environment's cluster was seen running version
//          $version of component $component (a CDEvents service.deployed from the
//          controller): its OBSERVED edge replaces that component's others, `since` kept
//          when it was seen running already; the environment's observed_at and
//          observed_by become the event's. Other components' observations stay.
// Parameters: $environment, $component, $version, $by, $at (strings; $at ISO 8601),
//             $by_digest (boolean: the event named the version by its image digest)
// Returns: nothing
// :param {environment: 'prod', component: 'payment', version: '1.5.1', by: 'argocd', at: '2026-12-01T10:04:00Z', by_digest: true}
MATCH (e:Environment {name: $environment})
MATCH (cv:ComponentVersion {component: $component, version: $version})
CALL (e, cv) {
  MATCH (e)-[other:OBSERVED]->(was:ComponentVersion {component: $component})
  WHERE was <> cv
  DELETE other
}
SET e.observed_at = datetime($at), e.observed_by = $by
MERGE (e)-[seen:OBSERVED]->(cv)
  ON CREATE SET seen.since = datetime($at)
SET seen.seen_at = datetime($at), seen.by = $by, seen.by_digest = $by_digest,
    seen.workloads = coalesce(seen.workloads, [])
