// Purpose: import teams: create the new ones (keeping the document's created_at) and give
//          existing ones the contacts the document has; a null contact keeps the graph's.
// Parameters: $rows (list of {name, email, chat, pager, created_at (ISO 8601 or null = now),
//             updated_by (token name or null)})
// Returns: written (rows merged)
// :param {rows: [{name: 'payments', email: 'payments@example.com', chat: '#payments', pager: null, created_at: '2026-11-20T10:04:00Z', updated_by: 'admin'}]}
UNWIND $rows AS row
MERGE (t:Team {name: row.name})
  ON CREATE SET t.created_at = coalesce(datetime(row.created_at), datetime())
SET t.email = coalesce(row.email, t.email),
    t.chat = coalesce(row.chat, t.chat),
    t.pager = coalesce(row.pager, t.pager),
    t.updated_by = coalesce(row.updated_by, t.updated_by)
RETURN count(*) AS written
