// Purpose: the OSV records known by $id (their own id, or an alias such as a CVE id), each
//          with its affected-package entries and the packages it affects now.
// Parameters: $id (string)
// Returns: id, aliases, summary, details, severity_type, severity_vector, score, rating,
//          published, modified, withdrawn, references, affected ([{ecosystem, name, ranges,
//          versions}]), packages ([{purl, range, where, fixed}])
// :param {id: 'CVE-2021-44228'}
MATCH (:VulnerabilityAlias {id: $id})<-[:KNOWN_AS]-(v:Vulnerability)
RETURN v.id AS id, v.aliases AS aliases, v.summary AS summary, v.details AS details,
       v.severity_type AS severity_type, v.severity_vector AS severity_vector,
       v.score AS score, v.rating AS rating, v.published AS published,
       v.modified AS modified, v.withdrawn AS withdrawn, v.references AS references,
       COLLECT {
         MATCH (v)-[:HAS_AFFECTED]->(a:AffectedPackage)
         RETURN {ecosystem: a.ecosystem, name: a.name, ranges: a.ranges,
                 versions: a.versions} AS entry
         ORDER BY a.where
       } AS affected,
       COLLECT {
         MATCH (v)-[edge:AFFECTS]->(p:Package)
         RETURN {purl: p.purl, range: edge.range, where: edge.where, fixed: edge.fixed} AS hit
         ORDER BY hit.purl
       } AS packages
ORDER BY id
