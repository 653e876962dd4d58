// Purpose: find or create each application in $names, and every application that has ever
//          included a version of component $including (when given), and take their write
//          locks in name order (so concurrent transactions lock in one order), then read
//          each one's owner, latest version and its component versions. Read after the lock, the
//          latest version cannot move until this transaction ends: no lost update. "Ever
//          included" is a superset of "its latest version holds it now" that cannot change
//          under a concurrent transaction (versions are never edited), so it is safe to
//          read before the locks; the caller checks each latest version.
// Parameters: $names (list of strings), $including (component name or null)
// Returns: name, owner (its team or null), latest_version, components ([{component,
//          version}] of the latest version)
// :param {names: ['shop'], including: 'payment'}
CALL () {
  UNWIND $names + COLLECT {
    MATCH (:Component {name: $including})-[:HAS_VERSION]->(:ComponentVersion)
          <-[:INCLUDES]-(av:ApplicationVersion)
    RETURN DISTINCT av.application
  } AS name
  RETURN DISTINCT name
  ORDER BY name
}
MERGE (a:Application {name: name})
  ON CREATE SET a.created_at = datetime()
SET a._lock = true
REMOVE a._lock
WITH a
OPTIONAL MATCH (a)-[:HAS_VERSION]->(latest:ApplicationVersion {version: a.latest_version})
RETURN a.name AS name, [(a)-[:OWNED_BY]->(t:Team) | t.name][0] AS owner,
       a.latest_version AS latest_version,
       [(latest)-[:INCLUDES]->(cv:ComponentVersion) | {component: cv.component, version: cv.version}]
         AS components
