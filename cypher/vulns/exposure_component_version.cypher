// Purpose: the vulnerabilities component version ($component, $version) carries, worst
//          first: each with the package, the range that matched, the fixed version and
//          the VEX statement that applies to it in every environment (the most specific
//          first, then the latest). Rows whose statement says not_affected are counted
//          apart and left out unless $all. No row when the component version is missing.
// Parameters: $component, $version (strings), $all (boolean), $limit (integer)
// Returns: component, version, exposure_count, hidden_count, exposures
//          ([{vulnerability, aliases, summary, score, rating, severity, package, range,
//          fixed, component, version, team, email, chat, pager, vex}])
// :param {component: 'ads', version: '1.1.0', all: false, limit: 1000}
MATCH (c:Component {name: $component})-[:HAS_VERSION]->(cv:ComponentVersion {version: $version})
OPTIONAL MATCH (c)-[:OWNED_BY]->(t:Team)
CALL (c, cv, t) {
  MATCH (cv)-[:CONTAINS]->(p:Package)<-[a:AFFECTS]-(v:Vulnerability)
  WITH p, a, v, head(COLLECT {
      MATCH (v)-[:KNOWN_AS]->(:VulnerabilityAlias)<-[:ABOUT]-(s:VexStatement)
      WHERE (s.component IS NULL OR s.component = c.name)
        AND (s.version IS NULL OR s.version = cv.version)
        AND (s.package IS NULL OR s.package = p.purl)
        AND s.environment IS NULL
      RETURN s {.vulnerability, .component, .version, .package, .environment, .status,
                .justification, .detail, .at} AS statement
      ORDER BY s.component IS NULL, s.version IS NULL, s.package IS NULL, s.at DESC,
               s.recorded_at DESC
      LIMIT 1
    }) AS vex
  ORDER BY coalesce(v.score, -1.0) DESC, v.id, p.purl
  RETURN collect({vulnerability: v.id, aliases: v.aliases, summary: v.summary,
                  score: v.score, rating: v.rating, severity: v.severity_vector,
                  package: p.purl, range: a.range, fixed: a.fixed, component: c.name,
                  version: cv.version, team: t.name, email: t.email, chat: t.chat,
                  pager: t.pager, vex: vex}) AS rows
}
WITH c, cv, rows,
     [row IN rows WHERE $all OR row.vex IS NULL OR row.vex.status <> 'not_affected'] AS shown
RETURN c.name AS component, cv.version AS version, size(shown) AS exposure_count,
       size(rows) - size(shown) AS hidden_count, shown[0..$limit] AS exposures
