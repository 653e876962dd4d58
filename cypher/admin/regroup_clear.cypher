// Purpose: after `admin/regroup_mark`, delete one of its marks (a :Regroup node, with its
//          relationships: at most one batch's); callers repeat it until it deletes none.
// Parameters: none
// Returns: deleted (marks deleted by this call: 0 or 1)
// :param {}
MATCH (mark:Regroup)
WITH mark LIMIT 1
DETACH DELETE mark
RETURN count(*) AS deleted
