// Purpose: the search box: components, applications, environments, teams and packages whose
//          name contains $text (case-sensitive; each part is a seek in that label's text
//          index, never a scan; hinted, since with few nodes the planner may pick
//          Package.name's range index instead), at most $limit of each kind, shortest
//          names first.
// Parameters: $text (string, not empty), $limit (integer)
// Returns: kind ('component', 'application', 'environment', 'team', 'package'), name,
//          key (what the page is found by: the name, or a package's purl), detail
// :param {text: 'pay', limit: 20}
CALL () {
  MATCH (c:Component) USING TEXT INDEX c:Component(name)
  WHERE c.name CONTAINS $text
  WITH c ORDER BY size(c.name), c.name LIMIT $limit
  RETURN 'component' AS kind, c.name AS name, c.name AS key,
         trim(coalesce(c.kind, '') + ' ' + coalesce(c.latest_version, '')) AS detail
  UNION ALL
  MATCH (a:Application) USING TEXT INDEX a:Application(name)
  WHERE a.name CONTAINS $text
  WITH a ORDER BY size(a.name), a.name LIMIT $limit
  RETURN 'application' AS kind, a.name AS name, a.name AS key,
         coalesce(a.latest_version, '') AS detail
  UNION ALL
  MATCH (e:Environment) USING TEXT INDEX e:Environment(name)
  WHERE e.name CONTAINS $text
  WITH e ORDER BY size(e.name), e.name LIMIT $limit
  RETURN 'environment' AS kind, e.name AS name, e.name AS key, coalesce(e.stage, '') AS detail
  UNION ALL
  MATCH (t:Team) USING TEXT INDEX t:Team(name)
  WHERE t.name CONTAINS $text
  WITH t ORDER BY size(t.name), t.name LIMIT $limit
  RETURN 'team' AS kind, t.name AS name, t.name AS key, coalesce(t.email, '') AS detail
  UNION ALL
  MATCH (p:Package) USING TEXT INDEX p:Package(name)
  WHERE p.name CONTAINS $text
  WITH p ORDER BY size(p.name), p.name, p.version LIMIT $limit
  RETURN 'package' AS kind, p.name AS name, p.purl AS key, coalesce(p.version, '') AS detail
}
RETURN kind, name, key, detail
