// Purpose: create a component version after the component's latest one: HAS_VERSION from
//          the component, PREVIOUS to its predecessor, DEPENDS_ON each named component
//          (created as a bare component if not yet registered) and NEEDS the Range of each
//          declared range (created `pending` if new: catalog/range_admit settles it), and
//          make it the latest; each of the component's Ranges in $admitted_by (those the
//          caller found to admit the new version, read under the component's lock by
//          catalog/component_lock) ADMITS it, and each Range it NEEDS FEEDS each of those
//          (MERGE, `via` this version when the edge is new). A new Range's provider is
//          locked (as its registrations do, so a version registered at the same moment is
//          either listed here or sees the Range) and its versions listed, for the caller
//          to settle.
// Parameters: $component (string), $props (map: version, version_key, image, digest,
//             git_*, build_url, chart, chart_version, registered_by, attr.<key>...),
//             $created_at (ISO 8601 or null = now), $dependencies (list of {component,
//             edge: {range, range_low, range_low_inclusive, range_high,
//             range_high_inclusive, range_prerelease}}, sorted by component: locks in
//             one order), $admitted_by (list of range texts, '' = no range)
// Returns: version, seq, previous, pending ([{component, range, versions}] Ranges this
//          version created, with every version string of their provider)
// :param {component: 'payment', props: {version: '1.4.3', version_key: '0000000001.0000000004.0000000003.0000000000~', image: 'registry.example.com/payment', digest: 'sha256:0f', `attr.team`: 'payments'}, created_at: null, dependencies: [{component: 'currency', edge: {range: '>=2.0.0 <3.0.0', range_low: ['0000000002.0000000000.0000000000.0000000000~'], range_low_inclusive: [true], range_high: ['0000000003.0000000000.0000000000.0000000000~'], range_high_inclusive: [false], range_prerelease: [false]}}], admitted_by: ['']}
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
  WITH d, r
  CALL (d, r) {
    WITH d, r WHERE r.pending
    SET d._lock = true
    REMOVE d._lock
    RETURN {component: r.component, range: r.range,
            versions: COLLECT { MATCH (d)-[:HAS_VERSION]->(p:ComponentVersion)
                                RETURN p.version }} AS pending
  }
  RETURN collect(pending) AS pending
}
CALL (v) {
  UNWIND $admitted_by AS text
  MATCH (r:Range {component: $component, range: text})
  CREATE (r)-[:ADMITS]->(v)
  WITH r
  MATCH (v)-[:NEEDS]->(q:Range)
  MERGE (q)-[f:FEEDS]->(r)
    ON CREATE SET f.via = v.version
}
RETURN v.version AS version, v.seq AS seq, prev.version AS previous, pending
