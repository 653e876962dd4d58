// Purpose: one MercatorSchema node per id; it records which schema version the graph has.
// Parameters: none
// Returns: nothing (schema change; idempotent thanks to IF NOT EXISTS)
// :param {}
CREATE CONSTRAINT schema_meta_unique IF NOT EXISTS FOR (m:MercatorSchema) REQUIRE m.id IS UNIQUE
