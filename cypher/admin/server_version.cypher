// Purpose: name, version and edition of the Neo4j server Mercator talks to.
// Parameters: none
// Returns: name, version, edition
// :param {}
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions[0] AS version, edition
