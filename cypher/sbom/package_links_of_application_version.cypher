// Purpose: the package-to-package dependencies inside each component version of
//          application version ($application, $version): a DEPENDS_ON edge between two
//          packages that the same component version contains, so the CycloneDX export can
//          nest log4j-api under log4j-core instead of listing both as direct.
// Parameters: $application, $version (strings)
// Returns: component, version, from (purl), to (purl)
// :param {application: 'shop', version: '1.0.0'}
MATCH (:ApplicationVersion {application: $application, version: $version})
      -[:INCLUDES]->(cv:ComponentVersion)-[:CONTAINS]->(p:Package)-[:DEPENDS_ON]->(q:Package)
WHERE (cv)-[:CONTAINS]->(q)
RETURN DISTINCT cv.component AS component, cv.version AS version, p.purl AS from, q.purl AS to
ORDER BY component, version, from, to
