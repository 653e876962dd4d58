// Purpose: the VEX statements about the vulnerability known by $id and every other name
//          its records go by (a statement about the CVE counts for its GHSA record), newest
//          first for each subject, optionally only those about component $component.
// Parameters: $id (string), $component (string or null)
// Returns: vulnerability, component, version, package, environment, status, justification,
//          detail, at, source, actor, recorded_at
// :param {id: 'CVE-2021-44228', component: null}
MATCH (named:VulnerabilityAlias {id: $id})
WITH [named] + COLLECT {
       MATCH (named)<-[:KNOWN_AS]-(:Vulnerability)-[:KNOWN_AS]->(other:VulnerabilityAlias)
       WHERE other <> named
       RETURN DISTINCT other
     } AS names
UNWIND names AS name
MATCH (name)<-[:ABOUT]-(s:VexStatement)
WHERE $component IS NULL OR s.component = $component
WITH DISTINCT s
RETURN s.vulnerability AS vulnerability, s.component AS component, s.version AS version,
       s.package AS package, s.environment AS environment, s.status AS status,
       s.justification AS justification, s.detail AS detail, s.at AS at,
       s.source AS source, s.actor AS actor, s.recorded_at AS recorded_at
ORDER BY component, version, package, environment, at DESC, recorded_at DESC
