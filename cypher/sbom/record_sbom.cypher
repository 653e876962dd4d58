// Purpose: note on component version ($component, $version) which SBOM its packages came
//          from, so attaching the same SBOM again is recognised and another one refused.
// Parameters: $component, $version, $digest, $format, $spec_version (strings), $attached_by
//             (token name or null)
// Returns: attached_at
// :param {component: 'payment', version: '1.5.0', digest: 'sha256:ab', format: 'CycloneDX', spec_version: '1.6', attached_by: 'ci-payments'}
MATCH (:Component {name: $component})-[:HAS_VERSION]->(v:ComponentVersion {version: $version})
SET v.sbom_digest = $digest, v.sbom_format = $format, v.sbom_spec_version = $spec_version,
    v.sbom_attached_at = datetime(), v.sbom_attached_by = $attached_by
RETURN v.sbom_attached_at AS attached_at
