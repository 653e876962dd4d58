// Purpose: the vulnerabilities application version ($application, $version) carries, worst
//          first: each with the package, the component version carrying it, the fixed
//          version, the owning team and the VEX statement that applies (the most specific
//          first, then the latest; environment-specific statements only count with an
//          $environment). With $environment: what this version would bring there, and
//          since when each component version already runs there (null: it does not).
//          Rows whose statement says not_affected are counted apart and left out unless
//          $all. No row when the application version, or the environment named, is missing.
// Parameters: $application, $version (strings), $environment (string or null),
//             $all (boolean), $limit (integer)
// Returns: application, version, environment, exposure_count, hidden_count, exposures
//          ([{vulnerability, aliases, summary, score, rating, severity, package, range,
//          fixed, component, version, since, team, email, chat, pager, vex}])
// :param {application: 'shop', version: '1.0.0', environment: 'prod', all: false, limit: 1000}
MATCH (av:ApplicationVersion {application: $application, version: $version})
OPTIONAL MATCH (e:Environment {name: $environment})
WITH av, e
WHERE $environment IS NULL OR e IS NOT NULL
CALL (av, e) {
  MATCH (av)-[:INCLUDES]->(cv:ComponentVersion)<-[:HAS_VERSION]-(c:Component)
  MATCH (cv)-[:CONTAINS]->(p:Package)<-[a:AFFECTS]-(v:Vulnerability)
  OPTIONAL MATCH (c)-[:OWNED_BY]->(t:Team)
  OPTIONAL MATCH (e)-[r:RUNS]->(cv)
  WITH e, r, cv, c, t, p, a, v, head(COLLECT {
      MATCH (v)-[:KNOWN_AS]->(:VulnerabilityAlias)<-[:ABOUT]-(s:VexStatement)
      WHERE (s.component IS NULL OR s.component = c.name)
        AND (s.version IS NULL OR s.version = cv.version)
        AND (s.package IS NULL OR s.package = p.purl)
        AND (s.environment IS NULL OR s.environment = e.name)
      RETURN s {.vulnerability, .component, .version, .package, .environment, .status,
                .justification, .detail, .at} AS statement
      ORDER BY s.environment IS NULL, s.component IS NULL, s.version IS NULL,
               s.package IS NULL, s.at DESC, s.recorded_at DESC
      LIMIT 1
    }) AS vex
  ORDER BY coalesce(v.score, -1.0) DESC, v.id, c.name, p.purl
  RETURN collect({vulnerability: v.id, aliases: v.aliases, summary: v.summary,
                  score: v.score, rating: v.rating, severity: v.severity_vector,
                  package: p.purl, range: a.range, fixed: a.fixed, component: c.name,
                  version: cv.version, since: r.since, team: t.name, email: t.email,
                  chat: t.chat, pager: t.pager, vex: vex}) AS rows
}
WITH av, e, rows,
     [row IN rows WHERE $all OR row.vex IS NULL OR row.vex.status <> 'not_affected'] AS shown
RETURN av.application AS application, av.version AS version, e.name AS environment,
       size(shown) AS exposure_count, size(rows) - size(shown) AS hidden_count,
       shown[0..$limit] AS exposures
