// Purpose: which SBOM component version ($component, $version) holds (no row when the
//          version does not exist).
// Parameters: $component, $version (strings)
// Returns: digest, format, spec_version, attached_at, attached_by (token name or null),
//          packages (count of CONTAINS edges), owner (the component's owner team, or null)
// :param {component: 'payment', version: '1.5.0'}
MATCH (c:Component {name: $component})-[:HAS_VERSION]->(v:ComponentVersion {version: $version})
RETURN v.sbom_digest AS digest, v.sbom_format AS format, v.sbom_spec_version AS spec_version,
       v.sbom_attached_at AS attached_at, v.sbom_attached_by AS attached_by,
       COUNT { (v)-[:CONTAINS]->() } AS packages,
       [(c)-[:OWNED_BY]->(t:Team) | t.name][0] AS owner
