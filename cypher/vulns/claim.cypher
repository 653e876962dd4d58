// Purpose: before storing OSV records, find or create their Vulnerability nodes and lock
//          them (so two imports of one record take turns), returning the `modified` time
//          each holds (null for a new one).
// Parameters: $ids (list of OSV ids)
// Returns: id, modified
// :param {ids: ['GHSA-jfh8-c2jp-5v3q']}
UNWIND $ids AS id
MERGE (v:Vulnerability {id: id})
SET v.id = id
RETURN id, v.modified AS modified
