// Purpose: exposure now: the vulnerabilities in what environment $environment runs, worst
//          first (by CVSS score, then the longest running), each with the package, the
//          component version carrying it, since when it runs there, the fixed version and
//          the owning team to call. Optionally only $team's components. No row when the
//          environment does not exist. At most $limit rows (the worst), and how many
//          there are in all.
// Parameters: $environment (string), $team (string or null), $limit (integer)
// Returns: environment, exposure_count, exposures ([{vulnerability, aliases, summary,
//          score, rating, severity, package, range, fixed, component, version, since,
//          team, email, chat, pager}])
// :param {environment: 'prod', team: null, limit: 1000}
MATCH (e:Environment {name: $environment})
RETURN e.name AS environment,
  COUNT {
    MATCH (e)-[:RUNS]->(cv:ComponentVersion)-[:CONTAINS]->(:Package)<-[:AFFECTS]-(:Vulnerability)
    MATCH (c:Component)-[:HAS_VERSION]->(cv)
    WHERE $team IS NULL OR EXISTS { (c)-[:OWNED_BY]->(:Team {name: $team}) }
  } AS exposure_count,
  COLLECT {
    MATCH (e)-[r:RUNS]->(cv:ComponentVersion)-[:CONTAINS]->(p:Package)<-[a:AFFECTS]-(v:Vulnerability)
    MATCH (c:Component)-[:HAS_VERSION]->(cv)
    OPTIONAL MATCH (c)-[:OWNED_BY]->(t:Team)
    WITH v, p, a, c, cv, r, t
    WHERE $team IS NULL OR t.name = $team
    RETURN {vulnerability: v.id, aliases: v.aliases, summary: v.summary, score: v.score,
            rating: v.rating, severity: v.severity_vector, package: p.purl, range: a.range,
            fixed: a.fixed, component: c.name, version: cv.version, since: r.since,
            team: t.name, email: t.email, chat: t.chat, pager: t.pager} AS exposure
    ORDER BY coalesce(v.score, -1.0) DESC, r.since ASC, v.id, c.name, p.purl
    LIMIT $limit
  } AS exposures
