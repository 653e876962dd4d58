// Purpose: after a succeeded deployment, make environment $environment run the given
//          component versions: each replaces the RUNS edge to another version of the same
//          component, unless that edge comes from a deployment that finished later (a
//          deployment recorded late does not roll the inventory back).
// Parameters: $environment, $deployment (id), $since (ISO 8601), $components (list of
//             {component, version})
// Returns: component, version, replaced (the version it replaced, or null)
// :param {environment: 'prod', deployment: 'd-1', since: '2026-11-20T10:04:00Z', components: [{component: 'payment', version: '1.4.2'}]}
MATCH (e:Environment {name: $environment})
UNWIND $components AS member
MATCH (c:Component {name: member.component})-[:HAS_VERSION]->
      (cv:ComponentVersion {version: member.version})
// From the component's few versions, not the environment's many RUNS edges.
OPTIONAL MATCH (c)-[:HAS_VERSION]->(current:ComponentVersion)<-[old:RUNS]-(e)
WITH e, cv, old, current
WHERE old IS NULL OR old.since <= datetime($since)
DELETE old
MERGE (e)-[r:RUNS]->(cv)
SET r.since = datetime($since), r.deployment = $deployment
RETURN cv.component AS component, cv.version AS version,
       CASE WHEN current IS NULL OR current = cv THEN null ELSE current.version END AS replaced
