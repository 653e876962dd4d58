// Purpose: add packages to component version ($component, $version): each Package is found
//          or created by purl (its details are kept from the first SBOM that named it), and
//          the version CONTAINS it with the scope this SBOM gives.
// Parameters: $component, $version (strings), $packages (list of {purl, name, version,
//             ecosystem, licenses: [string], hashes: ['ALG:hex'], scope})
// Returns: contained (edges created)
// :param {component: 'payment', version: '1.5.0', packages: [{purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', name: 'log4j-core', version: '2.14.1', ecosystem: 'maven', licenses: ['Apache-2.0'], hashes: [], scope: 'required'}]}
MATCH (:Component {name: $component})-[:HAS_VERSION]->(v:ComponentVersion {version: $version})
UNWIND $packages AS package
MERGE (p:Package {purl: package.purl})
  ON CREATE SET p.name = package.name, p.version = package.version,
                p.ecosystem = package.ecosystem, p.licenses = package.licenses,
                p.hashes = package.hashes
CREATE (v)-[:CONTAINS {scope: package.scope}]->(p)
RETURN count(*) AS contained
