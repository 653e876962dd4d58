// Purpose: one ApiToken per name (the name is what writes record as their author).
// Parameters: none
// Returns: nothing (schema change; idempotent thanks to IF NOT EXISTS)
// :param {}
CREATE CONSTRAINT api_token_name_unique IF NOT EXISTS FOR (t:ApiToken) REQUIRE t.name IS UNIQUE
