// Purpose: record checked VEX statements, each about the vulnerability it names (a
//          VulnerabilityAlias: an OSV id, CVE or GHSA id, so it holds for every record
//          known by that name, including records imported later) and the other names it
//          gives, and about a component, a component version, a package (purl) or a package
//          in a component (version), optionally in one environment. A statement already
//          held under its key is left as it is (the service refused a different one).
// Parameters: $statements (list of {key, vulnerability, aliases, component, version,
//             package, environment, status, justification, detail, at, source}),
//             $actor (string)
// Returns: recorded
// :param {statements: [{key: 'k', vulnerability: 'CVE-2021-44228', aliases: ['GHSA-jfh8-c2jp-5v3q'], component: 'ads', version: '1.1.0', package: null, environment: null, status: 'not_affected', justification: 'code_not_reachable', detail: 'JNDI lookups are disabled', at: '2026-11-01T10:00:00Z', source: 'api'}], actor: 'local:demo'}
UNWIND $statements AS s
MERGE (statement:VexStatement {key: s.key})
  ON CREATE SET statement.vulnerability = s.vulnerability,
                statement.aliases = s.aliases,
                statement.component = s.component,
                statement.version = s.version,
                statement.package = s.package,
                statement.environment = s.environment,
                statement.status = s.status,
                statement.justification = s.justification,
                statement.detail = s.detail,
                statement.at = datetime(s.at),
                statement.source = s.source,
                statement.actor = $actor,
                statement.recorded_at = datetime()
WITH statement, s
UNWIND [s.vulnerability] + s.aliases AS name
MERGE (alias:VulnerabilityAlias {id: name})
MERGE (statement)-[:ABOUT]->(alias)
RETURN count(DISTINCT statement) AS recorded
