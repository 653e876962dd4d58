"""CDEvents out: what Mercator records and deploys, written to an outbox in Neo4j in the
same transaction as the fact, and delivered from there to the configured sinks."""
