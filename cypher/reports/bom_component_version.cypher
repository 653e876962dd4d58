// Purpose: bill of materials of component version ($component, $version): its build
//          details, the components it depends on (with ranges) and its SBOM packages.
//          No row when the version does not exist.
// Parameters: $component, $version (strings)
// Returns: component, version, kind, owner, image, digest, git_repository, git_commit,
//          attributes ([[key, value]]), dependencies ([{component, range, kind, owner}]),
//          packages ([{purl, name, version, ecosystem, licenses, scope}])
// :param {component: 'payment', version: '1.5.0'}
MATCH (c:Component {name: $component})-[:HAS_VERSION]->(cv:ComponentVersion {version: $version})
RETURN c.name AS component, cv.version AS version, c.kind AS kind,
  [(c)-[:OWNED_BY]->(t:Team) | t.name][0] AS owner,
  cv.image AS image, cv.digest AS digest, cv.git_repository AS git_repository,
  cv.git_commit AS git_commit,
  [k IN keys(cv) WHERE k STARTS WITH 'attr.' | [substring(k, 5), cv[k]]] AS attributes,
  COLLECT {
    MATCH (cv)-[d:DEPENDS_ON]->(dep:Component)
    RETURN {component: dep.name, range: d.range, kind: dep.kind,
            owner: [(dep)-[:OWNED_BY]->(t:Team) | t.name][0]} AS dependency
    ORDER BY dependency.component
  } AS dependencies,
  COLLECT {
    MATCH (cv)-[contains:CONTAINS]->(p:Package)
    RETURN {purl: p.purl, name: p.name, version: p.version, ecosystem: p.ecosystem,
            licenses: p.licenses, scope: contains.scope} AS package
    ORDER BY package.purl
  } AS packages
