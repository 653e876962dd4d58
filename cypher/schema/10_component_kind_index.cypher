// Purpose: find components by kind (service, database, config, ...) without a label scan.
// Parameters: none
// Returns: nothing (schema change; idempotent thanks to IF NOT EXISTS)
// :param {}
CREATE INDEX component_kind IF NOT EXISTS FOR (c:Component) ON (c.kind)
