// Purpose: exposure windows of the vulnerability known by $id (OSV id or alias): the
//          records it names and, for every environment, each stretch of the deployment
//          history during which it ran a component version carrying an affected package —
//          from the succeeded deployment that put that version there to the one that
//          replaced it (null: still running) — with the component's owner. Consecutive
//          stretches of one component are separate rows; the service merges them. No row
//          when no record is known by $id.
// Parameters: $id (string)
// Returns: vulnerabilities (the OSV ids $id names), windows ([{environment, stage,
//          component, version, from, until, deployment, vulnerabilities, packages, team,
//          pager}])
// :param {id: 'CVE-2021-44228'}
MATCH (:VulnerabilityAlias {id: $id})<-[:KNOWN_AS]-(v:Vulnerability)
WITH v ORDER BY v.id
WITH collect(v) AS records
WHERE size(records) > 0
CALL (records) {
  UNWIND records AS v
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
  WITH e, component, step, until, carrier, t
  ORDER BY e.name, component, step.at
  RETURN collect({environment: e.name, stage: e.stage, component: component,
                  version: step.cv.version, from: step.at, until: until,
                  deployment: step.deployment, vulnerabilities: carrier.ids,
                  packages: carrier.purls, team: t.name, pager: t.pager}) AS windows
}
RETURN [v IN records | v.id] AS vulnerabilities, windows
