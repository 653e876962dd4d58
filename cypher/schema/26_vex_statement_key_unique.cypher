// Purpose: one VexStatement per key (vulnerability, subject, environment, time), so
//          recording the same statement again finds the one held.
// Parameters: none
// Returns: nothing
// :param {}
CREATE CONSTRAINT vex_statement_key_unique IF NOT EXISTS FOR (s:VexStatement) REQUIRE s.key IS UNIQUE
