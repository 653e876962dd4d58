// Purpose: create an environment or update its details (a null detail leaves the old one).
// Parameters: $name, $stage, $cluster, $namespace, $engine, $description, $updated_by
//             (strings or null)
// Returns: created (true when the environment is new)
// :param {name: 'prod', stage: 'prod', cluster: 'eu-west-1', namespace: 'shop', engine: 'helm', description: 'Production', updated_by: 'admin'}
MERGE (e:Environment {name: $name})
  ON CREATE SET e.created_at = datetime(), e._new = true
SET e.stage = coalesce($stage, e.stage),
    e.cluster = coalesce($cluster, e.cluster),
    e.namespace = coalesce($namespace, e.namespace),
    e.engine = coalesce($engine, e.engine),
    e.description = coalesce($description, e.description),
    e.updated_by = coalesce($updated_by, e.updated_by)
WITH e, coalesce(e._new, false) AS created
REMOVE e._new
RETURN created
