// Purpose: the affected-package entries of records in force (not withdrawn) about the
//          packages with ecosystem keys $keys: what a newly attached SBOM is matched with.
// Parameters: $keys (list of package keys)
// Returns: id, modified, key, ecosystem, name, where, versions, ranges
// :param {keys: ['maven:org.apache.logging.log4j:log4j-core']}
UNWIND $keys AS key
MATCH (v:Vulnerability)-[:HAS_AFFECTED]->(a:AffectedPackage {key: key})
WHERE v.withdrawn IS NULL
RETURN v.id AS id, v.modified AS modified, a.key AS key, a.ecosystem AS ecosystem,
       a.name AS name, a.where AS where, a.versions AS versions, a.ranges AS ranges
