// Purpose: create a component version after the component's latest one: HAS_VERSION from
//          the component, PREVIOUS to its predecessor, DEPENDS_ON each named component
//          (created as a bare component if not yet registered), and make it the latest.
// Parameters: $component (string), $props (map: version, image, digest, git_*, build_url,
//             chart, chart_version, attr.<key>...), $created_at (ISO 8601 or null = now),
//             $dependencies (list of {component, range})
// Returns: version, seq, previous
// :param {component: 'payment', props: {version: '1.4.3', image: 'registry.example.com/payment', digest: 'sha256:0f', `attr.team`: 'payments'}, created_at: null, dependencies: [{component: 'currency', range: '>=2.0.0 <3.0.0'}]}
MATCH (c:Component {name: $component})
OPTIONAL MATCH (c)-[:HAS_VERSION]->(prev:ComponentVersion {version: c.latest_version})
CREATE (v:ComponentVersion)
SET v = $props,
    v.component = $component,
    v.seq = coalesce(c.version_count, 0) + 1,
    v.created_at = coalesce(datetime($created_at), datetime())
CREATE (c)-[:HAS_VERSION]->(v)
SET c.latest_version = v.version, c.version_count = v.seq
FOREACH (p IN CASE WHEN prev IS NULL THEN [] ELSE [prev] END | CREATE (v)-[:PREVIOUS]->(p))
WITH v, prev
CALL (v) {
  UNWIND $dependencies AS dependency
  MERGE (d:Component {name: dependency.component})
    ON CREATE SET d.created_at = datetime()
  CREATE (v)-[:DEPENDS_ON {range: dependency.range}]->(d)
}
RETURN v.version AS version, v.seq AS seq, prev.version AS previous
