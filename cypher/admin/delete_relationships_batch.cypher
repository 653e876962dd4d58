// Purpose: delete up to $limit relationships of the catalog; callers repeat it until it
//          reports 0, then delete the nodes (admin/delete_catalog_batch). Relationships
//          first keeps each transaction small even around nodes with huge degrees (a
//          package in every SBOM), which DETACH DELETE would take all at once.
// Parameters: $limit (integer)
// Returns: deleted (number of relationships deleted by this call)
// :param {limit: 10000}
MATCH ()-[r]->()
WITH r LIMIT $limit
DELETE r
RETURN count(*) AS deleted
