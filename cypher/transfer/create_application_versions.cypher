// Purpose: import new application versions (their applications and component versions
//          exist): the node with the registration number the import gave it, HAS_VERSION from
//          the application, INCLUDES each member, and — on the row flagged latest — the
//          application's latest_version and version_count. PREVIOUS edges come next
//          (transfer/link_application_versions), once every version of the batch exists.
// Parameters: $rows (list of {application, version, seq, latest (boolean), reason,
//             created_at (ISO 8601 or null = now), created_by (token name or null),
//             components ([{component, version}])})
// Returns: written (versions created; fewer than the rows when an application is missing)
// :param {rows: [{application: 'shop', version: '1.0.9', seq: 10, latest: true, reason: 'payment 1.5.1 registered', created_at: '2026-11-20T10:04:00Z', created_by: 'ci-payments', components: [{component: 'payment', version: '1.5.1'}]}]}
UNWIND $rows AS row
MATCH (a:Application {name: row.application})
CREATE (av:ApplicationVersion {
  application: row.application,
  version: row.version,
  seq: row.seq,
  reason: row.reason,
  created_by: row.created_by,
  created_at: coalesce(datetime(row.created_at), datetime())
})
CREATE (a)-[:HAS_VERSION]->(av)
FOREACH (_ IN CASE WHEN row.latest THEN [1] ELSE [] END |
  SET a.latest_version = av.version, a.version_count = av.seq)
WITH av, row
CALL (av, row) {
  UNWIND row.components AS member
  MATCH (cv:ComponentVersion {component: member.component, version: member.version})
  CREATE (av)-[:INCLUDES]->(cv)
}
RETURN count(*) AS written
