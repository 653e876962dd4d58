// Purpose: every component for the Backstage export (one Component each): its owner, the
//          applications whose latest version includes it (its systems), the components its
//          latest version depends on, those it declares (a Backstage import's), and where
//          it runs now.
// Parameters: none
// Returns: props (the component's properties), owner (team name or null), systems (names),
//          depends_on (component names), declared (component names), running
//          ([{environment, version}])
// :param {}
MATCH (c:Component)
OPTIONAL MATCH (c)-[:HAS_VERSION]->(latest:ComponentVersion {version: c.latest_version})
RETURN c {.*} AS props,
       [(c)-[:OWNED_BY]->(t:Team) | t.name][0] AS owner,
       COLLECT {
         MATCH (a:Application)-[:HAS_VERSION]->(:ApplicationVersion {version: a.latest_version})
               -[:INCLUDES]->(:ComponentVersion)<-[:HAS_VERSION]-(c)
         RETURN a.name ORDER BY a.name
       } AS systems,
       COLLECT {
         MATCH (latest)-[:DEPENDS_ON]->(d:Component)
         RETURN d.name ORDER BY d.name
       } AS depends_on,
       COLLECT {
         MATCH (c)-[:DECLARED_DEPENDENCY]->(d:Component)
         RETURN d.name ORDER BY d.name
       } AS declared,
       COLLECT {
         MATCH (c)-[:HAS_VERSION]->(v:ComponentVersion)<-[:RUNS]-(e:Environment)
         RETURN {environment: e.name, version: v.version} AS running ORDER BY e.name
       } AS running
ORDER BY c.name
