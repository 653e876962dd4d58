// Purpose: one OutboxEvent node per CDEvent Mercator emits, found by its id (the
//          CDEvent's context.id) when a dispatcher settles its delivery.
// Parameters: none
// Returns: nothing (schema change; idempotent thanks to IF NOT EXISTS)
// :param {}
CREATE CONSTRAINT outbox_event_id_unique IF NOT EXISTS FOR (e:OutboxEvent) REQUIRE e.id IS UNIQUE
