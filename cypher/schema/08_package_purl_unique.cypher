// Purpose: one Package per purl (packages found in SBOMs).
// Parameters: none
// Returns: nothing (schema change; idempotent thanks to IF NOT EXISTS)
// :param {}
CREATE CONSTRAINT package_purl_unique IF NOT EXISTS FOR (p:Package) REQUIRE p.purl IS UNIQUE
