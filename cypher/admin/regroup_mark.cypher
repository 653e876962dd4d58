// Purpose: the schema migration to relationships grouped by type (version 12), a batch at
//          a time: up to $limit nodes with more than $threshold relationships, not marked
//          yet, each get a relationship to this batch's mark (a new :Regroup node). Neo4j
//          groups a node's relationships by type only when one is added past its
//          db.relationship_grouping_threshold, so a graph written under a higher one stays
//          ungrouped until then; a relationship created and deleted in one transaction never
//          reaches the store, so `admin/regroup_clear` deletes the marks afterwards, in
//          transactions of their own. Callers repeat it until it marks fewer than $limit.
// Parameters: $threshold (integer), $limit (integer)
// Returns: marked (nodes marked by this call)
// :param {threshold: 10, limit: 10000}
CREATE (mark:Regroup)
WITH mark
MATCH (n)
WHERE NOT n:Regroup AND NOT EXISTS { (n)-[:REGROUPS]->(:Regroup) }
  AND COUNT { (n)--() } > $threshold
WITH mark, n LIMIT $limit
CREATE (n)-[:REGROUPS]->(mark)
RETURN count(n) AS marked
