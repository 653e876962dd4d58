// Purpose: dependency map around component $component, following each component's latest
//          version: what it needs (transitively, up to $depth hops) and what needs it (up
//          to $depth hops; the nearest $limit of them, then by name, or all when $limit is
//          null — all are counted), as nodes, and every dependency among those nodes as
//          edges (component to component). No row when the component does not exist.
//          What needs it is walked with a literal bound per depth (one branch each): one
//          walk to 5 hops cut to $depth afterwards read the whole 5-hop neighbourhood of
//          the large benchmark catalog's hub at depth 1 (2.6 million db hits, 1.2 s; the
//          depth-1 branch reads 0.1 million). At depth 1 (the component page's own) what
//          needs it is what its used-by list names: each component with a version that
//          depends on it is asked once whether its latest version does, by that version's
//          key (0.05 million db hits for the hub, whose 5,048 dependent versions the walk
//          checked one by one). Members' latest versions are looked up by key too, not
//          found among all their versions (0.02 million db hits fewer).
// Parameters: $component (string), $depth (1..5), $limit (integer, or null for all)
// Returns: nodes ([{id, label, kind, owner, member}] — member is true for $component),
//          edges ([{source, target, range}]), needing_count (the components needing it
//          within $depth hops, all of them)
// :param {component: 'payment', depth: 2, limit: 200}
MATCH (center:Component {name: $component})
CALL (center) {
  OPTIONAL MATCH path = ANY SHORTEST (center)
    ((x:Component)-[:HAS_VERSION]->(xv:ComponentVersion)-[:DEPENDS_ON]->(:Component)
      WHERE xv.version = x.latest_version){1,5} (needed:Component)
  WITH needed, path WHERE length(path) <= 2 * $depth
  RETURN collect(needed) AS down
}
CALL (center) {
  OPTIONAL CALL (center) {
    WITH center WHERE $depth = 1
    MATCH (center)<-[:DEPENDS_ON]-(xv:ComponentVersion)
    WITH DISTINCT center, xv.component AS name
    MATCH (needing:Component {name: name})
    MATCH (:ComponentVersion {component: name, version: needing.latest_version})
          -[:DEPENDS_ON]->(center)
    RETURN needing, 2 AS hops  // one step is two relationships, as length(path) counts
    UNION
    WITH center WHERE $depth = 2
    MATCH path = ANY SHORTEST (center)
      ((:Component)<-[:DEPENDS_ON]-(xv:ComponentVersion)<-[:HAS_VERSION]-(x:Component)
        WHERE xv.version = x.latest_version){1,2} (needing:Component)
    RETURN needing, length(path) AS hops
    UNION
    WITH center WHERE $depth = 3
    MATCH path = ANY SHORTEST (center)
      ((:Component)<-[:DEPENDS_ON]-(xv:ComponentVersion)<-[:HAS_VERSION]-(x:Component)
        WHERE xv.version = x.latest_version){1,3} (needing:Component)
    RETURN needing, length(path) AS hops
    UNION
    WITH center WHERE $depth = 4
    MATCH path = ANY SHORTEST (center)
      ((:Component)<-[:DEPENDS_ON]-(xv:ComponentVersion)<-[:HAS_VERSION]-(x:Component)
        WHERE xv.version = x.latest_version){1,4} (needing:Component)
    RETURN needing, length(path) AS hops
    UNION
    WITH center WHERE $depth = 5
    MATCH path = ANY SHORTEST (center)
      ((:Component)<-[:DEPENDS_ON]-(xv:ComponentVersion)<-[:HAS_VERSION]-(x:Component)
        WHERE xv.version = x.latest_version){1,5} (needing:Component)
    RETURN needing, length(path) AS hops
  }
  WITH needing, hops ORDER BY hops, needing.name
  WITH collect(needing) AS needing
  RETURN CASE WHEN $limit IS NULL THEN needing ELSE needing[..$limit] END AS up,
         size(needing) AS needing_count
}
WITH center, needing_count, [center] + down + [c IN up WHERE NOT c IN down] AS members
RETURN
  [c IN members | {id: c.name, label: c.name + coalesce(' ' + c.latest_version, ''),
                   kind: c.kind, owner: [(c)-[:OWNED_BY]->(t:Team) | t.name][0],
                   member: c = center}] AS nodes,
  COLLECT {
    UNWIND members AS x
    MATCH (:ComponentVersion {component: x.name, version: x.latest_version})
          -[d:DEPENDS_ON]->(y:Component)
    WHERE y IN members
    RETURN {source: x.name, target: y.name, range: d.range} AS edge
  } AS edges,
  needing_count
