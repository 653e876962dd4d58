// Purpose: one Environment per name.
// Parameters: none
// Returns: nothing (schema change; idempotent thanks to IF NOT EXISTS)
// :param {}
CREATE CONSTRAINT environment_name_unique IF NOT EXISTS FOR (e:Environment) REQUIRE e.name IS UNIQUE
