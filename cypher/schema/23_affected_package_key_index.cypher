// Purpose: find the affected-package entries of OSV records by package key (when an SBOM
//          brings new packages).
// Parameters: none
// Returns: nothing (schema change; idempotent thanks to IF NOT EXISTS)
// :param {}
CREATE INDEX affected_package_key IF NOT EXISTS FOR (a:AffectedPackage) ON (a.key)
