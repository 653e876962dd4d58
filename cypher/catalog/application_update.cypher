// Purpose: set an application's description and owner team (created if new); a null
//          parameter leaves that detail as it is. The application must exist (locked).
// Parameters: $name, $description, $owner (strings or null)
// Returns: name
// :param {name: 'shop', description: 'The online shop', owner: 'storefront'}
MATCH (a:Application {name: $name})
SET a.description = coalesce($description, a.description)
WITH a
CALL (a) {
  WITH a WHERE $owner IS NOT NULL
  MERGE (t:Team {name: $owner})
    ON CREATE SET t.created_at = datetime()
  WITH a, t
  OPTIONAL MATCH (a)-[old:OWNED_BY]->(other:Team) WHERE other <> t
  DELETE old
  MERGE (a)-[:OWNED_BY]->(t)
}
RETURN a.name AS name
