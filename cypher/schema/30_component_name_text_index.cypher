// Purpose: find components by any part of their name (the web catalog's search box) with an index seek.
// Parameters: none
// Returns: nothing (schema change; idempotent thanks to IF NOT EXISTS)
// :param {}
CREATE TEXT INDEX component_name_text IF NOT EXISTS FOR (c:Component) ON (c.name)
