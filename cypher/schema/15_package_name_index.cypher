// Purpose: find packages by name (package blast radius by name and version range).
// Parameters: none
// Returns: nothing (schema change; idempotent thanks to IF NOT EXISTS)
// :param {}
CREATE INDEX package_name IF NOT EXISTS FOR (p:Package) ON (p.name)
