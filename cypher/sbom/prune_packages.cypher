// Purpose: of the next $limit packages after $after (by purl, the unique key every package
//          is merged on), delete those no component version contains and no SBOM named
//          for $grace_seconds (`seen_at`; a package never stamped counts as old), with
//          their dependency and vulnerability edges: what replaced SBOMs and failed
//          attaches leave. The grace spares an attach in progress, which writes its
//          packages before it publishes the SBOM that contains them. Callers go on from
//          `last` until a call scans fewer than $limit: each transaction stays bounded,
//          and each package is read once in all (a scan from the start each time would
//          read the kept packages again on every call).
// Parameters: $after (string: the last purl of the previous call, '' for the first),
//             $grace_seconds (integer), $limit (integer)
// Returns: scanned (packages read), deleted (of those, deleted), last (the last purl read,
//          null when none)
// :param {after: '', grace_seconds: 3600, limit: 10000}
MATCH (p:Package)
WHERE p.purl > $after
WITH p ORDER BY p.purl LIMIT $limit
WITH collect(p) AS batch, collect(p.purl) AS purls
CALL (batch) {
  UNWIND batch AS p
  WITH p
  WHERE NOT EXISTS { (:ComponentVersion)-[:CONTAINS]->(p) }
    AND coalesce(p.seen_at, datetime('1970-01-01T00:00:00Z'))
        < datetime() - duration({seconds: $grace_seconds})
  DETACH DELETE p
  RETURN count(*) AS deleted
}
RETURN size(batch) AS scanned, deleted, last(purls) AS last
