// Purpose: every index and constraint-backed index in the database, for `mercator db status`.
// Parameters: none
// Returns: name, type, entity (label or relationship type), properties, state, constraint
// :param {}
SHOW INDEXES
YIELD name, type, labelsOrTypes, properties, state, owningConstraint
RETURN name, type, labelsOrTypes[0] AS entity, properties, state, owningConstraint AS constraint
ORDER BY name
