// Purpose: the FEEDS edges of the Ranges of the provider components $components, for the
//          schema migration that adds them to a graph whose Ranges exist already:
//          (q)-[:FEEDS {via}]->(r) when a version r ADMITS NEEDS q, `via` naming one such
//          version. Safe to run again (MERGE).
// Parameters: $components (list of provider component names: the fed Ranges' components)
// Returns: feeds (FEEDS edges there now, created or found)
// :param {components: ['currency', 'payment']}
UNWIND $components AS name
MATCH (r:Range {component: name})-[:ADMITS]->(v:ComponentVersion)-[:NEEDS]->(q:Range)
WITH q, r, min(v.version) AS via
MERGE (q)-[f:FEEDS]->(r)
  ON CREATE SET f.via = via
RETURN count(f) AS feeds
