// Purpose: create application versions, each after its application's latest one:
//          HAS_VERSION, PREVIOUS to $previous, INCLUDES each member, and make it the latest.
//          Callers hold the applications' locks (catalog/application_lock) and offer the
//          numbers: each version takes the first of its `candidates` not taken yet (someone
//          may have named a later number explicitly), in the same round trip.
// Parameters: $versions (list of {application, candidates (version strings, in order),
//             previous, components: [{component, version}], reason, created_by (token
//             name or null)})
// Returns: application, version, previous, seq
// :param {versions: [{application: 'shop', candidates: ['1.0.9', '1.0.10'], previous: '1.0.8', components: [{component: 'payment', version: '1.5.1'}], reason: 'payment 1.5.1 registered', created_by: 'ci-payments'}]}
UNWIND $versions AS nv
MATCH (a:Application {name: nv.application})
WITH a, nv, COLLECT {
  UNWIND nv.candidates AS candidate
  WITH candidate
  WHERE NOT EXISTS { (:ApplicationVersion {application: nv.application, version: candidate}) }
  RETURN candidate LIMIT 1
}[0] AS version
WHERE version IS NOT NULL  // all taken: no row, the caller refuses
OPTIONAL MATCH (prev:ApplicationVersion {application: nv.application, version: nv.previous})
CREATE (av:ApplicationVersion {
  application: nv.application,
  version: version,
  seq: coalesce(a.version_count, 0) + 1,
  reason: nv.reason,
  created_by: nv.created_by,
  created_at: datetime()
})
CREATE (a)-[:HAS_VERSION]->(av)
SET a.latest_version = av.version, a.version_count = av.seq
FOREACH (p IN CASE WHEN prev IS NULL THEN [] ELSE [prev] END | CREATE (av)-[:PREVIOUS]->(p))
WITH av, nv
CALL (av, nv) {
  UNWIND nv.components AS member
  MATCH (cv:ComponentVersion {component: member.component, version: member.version})
  CREATE (av)-[:INCLUDES]->(cv)
}
RETURN av.application AS application, av.version AS version, nv.previous AS previous,
       av.seq AS seq
