// Purpose: create a team or update its contacts (a null contact leaves the old one).
// Parameters: $name, $email, $chat, $pager, $updated_by (strings or null)
// Returns: created (true when the team is new)
// :param {name: 'payments', email: 'payments@example.com', chat: '#payments', pager: 'payments-oncall', updated_by: 'admin'}
MERGE (t:Team {name: $name})
  ON CREATE SET t.created_at = datetime(), t._new = true
SET t.email = coalesce($email, t.email),
    t.chat = coalesce($chat, t.chat),
    t.pager = coalesce($pager, t.pager),
    t.updated_by = coalesce($updated_by, t.updated_by)
WITH t, coalesce(t._new, false) AS created
REMOVE t._new
RETURN created
