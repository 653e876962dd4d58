// Purpose: dependency map of application version ($application, $version): its component
//          versions and the components they depend on outside it, as nodes, and who
//          depends on whom as edges (component to component). No row when it is missing.
// Parameters: $application, $version (strings)
// Returns: nodes ([{id, label, kind, owner, member}]), edges ([{source, target, range}])
// :param {application: 'shop', version: '1.0.8'}
MATCH (av:ApplicationVersion {application: $application, version: $version})
WITH av, [(av)-[:INCLUDES]->(cv:ComponentVersion) | cv] AS members
RETURN
  [cv IN members | {id: cv.component, label: cv.component + ' ' + cv.version,
                    kind: [(cv)<-[:HAS_VERSION]-(c) | c.kind][0],
                    owner: [(cv)<-[:HAS_VERSION]-(:Component)-[:OWNED_BY]->(t) | t.name][0],
                    member: true}]
  + COLLECT {
      UNWIND members AS cv
      MATCH (cv)-[:DEPENDS_ON]->(dep:Component)
      WHERE NOT dep.name IN [m IN members | m.component]
      WITH DISTINCT dep
      RETURN {id: dep.name, label: dep.name, kind: dep.kind,
              owner: [(dep)-[:OWNED_BY]->(t:Team) | t.name][0], member: false} AS node
    } AS nodes,
  COLLECT {
    UNWIND members AS cv
    MATCH (cv)-[d:DEPENDS_ON]->(dep:Component)
    RETURN {source: cv.component, target: dep.name, range: d.range} AS edge
  } AS edges
