// Purpose: one Range per (provider component, declared range text); '' is the Range of the
//          dependencies that declare no range (it admits every version). Blast radii walk
//          (consumer)-[:NEEDS]->(:Range)-[:ADMITS]->(provider version) instead of testing
//          ranges on every hop; MERGE on this key keeps concurrent registrations to one node.
// Parameters: none
// Returns: nothing (schema change; idempotent thanks to IF NOT EXISTS)
// :param {}
CREATE CONSTRAINT range_key_unique IF NOT EXISTS FOR (r:Range) REQUIRE (r.component, r.range) IS UNIQUE
