// Purpose: whether environment $name exists, and whether it was retired. No row when it
//          does not exist.
// Parameters: $name (string)
// Returns: name, retired_at
// :param {name: 'prod'}
MATCH (e:Environment {name: $name})
RETURN e.name AS name, e.retired_at AS retired_at
