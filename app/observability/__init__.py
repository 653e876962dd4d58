"""How Mercator is watched in production: Prometheus metrics, JSON log lines and
OpenTelemetry traces, each optional to the code that is watched.

This package sits just above `app.graph`: it hears of every named query through
`Graph.observers` (the graph layer knows nothing of it), and the web layer wires it into
each request (`app.observability.requests.instrument`). Metrics are prometheus-client's,
in multiprocess mode under gunicorn; logs are structlog's; traces are the OpenTelemetry
SDK's, on only when the standard `OTEL_*` variables ask for them.
"""
