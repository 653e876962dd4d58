// Purpose: what environment $environment runs now: one version per component, since when
//          it has run there without interruption and the deployment that started that, and
//          the latest deployment that touched it (from its RUNS edges). No row when the
//          environment does not exist. Times come as text (ISO 8601), which Browser and
//          the driver read as fast as any string.
// Parameters: $environment (string)
// Returns: environment, stage, running ([{component, version, kind, owner, since,
//          deployment, last_deployed_at, last_deployment, image, digest}])
// :param {environment: 'prod'}
MATCH (e:Environment {name: $environment})
RETURN e.name AS environment, e.stage AS stage,
  COLLECT {
    MATCH (e)-[r:RUNS]->(cv:ComponentVersion)
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
  } AS running
