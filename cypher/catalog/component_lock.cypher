// Purpose: find or create the component $name and take its write lock for the rest of the
//          transaction, so registrations of one component run one after another and its
//          PREVIOUS chain stays in registration order. The SET/REMOVE pair locks the node
//          without changing it.
// Parameters: $name (string)
// Returns: name, kind, description, repository_url, latest_version, owner
// :param {name: 'payment'}
MERGE (c:Component {name: $name})
  ON CREATE SET c.created_at = datetime()
SET c._lock = true
REMOVE c._lock
RETURN c.name AS name, c.kind AS kind, c.description AS description,
       c.repository_url AS repository_url, c.latest_version AS latest_version,
       [(c)-[:OWNED_BY]->(t:Team) | t.name][0] AS owner
