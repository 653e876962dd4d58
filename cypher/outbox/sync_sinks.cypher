// Purpose: make the configured sink URLs the active sinks: each is created if new (`since`
//          says from when it receives events) and marked active; any other is marked
//          inactive (its pending deliveries wait, and go out if it is configured again).
// Parameters: $urls (list of strings)
// Returns: url, active, since, pending (deliveries waiting), delivered, refused — one row
//          per sink known
// :param {urls: ['http://127.0.0.1:9999/events']}
CALL () {
  UNWIND $urls AS url
  MERGE (s:EventSink {url: url})
    ON CREATE SET s.since = datetime(), s.failures = 0
  SET s.active = true
}
MATCH (s:EventSink)
SET s.active = s.url IN $urls
RETURN s.url AS url, s.active AS active, s.since AS since,
       COUNT { (s)<-[:PENDING]-() } AS pending,
       COUNT { (s)<-[:DELIVERED]-() } AS delivered,
       COUNT { (s)<-[:REFUSED]-() } AS refused
ORDER BY url
