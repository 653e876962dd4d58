// Purpose: bill of materials of application version ($application, $version): every
//          component version it includes (kind, owner, image/digest, git commit,
//          attributes); the components they depend on that are not part of the
//          application (external dependencies), with who needs them in which range; and
//          the deduplicated SBOM packages of all of them, each with the component versions
//          that bring it. No row when the application version does not exist.
// Parameters: $application, $version (strings)
// Returns: application, version, created_at, components ([{component, version, kind, owner,
//          image, digest, git_repository, git_commit, attributes: [[key, value]]}]),
//          external_dependencies ([{component, kind, owner, required_by: [{component,
//          version, range}]}]), packages ([{purl, name, version, ecosystem, licenses,
//          brought_by: [{component, version, scope}]}])
// :param {application: 'shop', version: '1.0.3'}
MATCH (av:ApplicationVersion {application: $application, version: $version})
RETURN av.application AS application, av.version AS version, av.created_at AS created_at,
  COLLECT {
    MATCH (av)-[:INCLUDES]->(cv:ComponentVersion)<-[:HAS_VERSION]-(c:Component)
    RETURN {component: c.name, version: cv.version, kind: c.kind,
            owner: [(c)-[:OWNED_BY]->(t:Team) | t.name][0],
            image: cv.image, digest: cv.digest, git_repository: cv.git_repository,
            git_commit: cv.git_commit,
            attributes: [k IN keys(cv) WHERE k STARTS WITH 'attr.' | [substring(k, 5), cv[k]]]}
      AS component
    ORDER BY component.component
  } AS components,
  COLLECT {
    MATCH (av)-[:INCLUDES]->(cv:ComponentVersion)-[d:DEPENDS_ON]->(dep:Component)
    WHERE NOT EXISTS { (av)-[:INCLUDES]->(:ComponentVersion {component: dep.name}) }
    WITH dep, cv, d ORDER BY cv.component
    WITH dep, collect({component: cv.component, version: cv.version, range: d.range})
           AS requiredBy
    RETURN {component: dep.name, kind: dep.kind,
            owner: [(dep)-[:OWNED_BY]->(t:Team) | t.name][0], required_by: requiredBy}
      AS external
    ORDER BY external.component
  } AS external_dependencies,
  COLLECT {
    MATCH (av)-[:INCLUDES]->(cv:ComponentVersion)-[contains:CONTAINS]->(p:Package)
    WITH p, cv, contains ORDER BY cv.component
    WITH p, collect({component: cv.component, version: cv.version, scope: contains.scope})
           AS broughtBy
    RETURN {purl: p.purl, name: p.name, version: p.version, ecosystem: p.ecosystem,
            licenses: p.licenses, brought_by: broughtBy} AS package
    ORDER BY package.purl
  } AS packages
