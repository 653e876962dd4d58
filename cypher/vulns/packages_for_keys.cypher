// Purpose: the packages (from any SBOM) whose ecosystem key is one of $keys: the ones a
//          newly arrived OSV record may affect.
// Parameters: $keys (list of package keys, e.g. 'maven:org.apache.logging.log4j:log4j-core')
// Returns: purl, key
// :param {keys: ['maven:org.apache.logging.log4j:log4j-core']}
UNWIND $keys AS key
MATCH (p:Package {key: key})
RETURN p.purl AS purl, p.key AS key
