// Purpose: set a component's details (kind, description, repository URL) and owner team,
//          creating the team if new. A null parameter leaves that detail as it is.
// Parameters: $name, $kind, $description, $repository_url, $owner (strings or null)
// Returns: name
// :param {name: 'payment', kind: 'service', description: 'Takes payments', repository_url: 'https://git.example.com/shop/payment', owner: 'payments'}
MATCH (c:Component {name: $name})
SET c.kind = coalesce($kind, c.kind),
    c.description = coalesce($description, c.description),
    c.repository_url = coalesce($repository_url, c.repository_url),
    c.updated_at = datetime()
WITH c
CALL (c) {
  WITH c WHERE $owner IS NOT NULL
  MERGE (t:Team {name: $owner})
    ON CREATE SET t.created_at = datetime()
  WITH c, t
  OPTIONAL MATCH (c)-[old:OWNED_BY]->(other:Team) WHERE other <> t
  DELETE old
  MERGE (c)-[:OWNED_BY]->(t)
}
RETURN c.name AS name
