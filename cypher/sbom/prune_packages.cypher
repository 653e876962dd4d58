// Purpose: delete up to $limit packages no component version contains and no SBOM named
//          for $grace_seconds (`seen_at`; a package never stamped counts as old), with
//          their dependency and vulnerability edges: what replaced SBOMs and failed
//          attaches leave. The grace spares an attach in progress, which writes its
//          packages before it publishes the SBOM that contains them. Callers repeat it
//          until it deletes fewer than $limit, so each transaction stays bounded.
// Parameters: $grace_seconds (integer), $limit (integer)
// Returns: deleted (packages deleted by this call)
// :param {grace_seconds: 3600, limit: 10000}
MATCH (p:Package)
WHERE NOT EXISTS { (:ComponentVersion)-[:CONTAINS]->(p) }
  AND coalesce(p.seen_at, datetime('1970-01-01T00:00:00Z'))
      < datetime() - duration({seconds: $grace_seconds})
WITH p LIMIT $limit
DETACH DELETE p
RETURN count(*) AS deleted
