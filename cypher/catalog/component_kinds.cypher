// Purpose: the kind of each named component (for colouring maps whose report does not
//          carry it, such as the blast radius); unknown names give no row.
// Parameters: $names (list of component names)
// Returns: name, kind
// :param {names: ['payment', 'checkout']}
UNWIND $names AS name
MATCH (c:Component {name: name})
RETURN c.name AS name, c.kind AS kind
