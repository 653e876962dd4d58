// Purpose: import applications: create the new ones (keeping the document's created_at),
//          give existing ones the description the document has (null keeps the graph's) and
//          make the named team (already imported) the owner. Versions come separately.
// Parameters: $rows (list of {name, owner, description, created_at (ISO 8601 or null = now)})
// Returns: written (rows merged)
// :param {rows: [{name: 'shop', owner: 'storefront', description: 'The online shop', created_at: '2026-11-20T10:04:00Z'}]}
UNWIND $rows AS row
MERGE (a:Application {name: row.name})
  ON CREATE SET a.created_at = coalesce(datetime(row.created_at), datetime())
SET a.description = coalesce(row.description, a.description)
WITH a, row
CALL (a, row) {
  WITH a, row WHERE row.owner IS NOT NULL
  MATCH (t:Team {name: row.owner})
  OPTIONAL MATCH (a)-[old:OWNED_BY]->(other:Team) WHERE other <> t
  DELETE old
  MERGE (a)-[:OWNED_BY]->(t)
}
RETURN count(*) AS written
