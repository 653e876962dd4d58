// Purpose: one EventSink node per sink URL (MERCATOR_EVENT_SINKS): dispatchers of every
//          process share its lease and backoff.
// Parameters: none
// Returns: nothing (schema change; idempotent thanks to IF NOT EXISTS)
// :param {}
CREATE CONSTRAINT event_sink_url_unique IF NOT EXISTS FOR (s:EventSink) REQUIRE s.url IS UNIQUE
