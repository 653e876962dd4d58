// Purpose: lock the components $components (in the order given: sort them) and return the
//          Ranges declared on them by any consumer, so new versions of them get ADMITS from
//          each Range they satisfy (the import's batches; a registration holds its
//          component's lock already and reads them as it creates the version).
// Parameters: $components (list of component names)
// Returns: component, ranges (range texts, '' = the Range of dependencies without a range)
// :param {components: ['currency']}
UNWIND $components AS name
MATCH (c:Component {name: name})
SET c._lock = true
REMOVE c._lock
RETURN c.name AS component,
       COLLECT { MATCH (r:Range {component: c.name}) RETURN r.range } AS ranges
