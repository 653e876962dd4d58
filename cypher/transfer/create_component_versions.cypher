// Purpose: import new component versions (their components exist): the node with the
//          registration number the import gave it, HAS_VERSION from the component, DEPENDS_ON
//          each named component (imported before) and NEEDS its Range (created `pending` if
//          new; app/catalog/ranges.py writes the ADMITS next), and — on the row flagged latest — the
//          component's latest_version and version_count. PREVIOUS edges come next
//          (transfer/link_component_versions), once every version of the batch exists.
// Parameters: $rows (list of {component, props (map: version, version_key, image, digest,
//             git_*, build_url, chart, chart_version, attr.<key>...), seq, latest (boolean),
//             created_at (ISO 8601 or null = now), dependencies ([{component, edge: {range,
//             range_low, range_low_inclusive, range_high, range_high_inclusive,
//             range_prerelease}}])})
// Returns: written (versions created; fewer than the rows when a component is missing)
// :param {rows: [{component: 'payment', props: {version: '1.4.3', version_key: '0000000001.0000000004.0000000003.0000000000~', digest: 'sha256:0f', `attr.region`: 'eu'}, seq: 3, latest: true, created_at: '2026-11-20T10:04:00Z', dependencies: [{component: 'currency', edge: {range: '>=2.0.0 <3.0.0', range_low: ['0000000002.0000000000.0000000000.0000000000~'], range_low_inclusive: [true], range_high: ['0000000003.0000000000.0000000000.0000000000~'], range_high_inclusive: [false], range_prerelease: [false]}}]}]}
UNWIND $rows AS row
MATCH (c:Component {name: row.component})
CREATE (v:ComponentVersion)
SET v = row.props,
    v.component = row.component,
    v.seq = row.seq,
    v.created_at = coalesce(datetime(row.created_at), datetime())
CREATE (c)-[:HAS_VERSION]->(v)
FOREACH (_ IN CASE WHEN row.latest THEN [1] ELSE [] END |
  SET c.latest_version = v.version, c.version_count = v.seq)
WITH v, row
CALL (v, row) {
  UNWIND row.dependencies AS dependency
  MATCH (d:Component {name: dependency.component})
  CREATE (v)-[edge:DEPENDS_ON]->(d)
  SET edge = dependency.edge
  MERGE (r:Range {component: dependency.component, range: coalesce(dependency.edge.range, '')})
    ON CREATE SET r.pending = true
  CREATE (v)-[:NEEDS]->(r)
}
RETURN count(*) AS written
