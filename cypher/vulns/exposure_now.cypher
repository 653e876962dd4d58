// Purpose: exposure now: the vulnerabilities in what environment $environment runs, worst
//          first (by CVSS score, then the longest running), each with the package, the
//          component version carrying it, since when it runs there, the fixed version,
//          the owning team to call and the VEX statement that applies (the most specific:
//          this environment before every environment, this version before every version
//          of the component; then the latest). Rows whose statement says not_affected are
//          counted apart and left out unless $all. Optionally only $team's components.
//          No row when the environment does not exist. At most $limit rows (the worst).
// Parameters: $environment (string), $team (string or null), $all (boolean),
//             $limit (integer)
// Returns: environment, exposure_count, hidden_count, exposures ([{vulnerability,
//          aliases, summary, score, rating, severity, package, range, fixed, component,
//          version, since, team, email, chat, pager, vex: {vulnerability, version,
//          environment, status, justification, detail, at} or null}])
// :param {environment: 'prod', team: null, all: false, limit: 1000}
MATCH (e:Environment {name: $environment})
CALL (e) {
  MATCH (e)-[r:RUNS]->(cv:ComponentVersion)<-[:HAS_VERSION]-(c:Component)
  OPTIONAL MATCH (c)-[:OWNED_BY]->(t:Team)
  WITH e, r, cv, c, t
  WHERE $team IS NULL OR t.name = $team
  MATCH (cv)-[:CONTAINS]->(p:Package)<-[a:AFFECTS]-(v:Vulnerability)
  WITH e, r, cv, c, t, p, a, v, head(COLLECT {
      MATCH (v)-[:KNOWN_AS]->(:VulnerabilityAlias)<-[:ABOUT]-(s:VexStatement)
      WHERE s.component = c.name AND (s.version IS NULL OR s.version = cv.version)
        AND (s.environment IS NULL OR s.environment = e.name)
      RETURN s {.vulnerability, .version, .environment, .status, .justification, .detail,
                .at} AS statement
      ORDER BY s.environment IS NULL, s.version IS NULL, s.at DESC, s.recorded_at DESC
      LIMIT 1
    }) AS vex
  ORDER BY coalesce(v.score, -1.0) DESC, r.since ASC, v.id, c.name, p.purl
  RETURN collect({vulnerability: v.id, aliases: v.aliases, summary: v.summary,
                  score: v.score, rating: v.rating, severity: v.severity_vector,
                  package: p.purl, range: a.range, fixed: a.fixed, component: c.name,
                  version: cv.version, since: r.since, team: t.name, email: t.email,
                  chat: t.chat, pager: t.pager, vex: vex}) AS rows
}
WITH e, rows,
     [row IN rows WHERE $all OR row.vex IS NULL OR row.vex.status <> 'not_affected'] AS shown
RETURN e.name AS environment, size(shown) AS exposure_count,
       size(rows) - size(shown) AS hidden_count, shown[0..$limit] AS exposures
