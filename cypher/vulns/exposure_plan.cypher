// Purpose: what deploying application version ($application, $version) to environment
//          $environment would do to its exposure: for each component the deployment adds
//          or changes (from the version running there now, if any, to the planned one),
//          each vulnerability it would introduce (the planned version carries it, the
//          running one does not), fix (the other way round) or keep (both carry it), with
//          the packages carrying it in the version that does (the planned one unless
//          fixed), the owning team and the VEX statement that applies to that version in
//          that environment. Rows whose statement says not_affected are counted apart and
//          left out unless $all. No row when the application version or the environment
//          is missing.
// Parameters: $application, $version, $environment (strings), $all (boolean)
// Returns: application, version, environment, hidden_count, changes ([{change,
//          vulnerability, aliases, summary, score, rating, component, from, to, packages
//          ([{purl, range, fixed}]), team, pager, vex}])
// :param {application: 'shop', version: '1.0.0', environment: 'prod', all: false}
MATCH (av:ApplicationVersion {application: $application, version: $version})
MATCH (e:Environment {name: $environment})
CALL (av, e) {
  MATCH (av)-[:INCLUDES]->(planned:ComponentVersion)<-[:HAS_VERSION]-(c:Component)
  OPTIONAL MATCH (e)-[:RUNS]->(running:ComponentVersion)<-[:HAS_VERSION]-(c)
  WITH e, c, planned, running
  WHERE running IS NULL OR running <> planned
  WITH e, c, planned, running,
       COLLECT {
         MATCH (planned)-[:CONTAINS]->(:Package)<-[:AFFECTS]-(v:Vulnerability)
         RETURN DISTINCT v
       } AS after,
       COLLECT {
         MATCH (running)-[:CONTAINS]->(:Package)<-[:AFFECTS]-(v:Vulnerability)
         RETURN DISTINCT v
       } AS before
  UNWIND after + [v IN before WHERE NOT v IN after] AS v
  WITH e, c, planned, running, v,
       CASE WHEN NOT v IN before THEN 'introduced'
            WHEN NOT v IN after THEN 'fixed'
            ELSE 'kept' END AS change
  WITH e, c, planned, running, v, change,
       CASE change WHEN 'fixed' THEN running ELSE planned END AS carrier
  OPTIONAL MATCH (c)-[:OWNED_BY]->(t:Team)
  WITH e, c, planned, running, v, change, carrier, t, head(COLLECT {
      MATCH (v)-[:KNOWN_AS]->(:VulnerabilityAlias)<-[:ABOUT]-(s:VexStatement)
      WHERE (s.component IS NULL OR s.component = c.name)
        AND (s.version IS NULL OR s.version = carrier.version)
        AND (s.package IS NULL
             OR EXISTS { (carrier)-[:CONTAINS]->(:Package {purl: s.package})<-[:AFFECTS]-(v) })
        AND (s.environment IS NULL OR s.environment = e.name)
      RETURN s {.vulnerability, .component, .version, .package, .environment, .status,
                .justification, .detail, .at} AS statement
      ORDER BY s.environment IS NULL, s.component IS NULL, s.version IS NULL,
               s.package IS NULL, s.at DESC, s.recorded_at DESC
      LIMIT 1
    }) AS vex
  ORDER BY CASE change WHEN 'introduced' THEN 0 WHEN 'fixed' THEN 1 ELSE 2 END,
           coalesce(v.score, -1.0) DESC, v.id, c.name
  RETURN collect({change: change, vulnerability: v.id, aliases: v.aliases,
                  summary: v.summary, score: v.score, rating: v.rating, component: c.name,
                  from: running.version, to: planned.version,
                  packages: COLLECT {
                    MATCH (carrier)-[:CONTAINS]->(p:Package)<-[a:AFFECTS]-(v)
                    RETURN {purl: p.purl, range: a.range, fixed: a.fixed} AS hit
                    ORDER BY hit.purl
                  },
                  team: t.name, pager: t.pager, vex: vex}) AS rows
}
WITH av, e, rows,
     [row IN rows WHERE $all OR row.vex IS NULL OR row.vex.status <> 'not_affected'] AS shown
RETURN av.application AS application, av.version AS version, e.name AS environment,
       size(rows) - size(shown) AS hidden_count, shown AS changes
