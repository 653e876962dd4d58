// Purpose: one team with the components and applications it owns (no row if unknown).
// Parameters: $name (string)
// Returns: props, components (names), applications (names)
// :param {name: 'payments'}
MATCH (t:Team {name: $name})
RETURN t {.*} AS props,
       COLLECT { MATCH (t)<-[:OWNED_BY]-(c:Component) RETURN c.name ORDER BY c.name } AS components,
       COLLECT { MATCH (t)<-[:OWNED_BY]-(a:Application) RETURN a.name ORDER BY a.name }
         AS applications
