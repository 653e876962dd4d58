// Purpose: publish packages in component version ($component, $version): the version
//          CONTAINS each (written beforehand by sbom/add_packages) with the scope this
//          SBOM gives.
// Parameters: $component, $version (strings), $packages (list of {purl, scope})
// Returns: contained (edges created; fewer than $packages when a package is missing)
// :param {component: 'payment', version: '1.5.0', packages: [{purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', scope: 'required'}]}
MATCH (:Component {name: $component})-[:HAS_VERSION]->(v:ComponentVersion {version: $version})
UNWIND $packages AS package
MATCH (p:Package {purl: package.purl})
CREATE (v)-[:CONTAINS {scope: package.scope}]->(p)
RETURN count(*) AS contained
