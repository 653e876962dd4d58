// Purpose: whether any SBOM named the package $purl (one row if so).
// Parameters: $purl (string)
// Returns: purl
// :param {purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1'}
MATCH (p:Package {purl: $purl})
RETURN p.purl AS purl
