// Purpose: find or create the component $name and take its write lock for the rest of the
//          transaction, so registrations of one component run one after another and its
//          PREVIOUS chain stays in registration order; read, under the lock, its version
//          $version if registered already and its Ranges (which a new version may satisfy:
//          none is missed, a new Range of it waits for the lock). The SET/REMOVE pair locks
//          the node without changing it. One round trip for all registration must know
//          before it writes.
// Parameters: $name, $version (strings)
// Returns: name, kind, description, repository_url, latest_version, owner, existing
//          ({props, dependencies: [{component, range}]} of version $version, or null),
//          ranges (range texts of the component's Ranges, '' = no range), declared (names
//          of the components it declares it depends on: a Backstage import's)
// :param {name: 'payment', version: '1.4.2'}
MERGE (c:Component {name: $name})
  ON CREATE SET c.created_at = datetime()
SET c._lock = true
REMOVE c._lock
WITH c
OPTIONAL MATCH (c)-[:HAS_VERSION]->(v:ComponentVersion {version: $version})
RETURN c.name AS name, c.kind AS kind, c.description AS description,
       c.repository_url AS repository_url, c.latest_version AS latest_version,
       [(c)-[:OWNED_BY]->(t:Team) | t.name][0] AS owner,
       CASE WHEN v IS NULL THEN null ELSE {
         props: v {.*},
         dependencies: [(v)-[d:DEPENDS_ON]->(dep:Component) |
                        {component: dep.name, range: d.range}]
       } END AS existing,
       COLLECT { MATCH (r:Range {component: $name}) RETURN r.range } AS ranges,
       COLLECT {
         MATCH (c)-[:DECLARED_DEPENDENCY]->(d:Component) RETURN d.name ORDER BY d.name
       } AS declared
