// Purpose: what environment $environment runs now: one version per component, since when
//          and by which deployment (from its RUNS edges). No row when the environment
//          does not exist.
// Parameters: $environment (string)
// Returns: environment, stage, running ([{component, version, kind, owner, since,
//          deployment, image, digest}])
// :param {environment: 'prod'}
MATCH (e:Environment {name: $environment})
RETURN e.name AS environment, e.stage AS stage,
  COLLECT {
    MATCH (e)-[r:RUNS]->(cv:ComponentVersion)<-[:HAS_VERSION]-(c:Component)
    RETURN {component: c.name, version: cv.version, kind: c.kind,
            owner: [(c)-[:OWNED_BY]->(t:Team) | t.name][0], since: r.since,
            deployment: r.deployment, image: cv.image, digest: cv.digest} AS running
    ORDER BY running.component
  } AS running
