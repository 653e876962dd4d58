// Purpose: one ApiToken per token hash; also the index every authenticated request seeks.
// Parameters: none
// Returns: nothing (schema change; idempotent thanks to IF NOT EXISTS)
// :param {}
CREATE CONSTRAINT api_token_hash_unique IF NOT EXISTS FOR (t:ApiToken) REQUIRE t.hash IS UNIQUE
