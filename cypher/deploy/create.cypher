// Purpose: record a deployment to environment $environment: of application version
//          ($application, $application_version) when given, else of the component
//          versions in $components. The inventory is moved separately (deploy/move_runs).
//          A deployment to be run by an engine is created with status 'queued' and no times
//          yet: queued_at orders the environment's queue. $pending_application: the
//          application a queued set of component versions is for when no version of it
//          holds that set yet (matched or derived once the deployment succeeds).
// Parameters: $id, $environment, $status, $started_at, $finished_at (ISO 8601 or null),
//             $by, $engine, $log_url, $recorded_by (strings or null), $application,
//             $application_version, $pending_application (strings or null), $components
//             (list of {component, version})
// Returns: id
// :param {id: 'd-1', environment: 'prod', status: 'succeeded', started_at: '2026-11-20T10:00:00Z', finished_at: '2026-11-20T10:04:00Z', by: 'ci', engine: 'helm', log_url: null, recorded_by: 'ci-deploy', application: 'shop', application_version: '1.0.8', pending_application: null, components: []}
MATCH (e:Environment {name: $environment})
CREATE (d:Deployment {
  id: $id,
  status: $status,
  started_at: datetime($started_at),
  finished_at: datetime($finished_at),
  by: $by,
  engine: $engine,
  log_url: $log_url,
  recorded_at: datetime(),
  queued_at: CASE WHEN $status = 'queued' THEN datetime() END,
  recorded_by: $recorded_by,
  pending_application: $pending_application
})
CREATE (d)-[:TO]->(e)
WITH d
CALL (d) {
  WITH d WHERE $application IS NOT NULL
  MATCH (av:ApplicationVersion {application: $application, version: $application_version})
  CREATE (d)-[:OF]->(av)
}
CALL (d) {
  WITH d WHERE $application IS NULL
  UNWIND $components AS member
  MATCH (cv:ComponentVersion {component: member.component, version: member.version})
  CREATE (d)-[:OF]->(cv)
}
RETURN d.id AS id
