// Purpose: what environment $environment runs now: one version per component, since when
//          it has run there without interruption and the deployment that started that, and
//          the latest deployment that touched it (from its RUNS edges). No row when the
//          environment does not exist. Times come as text (ISO 8601), which Browser and
//          the driver read as fast as any string.
//          One page of it ($offset, $limit: by component; $limit null for all), and the
//          number of all.
// Parameters: $environment (string), $offset (integer), $limit (integer or null)
// Returns: environment, stage, running ([{component, version, kind, owner, since,
//          deployment, last_deployed_at, last_deployment, image, digest}]), running_count
// :param {environment: 'prod', offset: 0, limit: null}
MATCH (e:Environment {name: $environment})
// Sorted by component before the rest is read: the page's rows only are projected (on the
// large benchmark catalog's largest environment, 4,907 rows cost 0.22 million db hits,
// three quarters of them projecting).
CALL (e) {
  MATCH (e)-[r:RUNS]->(cv:ComponentVersion)
  WITH r, cv ORDER BY cv.component
  WITH collect({r: r, cv: cv}) AS runs
  RETURN size(runs) AS running_count,
         CASE WHEN $limit IS NULL THEN runs[$offset..]
              ELSE runs[$offset..($offset + $limit)] END AS page
}
RETURN e.name AS environment, e.stage AS stage,
  COLLECT {
    UNWIND page AS run
    WITH run.r AS r, run.cv AS cv
    // Its component by the name index: expanding HAS_VERSION back from a version walks
    // its every relationship (CONTAINS, INCLUDES, ...), several times the reads.
    MATCH (c:Component {name: cv.component})
    RETURN {component: c.name, version: cv.version, kind: c.kind,
            owner: [(c)-[:OWNED_BY]->(t:Team) | t.name][0], since: toString(r.since),
            deployment: r.deployment,
            last_deployed_at: toString(coalesce(r.last_deployed_at, r.since)),
            last_deployment: coalesce(r.last_deployment, r.deployment),
            image: cv.image, digest: cv.digest} AS running
    ORDER BY running.component
  } AS running,
  running_count
