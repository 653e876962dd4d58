// Purpose: find or create each application in $names and take their write locks in list
//          order (callers sort the names, so concurrent transactions lock in one order),
//          then read each one's latest version and its component versions. Read after the
//          lock, the latest version cannot move until this transaction ends: no lost update.
// Parameters: $names (list of strings, sorted)
// Returns: name, latest_version, components ([{component, version}] of the latest version)
// :param {names: ['shop']}
UNWIND $names AS name
MERGE (a:Application {name: name})
  ON CREATE SET a.created_at = datetime()
SET a._lock = true
REMOVE a._lock
WITH a
OPTIONAL MATCH (a)-[:HAS_VERSION]->(latest:ApplicationVersion {version: a.latest_version})
RETURN a.name AS name, a.latest_version AS latest_version,
       [(latest)-[:INCLUDES]->(cv:ComponentVersion) | {component: cv.component, version: cv.version}]
         AS components
