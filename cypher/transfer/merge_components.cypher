// Purpose: import components: create the new ones (keeping the document's created_at), give
//          existing ones the details the document has (a null detail keeps the graph's) and
//          make the named team (already imported) the owner. Versions come separately.
// Parameters: $rows (list of {name, kind, owner, description, repository_url,
//             created_at (ISO 8601 or null = now)})
// Returns: written (rows merged)
// :param {rows: [{name: 'payment', kind: 'service', owner: 'payments', description: 'Takes payments', repository_url: 'https://git.example.com/shop/payment', created_at: '2026-11-20T10:04:00Z'}]}
UNWIND $rows AS row
MERGE (c:Component {name: row.name})
  ON CREATE SET c.created_at = coalesce(datetime(row.created_at), datetime())
SET c.kind = coalesce(row.kind, c.kind),
    c.description = coalesce(row.description, c.description),
    c.repository_url = coalesce(row.repository_url, c.repository_url)
WITH c, row
CALL (c, row) {
  WITH c, row WHERE row.owner IS NOT NULL
  MATCH (t:Team {name: row.owner})
  OPTIONAL MATCH (c)-[old:OWNED_BY]->(other:Team) WHERE other <> t
  DELETE old
  MERGE (c)-[:OWNED_BY]->(t)
}
RETURN count(*) AS written
