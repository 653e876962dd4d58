// Purpose: take the write lock of component version ($component, $version) and say which
//          SBOM it holds (no row when the version does not exist), so concurrent attaches
//          of one version run one after another.
// Parameters: $component, $version (strings)
// Returns: digest, format, spec_version, attached_at, packages (count of CONTAINS edges),
//          owner (the component's owner team, or null)
// :param {component: 'payment', version: '1.5.0'}
MATCH (c:Component {name: $component})-[:HAS_VERSION]->(v:ComponentVersion {version: $version})
SET v._lock = true
REMOVE v._lock
RETURN v.sbom_digest AS digest, v.sbom_format AS format, v.sbom_spec_version AS spec_version,
       v.sbom_attached_at AS attached_at, COUNT { (v)-[:CONTAINS]->() } AS packages,
       [(c)-[:OWNED_BY]->(t:Team) | t.name][0] AS owner
