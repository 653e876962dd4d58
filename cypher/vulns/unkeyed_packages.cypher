// Purpose: packages that have no ecosystem key yet, among $purls or (when $purls is null)
//          in the whole graph: those stored before vulnerability matching existed, or just
//          created by an SBOM. A package whose ecosystem is not matched gets the key ''.
// Parameters: $purls (list of purls, or null for every package)
// Returns: purl
// :param {purls: ['pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1']}
CALL {
  WITH $purls AS purls
  WITH purls WHERE purls IS NOT NULL
  UNWIND purls AS purl
  MATCH (p:Package {purl: purl})
  WHERE p.key IS NULL
  RETURN p
  UNION
  WITH $purls AS purls
  WITH purls WHERE purls IS NULL
  MATCH (p:Package)
  WHERE p.key IS NULL
  RETURN p
}
RETURN p.purl AS purl
