// Purpose: the outbox, newest first: each CDEvent Mercator emitted with its delivery to
//          every sink (pending, delivered or refused, with attempts and the last error).
//          $status keeps the events with a delivery in that state (null: all).
// Parameters: $status (pending, delivered, refused or null), $skip, $limit (integers)
// Returns: id, type, subject, created_at, body, deliveries ([{sink, status, attempts, at,
//          error}])
// :param {status: null, skip: 0, limit: 50}
MATCH (e:OutboxEvent)
WHERE $status IS NULL
   OR ($status = 'pending' AND EXISTS { (e)-[:PENDING]->() })
   OR ($status = 'delivered' AND EXISTS { (e)-[:DELIVERED]->() })
   OR ($status = 'refused' AND EXISTS { (e)-[:REFUSED]->() })
WITH e ORDER BY e.created_at DESC, e.position DESC SKIP $skip LIMIT $limit
RETURN e.id AS id, e.type AS type, e.subject AS subject, e.created_at AS created_at,
       e.body AS body,
       COLLECT {
         MATCH (e)-[d:PENDING|DELIVERED|REFUSED]->(s:EventSink)
         RETURN {sink: s.url, status: toLower(type(d)), attempts: d.attempts,
                 at: coalesce(d.at, d.tried_at), error: d.error} AS delivery
         ORDER BY delivery.sink
       } AS deliveries
