// Purpose: write what dispatcher $holder's round on sink $url did: each delivered event's
//          PENDING delivery becomes DELIVERED, each refused one (the sink answered a 4xx
//          that retrying cannot change) REFUSED, and the one that failed (if any) counts an
//          attempt and keeps its error. The sink's backoff restarts after a failure (next
//          try in $backoff seconds) and is cleared otherwise; its lease ends.
// Parameters: $url, $holder (strings), $delivered (list of event ids), $refused (list of
//             {id, error}), $failed ({id, error} or null), $backoff (seconds)
// Returns: delivered, refused (deliveries settled)
// :param {url: 'http://127.0.0.1:9999/events', holder: 'host-1234-0', delivered: [], refused: [], failed: null, backoff: 1.0}
MATCH (s:EventSink {url: $url})
CALL (s) {
  UNWIND $delivered AS id
  MATCH (:OutboxEvent {id: id})-[p:PENDING]->(s)
  WITH s, p, startNode(p) AS e
  CREATE (e)-[:DELIVERED {at: datetime(), attempts: p.attempts + 1}]->(s)
  DELETE p
  RETURN count(*) AS delivered
}
CALL (s) {
  UNWIND $refused AS refusal
  MATCH (:OutboxEvent {id: refusal.id})-[p:PENDING]->(s)
  WITH s, p, startNode(p) AS e, refusal
  CREATE (e)-[:REFUSED {at: datetime(), attempts: p.attempts + 1, error: refusal.error}]->(s)
  DELETE p
  RETURN count(*) AS refused
}
CALL (s) {
  WITH s WHERE $failed IS NOT NULL
  MATCH (:OutboxEvent {id: $failed.id})-[p:PENDING]->(s)
  SET p.attempts = p.attempts + 1, p.error = $failed.error, p.tried_at = datetime()
}
SET s.failures = CASE WHEN $failed IS NULL THEN 0 ELSE coalesce(s.failures, 0) + 1 END,
    s.next_at = CASE WHEN $failed IS NULL THEN null
                     ELSE datetime() + duration({milliseconds: toInteger($backoff * 1000)}) END,
    s.error = CASE WHEN $failed IS NULL THEN null ELSE $failed.error END
SET s.lease_until = CASE WHEN s.holder = $holder THEN null ELSE s.lease_until END,
    s.holder = CASE WHEN s.holder = $holder THEN null ELSE s.holder END
RETURN delivered, refused
