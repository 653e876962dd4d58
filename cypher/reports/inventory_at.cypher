// Purpose: what environment $environment ran at time $at, from the deployment history:
//          for each component, the version of the latest succeeded deployment (by finish
//          time, then id) at or before $at that included it; since when that version had
//          run there without interruption (a redeployment does not restart it) and the
//          deployment that started that; the latest deployment that touched it. No row
//          when the environment does not exist; an empty list before its first deployment.
//          One page of it ($offset, $limit: by component; $limit null for all), and the
//          number of all.
// Parameters: $environment (string), $at (ISO 8601 date-time), $offset (integer),
//             $limit (integer or null)
// Returns: environment, at, running ([{component, version, kind, owner, since,
//          deployment, last_deployed_at, last_deployment, image, digest}], as
//          inventory_now), running_count
// :param {environment: 'prod', at: '2026-10-10T00:00:00Z', offset: 0, limit: null}
MATCH (e:Environment {name: $environment})
// Times compared in UTC: Neo4j orders one instant written in two zones as unequal.
WITH e, datetime($at) AS at, datetime({datetime: datetime($at), timezone: 'Z'}) AS utc
// The environment's deployments up to $at, newest first: sorted once, as deployments
// (not once per component version they delivered, ten to a hundred times as many).
CALL (e, utc) {
  MATCH (e)<-[:TO]-(d:Deployment {status: 'succeeded'})
  WITH d, datetime({datetime: d.finished_at, timezone: 'Z'}) AS finished
  WHERE finished <= utc
  WITH d ORDER BY finished DESC, d.id DESC
  RETURN collect(d) AS history
}
// Per component, the ranks in `history` (0 = newest) of the deployments that delivered a
// version of it. The newest gives the version and the last deployment; the start of its
// uninterrupted run is the oldest arrival of that version newer than any arrival of
// another one (a redeployment does not restart it).
CALL (history) {
  UNWIND range(0, size(history) - 1) AS rank
  WITH rank, history[rank] AS d
  MATCH (d)-[:OF]->(target)-[:INCLUDES*0..1]->(cv:ComponentVersion)
  WITH cv.component AS component, collect(rank) AS ranks, collect(cv) AS versions
  WITH component, ranks, versions,
       reduce(n = 0, k IN range(1, size(ranks) - 1) |
         CASE WHEN ranks[k] < ranks[n] THEN k ELSE n END) AS newest
  WITH component, ranks, versions, ranks[newest] AS last, versions[newest] AS cv
  WITH component, ranks, versions, last, cv,
       reduce(other = size(history), k IN range(0, size(ranks) - 1) |
         CASE WHEN versions[k] <> cv AND ranks[k] < other THEN ranks[k] ELSE other END)
         AS interrupted
  WITH component, cv, last,
       reduce(first = last, k IN range(0, size(ranks) - 1) |
         CASE WHEN versions[k] = cv AND ranks[k] < interrupted AND ranks[k] > first
              THEN ranks[k] ELSE first END) AS first
  RETURN collect({component: component, version: cv, first: history[first],
                  last: history[last]}) AS arrived
}
// One page by component, before the rest is read (as inventory_now).
WITH e, at, size(arrived) AS running_count,
     COLLECT { UNWIND arrived AS a RETURN a ORDER BY a.component } AS arrived
WITH e, at, running_count,
     CASE WHEN $limit IS NULL THEN arrived[$offset..]
          ELSE arrived[$offset..($offset + $limit)] END AS page
RETURN e.name AS environment, toString(at) AS at,
  COLLECT {
    UNWIND page AS a
    WITH a.component AS component, a.version AS cv, a.first AS first, a.last AS last
    OPTIONAL MATCH (c:Component {name: component})
    RETURN {component: component, version: cv.version, kind: c.kind,
            owner: [(c)-[:OWNED_BY]->(t:Team) | t.name][0],
            since: toString(first.finished_at), deployment: first.id,
            last_deployed_at: toString(last.finished_at), last_deployment: last.id,
            image: cv.image, digest: cv.digest} AS running
    ORDER BY running.component
  } AS running,
  running_count
