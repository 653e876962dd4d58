// Purpose: exposure windows of the vulnerability known by $id (OSV id or alias): for
//          every environment, each stretch of the deployment history during which it ran
//          a component version carrying an affected package — from the succeeded deployment
//          that put that version there to the one that replaced it (null: still running) —
//          with the component's owner. Consecutive stretches of one component are separate
//          rows; the service merges them.
// Parameters: $id (string)
// Returns: environment, stage, component, version, from, until, deployment, vulnerabilities,
//          packages, team, pager
// :param {id: 'CVE-2021-44228'}
MATCH (:VulnerabilityAlias {id: $id})<-[:KNOWN_AS]-(v:Vulnerability)
MATCH (v)-[:AFFECTS]->(p:Package)<-[:CONTAINS]-(bad:ComponentVersion)
WITH bad, collect(DISTINCT v.id) AS ids, collect(DISTINCT p.purl) AS purls
WITH collect({cv: bad, ids: ids, purls: purls}) AS carriers
WITH carriers, [c IN carriers | c.cv] AS bads,
     collect { UNWIND carriers AS c RETURN DISTINCT c.cv.component } AS components
MATCH (e:Environment)<-[:TO]-(d:Deployment {status: 'succeeded'})-[:OF]->(target)
      -[:INCLUDES*0..1]->(cv:ComponentVersion)
WHERE cv.component IN components
WITH carriers, bads, e, cv, d
ORDER BY d.finished_at, d.id
WITH carriers, bads, e, cv.component AS component,
     collect({cv: cv, at: d.finished_at, deployment: d.id}) AS history
UNWIND range(0, size(history) - 1) AS i
WITH carriers, bads, e, component, history[i] AS step,
     CASE WHEN i + 1 < size(history) THEN history[i + 1].at END AS until
WHERE step.cv IN bads
WITH e, component, step, until,
     head([c IN carriers WHERE c.cv = step.cv]) AS carrier
MATCH (owner:Component {name: component})
OPTIONAL MATCH (owner)-[:OWNED_BY]->(t:Team)
RETURN e.name AS environment, e.stage AS stage, component, step.cv.version AS version,
       step.at AS from, until, step.deployment AS deployment, carrier.ids AS vulnerabilities,
       carrier.purls AS packages, t.name AS team, t.pager AS pager
ORDER BY environment, component, from
