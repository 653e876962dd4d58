// Purpose: dependency map around component $component, following each component's latest
//          version: what it needs (transitively, up to $depth hops) and what needs it (up
//          to $depth hops), as nodes, and every dependency among those nodes as edges
//          (component to component). No row when the component does not exist.
// Parameters: $component (string), $depth (1..5)
// Returns: nodes ([{id, label, kind, owner, member}] — member is true for $component),
//          edges ([{source, target, range}])
// :param {component: 'payment', depth: 2}
MATCH (center:Component {name: $component})
CALL (center) {
  OPTIONAL MATCH path = ANY SHORTEST (center)
    ((x:Component)-[:HAS_VERSION]->(xv:ComponentVersion)-[:DEPENDS_ON]->(:Component)
      WHERE xv.version = x.latest_version){1,5} (needed:Component)
  WITH needed, path WHERE length(path) <= 2 * $depth
  RETURN collect(needed) AS down
}
CALL (center) {
  OPTIONAL MATCH path = ANY SHORTEST (center)
    ((:Component)<-[:DEPENDS_ON]-(xv:ComponentVersion)<-[:HAS_VERSION]-(x:Component)
      WHERE xv.version = x.latest_version){1,5} (needing:Component)
  WITH needing, path WHERE length(path) <= 2 * $depth
  RETURN collect(needing) AS up
}
WITH center, [center] + down + [c IN up WHERE NOT c IN down] AS members
RETURN
  [c IN members | {id: c.name, label: c.name + coalesce(' ' + c.latest_version, ''),
                   kind: c.kind, owner: [(c)-[:OWNED_BY]->(t:Team) | t.name][0],
                   member: c = center}] AS nodes,
  COLLECT {
    UNWIND members AS x
    MATCH (x)-[:HAS_VERSION]->(xv:ComponentVersion)-[d:DEPENDS_ON]->(y:Component)
    WHERE xv.version = x.latest_version AND y IN members
    RETURN {source: x.name, target: y.name, range: d.range} AS edge
  } AS edges
