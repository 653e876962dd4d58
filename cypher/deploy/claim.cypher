// Purpose: claim queued deployment $id for worker $worker, atomically: the environment's
//          and the deployment's write locks are taken first, then the statement checks —
//          against committed state — that it is still queued, first in its environment's
//          queue and that nothing runs there. Two workers racing: one gets the row, the
//          other none. The deployment takes the engine the environment has now.
// Parameters: $id (string), $worker (string)
// Returns: id (no row when the deployment was not claimed)
// :param {id: 'demo-10', worker: 'host-1234-0'}
MATCH (d:Deployment {id: $id})-[:TO]->(e:Environment)
SET e._lock = true, d._lock = true
REMOVE e._lock, d._lock
WITH d, e
WHERE d.status = 'queued'
  AND NOT EXISTS { (e)<-[:TO]-(:Deployment {status: 'running'}) }
  AND NOT EXISTS {
    MATCH (e)<-[:TO]-(o:Deployment {status: 'queued'})
    WHERE o.queued_at < d.queued_at OR (o.queued_at = d.queued_at AND o.id < d.id)
  }
SET d.status = 'running', d.worker = $worker, d.started_at = datetime(),
    d.heartbeat_at = datetime(), d.engine = e.engine
RETURN d.id AS id
