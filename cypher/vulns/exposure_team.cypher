// Purpose: exposure now for team $team: the vulnerabilities in its components' versions
//          running in any environment, worst first (by CVSS score, then the longest
//          running), each row saying the environment, with the package, the component
//          version carrying it, since when it runs there, the fixed version, the team's
//          contacts and the VEX statement that applies there (the most specific: one for
//          that environment before one for every environment, one naming the component
//          before one naming only the package, this version before every version, one
//          naming the package before one that does not; then the latest). Rows whose
//          statement says not_affected are counted apart and left out unless $all. No row
//          when the team does not exist. At most $limit rows (the worst); read as
//          exposure_now.cypher reads one environment (and, like it, carrying no list of
//          the running versions into its sort).
// Parameters: $team (string), $all (boolean), $limit (integer)
// Returns: team, exposure_count, hidden_count, exposures ([{vulnerability, aliases,
//          summary, score, rating, severity, package, range, fixed, environment,
//          component, version, since, team, email, chat, pager, vex: {vulnerability,
//          component, version, package, environment, status, justification, detail, at}
//          or null}])
// :param {team: 'growth', all: false, limit: 1000}
MATCH (t:Team {name: $team})
// The statements that may apply (about a component of the team, or a package): few, so
// each row looks them up in this list.
WITH t, COLLECT {
    MATCH (s:VexStatement)
    WHERE (s.component IS NULL AND s.package IS NOT NULL)
       OR EXISTS { (:Component {name: s.component})-[:OWNED_BY]->(t) }
    MATCH (s)-[:ABOUT]->(:VulnerabilityAlias)<-[:KNOWN_AS]-(v:Vulnerability)
    WITH DISTINCT s, v
    RETURN {v: v, component: s.component, version: s.version, package: s.package,
            environment: s.environment,
            statement: s {.vulnerability, .component, .version, .package, .environment,
                          .status, .justification, .detail, .at}} AS stated
    ORDER BY s.environment IS NULL, s.component IS NULL, s.version IS NULL,
             s.package IS NULL, s.at DESC, s.recorded_at DESC
  } AS statements
// How many rows, and how many a statement hides: from each package's AFFECTS degree,
// walking AFFECTS edges only when there is a statement to look at.
CALL (t, statements) {
  MATCH (t)<-[:OWNED_BY]-(c:Component)-[:HAS_VERSION]->(cv:ComponentVersion)
        <-[:RUNS]-(e:Environment)
  MATCH (cv)-[:CONTAINS]->(p)
  WITH statements, c, cv, e, p, COUNT { (p)<-[:AFFECTS]-() } AS affecting
  WHERE affecting > 0
  RETURN sum(affecting) AS total,
         sum(COUNT {
           MATCH (p)<-[:AFFECTS]-(v)
           WHERE statements <> []
             AND head([s IN statements WHERE s.v = v
                       AND (s.environment IS NULL OR s.environment = e.name)
                       AND (s.component IS NULL OR s.component = c.name)
                       AND (s.version IS NULL OR s.version = cv.version)
                       AND (s.package IS NULL OR s.package = p.purl)
                       | s.statement.status]) = 'not_affected'
         }) AS hidden
}
// Every row not hidden; only packages with an AFFECTS edge are walked.
OPTIONAL CALL (t, statements) {
  MATCH (t)<-[:OWNED_BY]-(c:Component)-[:HAS_VERSION]->(cv:ComponentVersion)
        <-[r:RUNS]-(e:Environment)
  MATCH (cv)-[:CONTAINS]->(p)
  WHERE COUNT { (p)<-[:AFFECTS]-() } > 0
  MATCH (p)<-[a:AFFECTS]-(v)
  WITH r, e, cv, c, p, a, v, CASE WHEN statements = [] THEN null
       ELSE head([s IN statements WHERE s.v = v
                  AND (s.environment IS NULL OR s.environment = e.name)
                  AND (s.component IS NULL OR s.component = c.name)
                  AND (s.version IS NULL OR s.version = cv.version)
                  AND (s.package IS NULL OR s.package = p.purl) | s.statement]) END AS vex
  WHERE $all OR vex IS NULL OR vex.status <> 'not_affected'
  RETURN r.since AS since, e.name AS environment, cv, c, p, a, v, vex
}
// The $limit worst.
WITH t, total, hidden, since, environment, cv, c, p, a, v, vex
ORDER BY coalesce(v.score, -1.0) DESC, since ASC, v.id, environment, c.name, p.purl
LIMIT $limit
WITH t, total, hidden,
     collect(CASE WHEN v IS NOT NULL THEN
       {vulnerability: v.id, aliases: v.aliases, summary: v.summary,
        score: v.score, rating: v.rating, severity: v.severity_vector,
        package: p.purl, range: a.range, fixed: a.fixed, environment: environment,
        component: c.name, version: cv.version, since: since,
        team: t.name, email: t.email, chat: t.chat, pager: t.pager,
        vex: vex} END) AS exposures
RETURN t.name AS team, CASE WHEN $all THEN total ELSE total - hidden END AS exposure_count,
       CASE WHEN $all THEN 0 ELSE hidden END AS hidden_count, exposures
