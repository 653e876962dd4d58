// Purpose: give packages their ecosystem key (computed by app/vulns/ecosystems.py).
// Parameters: $packages (list of {purl, key})
// Returns: keyed
// :param {packages: [{purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', key: 'maven:org.apache.logging.log4j:log4j-core'}]}
UNWIND $packages AS package
MATCH (p:Package {purl: package.purl})
SET p.key = package.key
RETURN count(p) AS keyed
