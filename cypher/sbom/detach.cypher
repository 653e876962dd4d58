// Purpose: remove the packages of component version ($component, $version) — its CONTAINS
//          edges — before another SBOM replaces them (Package nodes stay: others share them).
// Parameters: $component, $version (strings)
// Returns: removed (edges deleted)
// :param {component: 'payment', version: '1.5.0'}
MATCH (:Component {name: $component})-[:HAS_VERSION]->(v:ComponentVersion {version: $version})
OPTIONAL MATCH (v)-[c:CONTAINS]->(:Package)
DELETE c
RETURN count(c) AS removed
