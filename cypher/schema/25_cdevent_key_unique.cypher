// Purpose: one CDEvent node per event: its source and id are the idempotency key, so the
//          same event sent again is found and not applied twice.
// Parameters: none
// Returns: nothing (schema change; idempotent thanks to IF NOT EXISTS)
// :param {}
CREATE CONSTRAINT cdevent_key_unique IF NOT EXISTS FOR (e:CDEvent) REQUIRE (e.source, e.id) IS UNIQUE
