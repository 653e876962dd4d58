// Purpose: claim a received CDEvent by its idempotency key (source, id): create its node, or
//          find the one an earlier delivery left. MERGE on the unique key locks it, so two
//          deliveries at once apply the event once.
// Parameters: $source, $id, $type (strings)
// Returns: new (true when this delivery is the first), effect (JSON text of what the first
//          delivery did, or null)
// :param {source: '/tekton/pipelines/shop', id: 'e-1', type: 'dev.cdevents.service.deployed.0.3.0'}
MERGE (e:CDEvent {source: $source, id: $id})
  ON CREATE SET e.type = $type, e.received_at = datetime(), e._new = true
WITH e, coalesce(e._new, false) AS new
REMOVE e._new
RETURN new, e.effect AS effect
