// Purpose: exposure now: the vulnerabilities in what environment $environment runs, worst
//          first (by CVSS score, then the longest running), each with the package, the
//          component version carrying it, since when it runs there, the fixed version,
//          the owning team to call and the VEX statement that applies (the most specific:
//          this environment before every environment, one naming the component before
//          one naming only the package, this version before every version, one naming
//          the package before one that does not; then the latest). Rows whose statement says not_affected are
//          counted apart and left out unless $all. Optionally only $team's components.
//          No row when the environment does not exist. At most $limit rows (the worst).
//          Made to read little (see docs/vulns.md, Measured): the few VEX statements that
//          may apply are gathered first; rows are counted, and then read, from the
//          packages with an AFFECTS edge; only the $limit worst rows are sorted and read. No list of the running versions is
//          carried: with one in scope, the sort of 3,000 rows ran out of 717 MiB of
//          transaction memory; without, the statement takes about 3 MB.
// Parameters: $environment (string), $team (string or null), $all (boolean),
//             $limit (integer)
// Returns: environment, exposure_count, hidden_count, exposures ([{vulnerability,
//          aliases, summary, score, rating, severity, package, range, fixed, component,
//          version, since, team, email, chat, pager, vex: {vulnerability, component,
//          version, package, environment, status, justification, detail, at} or null}])
// :param {environment: 'prod', team: null, all: false, limit: 1000}
MATCH (e:Environment {name: $environment})
// The statements that may apply here (about a component running here, or a package):
// few, so each row looks them up in this list.
WITH e, COLLECT {
    MATCH (s:VexStatement)
    WHERE (s.component IS NULL AND s.package IS NOT NULL
           OR EXISTS { (:ComponentVersion {component: s.component})<-[:RUNS]-(e) })
      AND (s.environment IS NULL OR s.environment = e.name)
    MATCH (s)-[:ABOUT]->(:VulnerabilityAlias)<-[:KNOWN_AS]-(v:Vulnerability)
    WITH DISTINCT s, v
    RETURN {v: v, component: s.component, version: s.version, package: s.package,
            statement: s {.vulnerability, .component, .version, .package, .environment,
                          .status, .justification, .detail, .at}} AS stated
    ORDER BY s.environment IS NULL, s.component IS NULL, s.version IS NULL,
             s.package IS NULL, s.at DESC, s.recorded_at DESC
  } AS statements
// How many rows, and how many a statement hides: walked as the rows are, from the packages
// an AFFECTS edge reaches (few) to the versions running here that contain them. Counted
// from every running version's packages instead (their AFFECTS degrees), it read 0.5
// million db hits on the large benchmark catalog's largest environment, four fifths of
// the statement.
CALL (e, statements) {
  MATCH (e)-[r:RUNS]->(cv:ComponentVersion)<-[:HAS_VERSION]-(c:Component)
  WHERE $team IS NULL OR EXISTS { (c)-[:OWNED_BY]->(:Team {name: $team}) }
  MATCH (cv)-[:CONTAINS]->(p)
  WHERE COUNT { (p)<-[:AFFECTS]-() } > 0
  MATCH (p)<-[:AFFECTS]-(v)
  RETURN count(*) AS total,
         count(CASE WHEN statements <> []
                     AND head([s IN statements WHERE s.v = v
                               AND (s.component IS NULL OR s.component = c.name)
                               AND (s.version IS NULL OR s.version = cv.version)
                               AND (s.package IS NULL OR s.package = p.purl)
                               | s.statement.status]) = 'not_affected' THEN 1 END) AS hidden
}
// Every row not hidden; only packages with an AFFECTS edge are walked.
OPTIONAL CALL (e, statements) {
  MATCH (e)-[r:RUNS]->(cv:ComponentVersion)<-[:HAS_VERSION]-(c:Component)
  WHERE $team IS NULL OR EXISTS { (c)-[:OWNED_BY]->(:Team {name: $team}) }
  MATCH (cv)-[:CONTAINS]->(p)
  WHERE COUNT { (p)<-[:AFFECTS]-() } > 0
  // The sort keys of the package and the version carrying it, read once for all the
  // package's records, not once per row.
  WITH r.since AS since, cv, c, c.name AS component, p, p.purl AS purl
  MATCH (p)<-[a:AFFECTS]-(v)
  WITH since, cv, c, component, purl, a, v, CASE WHEN statements = [] THEN null
       ELSE head([s IN statements WHERE s.v = v
                  AND (s.component IS NULL OR s.component = component)
                  AND (s.version IS NULL OR s.version = cv.version)
                  AND (s.package IS NULL OR s.package = purl) | s.statement]) END AS vex
  WHERE $all OR vex IS NULL OR vex.status <> 'not_affected'
  RETURN since, cv, c, component, purl, a, v, vex
}
// The $limit worst, then each with its owner's contacts.
WITH e, total, hidden, since, cv, c, component, purl, a, v, vex
ORDER BY coalesce(v.score, -1.0) DESC, since ASC, v.id, component, purl
LIMIT $limit
OPTIONAL MATCH (c)-[:OWNED_BY]->(t:Team)
WITH e, total, hidden,
     collect(CASE WHEN v IS NOT NULL THEN
       {vulnerability: v.id, aliases: v.aliases, summary: v.summary,
        score: v.score, rating: v.rating, severity: v.severity_vector,
        package: purl, range: a.range, fixed: a.fixed,
        component: component, version: cv.version, since: since,
        team: t.name, email: t.email, chat: t.chat, pager: t.pager,
        vex: vex} END) AS exposures
RETURN e.name AS environment, CASE WHEN $all THEN total ELSE total - hidden END AS exposure_count,
       CASE WHEN $all THEN 0 ELSE hidden END AS hidden_count, exposures
