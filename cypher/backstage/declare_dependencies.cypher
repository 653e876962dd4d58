// Purpose: make each component's declared dependencies (what a Backstage import read from
//          spec.dependsOn and consumesApis → providesApis) exactly the ones given: edges to
//          components no longer named go, new ones come (a component not yet in the catalog
//          is created bare, as a registration's dependency is), and each edge says how it
//          was declared. They are the component's, not a version's: its next version
//          registered without dependencies of its own gets them.
// Parameters: $rows (list of {name, dependencies: [{component, via: [strings]}]})
// Returns: declared (edges the components have now)
// :param {rows: [{name: 'payment', dependencies: [{component: 'currency', via: ['dependsOn']}]}]}
UNWIND $rows AS row
MATCH (c:Component {name: row.name})
CALL (c, row) {
  MATCH (c)-[old:DECLARED_DEPENDENCY]->(d:Component)
  WHERE NOT d.name IN [x IN row.dependencies | x.component]
  DELETE old
}
CALL (c, row) {
  UNWIND row.dependencies AS dependency
  MERGE (d:Component {name: dependency.component})
    ON CREATE SET d.created_at = datetime()
  MERGE (c)-[r:DECLARED_DEPENDENCY]->(d)
  SET r.via = dependency.via
  RETURN count(*) AS declared
}
RETURN sum(declared) AS declared
