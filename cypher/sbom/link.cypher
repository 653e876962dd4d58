// Purpose: record an SBOM's dependency graph between packages: (a)-[:DEPENDS_ON]->(b), once
//          per pair however many SBOMs say so.
// Parameters: $dependencies (list of {from, to} purls; both packages exist)
// Returns: linked (pairs written or found)
// :param {dependencies: [{from: 'pkg:pypi/flask@3.0.3', to: 'pkg:pypi/click@8.1.7'}]}
UNWIND $dependencies AS dependency
MATCH (a:Package {purl: dependency.from})
MATCH (b:Package {purl: dependency.to})
MERGE (a)-[:DEPENDS_ON]->(b)
RETURN count(*) AS linked
