// Purpose: create a component version after the component's latest one: HAS_VERSION from
//          the component, PREVIOUS to its predecessor, DEPENDS_ON each named component
//          (created as a bare component if not yet registered) and NEEDS the Range of each
//          declared range (created `pending` if new: catalog/range_admit settles it), and
//          make it the latest. Returns the component's Ranges, which the new version may
//          satisfy (the caller holds the component's lock, so none is missed).
// Parameters: $component (string), $props (map: version, version_key, image, digest,
//             git_*, build_url, chart, chart_version, registered_by, attr.<key>...),
//             $created_at (ISO 8601 or null = now), $dependencies (list of {component,
//             edge: {range, range_low, range_low_inclusive, range_high,
//             range_high_inclusive, range_prerelease}})
// Returns: version, seq, previous, pending ([{component, range}] Ranges this version
//          created), ranges (range texts of the component's Ranges, '' = no range)
// :param {component: 'payment', props: {version: '1.4.3', version_key: '0000000001.0000000004.0000000003.0000000000~', image: 'registry.example.com/payment', digest: 'sha256:0f', `attr.team`: 'payments'}, created_at: null, dependencies: [{component: 'currency', edge: {range: '>=2.0.0 <3.0.0', range_low: ['0000000002.0000000000.0000000000.0000000000~'], range_low_inclusive: [true], range_high: ['0000000003.0000000000.0000000000.0000000000~'], range_high_inclusive: [false], range_prerelease: [false]}}]}
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
  CREATE (v)-[edge:DEPENDS_ON]->(d)
  SET edge = dependency.edge
  MERGE (r:Range {component: dependency.component, range: coalesce(dependency.edge.range, '')})
    ON CREATE SET r.pending = true
  CREATE (v)-[:NEEDS]->(r)
  RETURN collect(CASE WHEN r.pending THEN {component: r.component, range: r.range} END)
           AS pending
}
RETURN v.version AS version, v.seq AS seq, prev.version AS previous, pending,
       COLLECT { MATCH (r:Range {component: $component}) RETURN r.range } AS ranges
