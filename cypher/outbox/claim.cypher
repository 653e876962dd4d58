// Purpose: claim sink $url for dispatcher $holder, atomically (its write lock is taken
//          first, then the state is checked against committed data): only when it is
//          active, no other dispatcher's lease runs, its backoff has passed and something
//          waits for it. The lease lasts $lease seconds. Returns its next pending events,
//          oldest first (in the order their transactions wrote them).
// Parameters: $url, $holder (strings), $lease (seconds), $limit (integer)
// Returns: id, body, attempts (earlier failed attempts of this event), failures (the
//          sink's failed rounds in a row) — no row when not claimed
// :param {url: 'http://127.0.0.1:9999/events', holder: 'host-1234-0', lease: 60, limit: 100}
MATCH (s:EventSink {url: $url})
SET s._lock = true
REMOVE s._lock
WITH s
WHERE s.active
  AND (s.lease_until IS NULL OR s.lease_until < datetime())
  AND (s.next_at IS NULL OR s.next_at <= datetime())
  AND EXISTS { (s)<-[:PENDING]-() }
SET s.lease_until = datetime() + duration({seconds: $lease}), s.holder = $holder
WITH s
MATCH (s)<-[p:PENDING]-(e:OutboxEvent)
WITH s, p, e ORDER BY e.created_at, e.position LIMIT $limit
RETURN e.id AS id, e.body AS body, p.attempts AS attempts, s.failures AS failures
