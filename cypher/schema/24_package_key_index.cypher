// Purpose: find packages by ecosystem key (ecosystem and normalised name, no version) when
//          an OSV record arrives.
// Parameters: none
// Returns: nothing (schema change; idempotent thanks to IF NOT EXISTS)
// :param {}
CREATE INDEX package_key IF NOT EXISTS FOR (p:Package) ON (p.key)
