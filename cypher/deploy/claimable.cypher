// Purpose: the deployments a worker may start now: each environment's oldest queued
//          deployment, where nothing runs yet, oldest first.
// Parameters: $limit (integer)
// Returns: id
// :param {limit: 10}
MATCH (d:Deployment {status: 'queued'})-[:TO]->(e:Environment)
WHERE NOT EXISTS { (e)<-[:TO]-(:Deployment {status: 'running'}) }
  AND NOT EXISTS {
    MATCH (e)<-[:TO]-(o:Deployment {status: 'queued'})
    WHERE o.queued_at < d.queued_at OR (o.queued_at = d.queued_at AND o.id < d.id)
  }
RETURN d.id AS id
ORDER BY d.queued_at, d.id
LIMIT $limit
