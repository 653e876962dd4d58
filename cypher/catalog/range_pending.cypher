// Purpose: of the Ranges $ranges, those still `pending` (created by this transaction, their
//          ADMITS not written yet): lock each one's provider component (as its registrations
//          do, so a version registered at the same moment is either seen here or sees the
//          Range) and list the provider's versions, which the caller tests against the range
//          before writing ADMITS (catalog/range_admit).
// Parameters: $ranges (list of {component, range ('' = no range)}, sorted: locks in one order)
// Returns: component, range, versions (every version string of the provider)
// :param {ranges: [{component: 'currency', range: '>=2.0.0 <3.0.0'}]}
UNWIND $ranges AS item
MATCH (r:Range {component: item.component, range: item.range})
WHERE r.pending
MATCH (c:Component {name: r.component})
SET c._lock = true
REMOVE c._lock
RETURN r.component AS component, r.range AS range,
       COLLECT { MATCH (c)-[:HAS_VERSION]->(v:ComponentVersion) RETURN v.version } AS versions
