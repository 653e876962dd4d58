// Purpose: import new deployments into the history, with the times the document gives: TO
//          their environment, OF their application version or else their component versions
//          (all imported before). The inventory is imported separately (deploy/move_runs).
// Parameters: $rows (list of {id, environment, status, started_at, finished_at, recorded_at
//             (ISO 8601; recorded_at null = now), recorded_by, by, engine, log_url (strings
//             or null),
//             application ({application, version} or null), components
//             ([{component, version}])})
// Returns: written (deployments created; fewer than the rows when an environment is missing)
// :param {rows: [{id: 'pipeline-77', environment: 'prod', status: 'succeeded', started_at: '2026-11-20T10:00:00Z', finished_at: '2026-11-20T10:04:00Z', recorded_at: '2026-11-20T10:04:01Z', recorded_by: 'ci-deploy', by: 'ci', engine: 'helm', log_url: null, application: {application: 'shop', version: '1.0.8'}, components: []}]}
UNWIND $rows AS row
MATCH (e:Environment {name: row.environment})
CREATE (d:Deployment {
  id: row.id,
  status: row.status,
  started_at: datetime(row.started_at),
  finished_at: datetime(row.finished_at),
  by: row.by,
  engine: row.engine,
  log_url: row.log_url,
  recorded_at: coalesce(datetime(row.recorded_at), datetime()),
  recorded_by: row.recorded_by
})
CREATE (d)-[:TO]->(e)
WITH d, row
CALL (d, row) {
  WITH d, row WHERE row.application IS NOT NULL
  MATCH (av:ApplicationVersion {application: row.application.application,
                                version: row.application.version})
  CREATE (d)-[:OF]->(av)
}
CALL (d, row) {
  UNWIND row.components AS member
  MATCH (cv:ComponentVersion {component: member.component, version: member.version})
  CREATE (d)-[:OF]->(cv)
}
RETURN count(*) AS written
