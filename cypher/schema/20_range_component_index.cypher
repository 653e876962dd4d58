// Purpose: find every Range of a component (a new version of it gets ADMITS from each one it
//          satisfies; a blast radius of "any change" starts from all of them).
// Parameters: none
// Returns: nothing (schema change; idempotent thanks to IF NOT EXISTS)
// :param {}
CREATE INDEX range_component IF NOT EXISTS FOR (r:Range) ON (r.component)
