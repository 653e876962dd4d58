// Purpose: what deployment $id put in place in its environment: each component version it
//          deployed (to), with the version the environment ran just before the deployment
//          started, or was queued if it has not started (from; null where the component
//          was not there). That is the inventory's rule at that time: the version of the
//          latest succeeded deployment there (by finish time, then id) finished by then
//          that included the component, this deployment left out. Only the deployment's
//          own components are looked up, not the environment's whole history.
// Parameters: $id (string)
// Returns: component, from, to — one row per component deployed, by component (none if
//          the deployment is unknown)
// :param {id: 'demo-7'}
MATCH (d:Deployment {id: $id})-[:TO]->(e:Environment)
// Times compared in UTC: Neo4j orders one instant written in two zones as unequal.
WITH d, e, datetime({datetime: coalesce(d.started_at, d.queued_at), timezone: 'Z'}) AS began
MATCH (d)-[:OF]->()-[:INCLUDES*0..1]->(cv:ComponentVersion)<-[:HAS_VERSION]-(c:Component)
WITH DISTINCT d, e, began, cv, c
OPTIONAL CALL (d, e, began, c) {
  // Its deployments to the environment first (an inner CALL keeps the planner from reading
  // each deployment's status and time before it knows the deployment went there).
  CALL (e, c) {
    MATCH (c)-[:HAS_VERSION]->(before:ComponentVersion)<-[:INCLUDES*0..1]-()
          <-[:OF]-(p)-[:TO]->(e)
    RETURN before, p
  }
  // Only a succeeded one moved anything (and has finished: a queued one has no time).
  WITH before, p, CASE WHEN p.status = 'succeeded' AND p <> d
                       THEN datetime({datetime: p.finished_at, timezone: 'Z'}) END AS finished
  WHERE finished <= began
  RETURN before.version AS from ORDER BY finished DESC, p.id DESC LIMIT 1
}
RETURN c.name AS component, from, cv.version AS to
ORDER BY component
