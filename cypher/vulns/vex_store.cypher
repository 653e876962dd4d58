// Purpose: record checked VEX statements, each about the vulnerability it names (a
//          VulnerabilityAlias: an OSV id, CVE or GHSA id, so it holds for every record
//          known by that name, including records imported later) and one component or
//          component version, optionally in one environment. A statement already held
//          under its key is left as it is (the service refused a different one).
// Parameters: $statements (list of {key, vulnerability, component, version, environment,
//             status, justification, detail, at, source}), $actor (string)
// Returns: recorded
// :param {statements: [{key: 'k', vulnerability: 'CVE-2021-44228', component: 'ads', version: '1.1.0', environment: null, status: 'not_affected', justification: 'code_not_reachable', detail: 'JNDI lookups are disabled', at: '2026-11-01T10:00:00Z', source: 'api'}], actor: 'local:demo'}
UNWIND $statements AS s
MERGE (alias:VulnerabilityAlias {id: s.vulnerability})
MERGE (statement:VexStatement {key: s.key})
  ON CREATE SET statement.vulnerability = s.vulnerability,
                statement.component = s.component,
                statement.version = s.version,
                statement.environment = s.environment,
                statement.status = s.status,
                statement.justification = s.justification,
                statement.detail = s.detail,
                statement.at = datetime(s.at),
                statement.source = s.source,
                statement.actor = $actor,
                statement.recorded_at = datetime()
MERGE (statement)-[:ABOUT]->(alias)
RETURN count(statement) AS recorded
