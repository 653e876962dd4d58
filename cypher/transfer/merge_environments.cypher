// Purpose: import environments: create the new ones (keeping the document's created_at) and
//          give existing ones the details the document has; a null detail keeps the graph's.
// Parameters: $rows (list of {name, stage, cluster, namespace, engine, description,
//             created_at (ISO 8601 or null = now), updated_by (token name or null),
//             retired_at (ISO 8601 or null)})
// Returns: written (rows merged)
// :param {rows: [{name: 'prod', stage: 'prod', cluster: 'eu-west-1', namespace: 'shop', engine: 'helm', description: 'Production', created_at: '2026-11-20T10:04:00Z', updated_by: 'admin', retired_at: null}]}
UNWIND $rows AS row
MERGE (e:Environment {name: row.name})
  ON CREATE SET e.created_at = coalesce(datetime(row.created_at), datetime())
SET e.stage = coalesce(row.stage, e.stage),
    e.cluster = coalesce(row.cluster, e.cluster),
    e.namespace = coalesce(row.namespace, e.namespace),
    e.engine = coalesce(row.engine, e.engine),
    e.description = coalesce(row.description, e.description),
    e.updated_by = coalesce(row.updated_by, e.updated_by),
    e.retired_at = coalesce(datetime(row.retired_at), e.retired_at)
RETURN count(*) AS written
