// Purpose: what the SBOMs say of packages $purls: name, version, ecosystem and licences,
//          and the other versions known of the same name in the same ecosystem.
// Parameters: $purls (list of strings)
// Returns: purl, name, version, ecosystem, licenses, versions ([{purl, version}] of that
//          name and ecosystem, this one included)
// :param {purls: ['pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1']}
UNWIND $purls AS wanted
MATCH (p:Package {purl: wanted})
RETURN p.purl AS purl, p.name AS name, p.version AS version, p.ecosystem AS ecosystem,
       coalesce(p.licenses, []) AS licenses,
       COLLECT {
         MATCH (o:Package {name: p.name})
         WHERE o.ecosystem = p.ecosystem OR (o.ecosystem IS NULL AND p.ecosystem IS NULL)
         RETURN {purl: o.purl, version: o.version} AS other ORDER BY other.version
       } AS versions
ORDER BY purl
