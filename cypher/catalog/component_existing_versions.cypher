// Purpose: which of the given component versions exist (to name the missing ones).
// Parameters: $members (list of {component, version})
// Returns: component, version (one row per existing member)
// :param {members: [{component: 'payment', version: '1.4.2'}, {component: 'cart', version: '9.9.9'}]}
UNWIND $members AS member
MATCH (v:ComponentVersion {component: member.component, version: member.version})
RETURN v.component AS component, v.version AS version
