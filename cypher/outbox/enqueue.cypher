// Purpose: put CDEvents into the outbox, in the transaction of the fact they tell of: one
//          OutboxEvent each (in the order given) with a PENDING delivery to every active
//          sink. Without an active sink nothing is written.
// Parameters: $events (list of {id, type, subject, body (the structured CloudEvent, JSON
//             text)})
// Returns: written (events written)
// :param {events: [{id: 'a8c1e3e2-0000-4000-8000-000000000001', type: 'dev.cdevents.service.deployed.0.3.0', subject: 'payment', body: '{}'}]}
OPTIONAL MATCH (s:EventSink {active: true})
WITH collect(s) AS sinks
CALL (sinks) {
  WITH sinks WHERE size(sinks) > 0
  UNWIND range(0, size($events) - 1) AS position
  WITH sinks, position, $events[position] AS event
  CREATE (e:OutboxEvent {id: event.id, type: event.type, subject: event.subject,
                         body: event.body, created_at: datetime(), position: position})
  WITH e, sinks
  UNWIND sinks AS sink
  CREATE (e)-[:PENDING {attempts: 0}]->(sink)
  RETURN count(DISTINCT e) AS created
}
RETURN sum(created) AS written
