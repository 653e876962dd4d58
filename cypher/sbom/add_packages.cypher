// Purpose: find or create each Package of an SBOM by purl (its details are kept from the
//          first SBOM that named it), before the SBOM is published: packages are shared
//          by every version that contains them, so writing one again changes nothing but
//          `seen_at`, the last time an SBOM named it (pruning spares a package named
//          lately: an attach in progress has written it and not published it yet).
// Parameters: $packages (list of {purl, name, version, ecosystem, licenses: [string],
//             hashes: ['ALG:hex']})
// Returns: packages (found or created)
// :param {packages: [{purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', name: 'log4j-core', version: '2.14.1', ecosystem: 'maven', licenses: ['Apache-2.0'], hashes: []}]}
UNWIND $packages AS package
MERGE (p:Package {purl: package.purl})
  ON CREATE SET p.name = package.name, p.version = package.version,
                p.ecosystem = package.ecosystem, p.licenses = package.licenses,
                p.hashes = package.hashes
SET p.seen_at = datetime()
RETURN count(*) AS packages
