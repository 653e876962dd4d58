// Purpose: the blast radius of packages, in one statement: the component versions that
//          contain any of $purls — in their SBOM, or through a package of theirs that depends
//          on it, up to four package hops — each with the package, the one it contains (via,
//          the nearest) and its scope, a page at a time ($offset, $limit; all counted); then,
//          as for a component's blast radius, the application versions including one of
//          them (each application's latest, and every version deployed now; with
//          $all_versions every version that ever included one), counted whole and listed a
//          page at a time ($application_offset, $application_limit) by name and version, the
//          environments where one runs now, and the teams to call.
// Parameters: $purls (list of purls; the service picks them by name and range), $offset,
//             $limit (integers: the page of component versions), $application_offset,
//             $application_limit (integers: the page of application versions),
//             $all_versions (boolean: every application version, not only the latest and
//             those deployed now)
// Returns: component_version_count, truncated (more after this page),
//          component_versions ([{package, component, version, via, scope, hops}]),
//          application_count, applications_truncated (more after this page),
//          applications ([{application, version, latest, deployed_in}]),
//          environments ([{environment, stage, affected, running: [{component, version}],
//          truncated}] — per environment the number of affected versions running there and
//          the first 50 by component),
//          teams ([{team, email, chat, pager, owns}])
// :param {purls: ['pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1'], offset: 0, limit: 1000, application_offset: 0, application_limit: 1000, all_versions: false}
OPTIONAL CALL () {
  UNWIND $purls AS purl
  MATCH (target:Package {purl: purl})
  MATCH path = (holder:Package)-[:DEPENDS_ON*0..4]->(target)
  MATCH (cv:ComponentVersion)-[c:CONTAINS]->(holder)
  WITH target, cv, holder, c, length(path) AS hops
  ORDER BY hops
  WITH target, cv, head(collect({via: holder.purl, scope: c.scope, hops: hops})) AS nearest
  RETURN target, cv, nearest
}
// Sorted once at the top level, collected, then sliced.
WITH target, cv, nearest
ORDER BY target.purl, cv.component, cv.version
WITH [h IN collect({package: target.purl, component: cv.component, version: cv.version,
                    via: nearest.via, scope: nearest.scope, hops: nearest.hops, cv: cv})
      WHERE h.cv IS NOT NULL] AS holders
WITH size(holders) AS holder_count,
     [h IN holders[$offset..($offset + $limit)] |
        {package: h.package, component: h.component, version: h.version, via: h.via,
         scope: h.scope, hops: h.hops}] AS component_versions,
     holders
CALL (holders) {
  UNWIND holders AS h
  WITH DISTINCT h.cv AS cv
  RETURN collect(cv) AS versions
}
// The application versions including an affected one, counted whole and listed a page at
// a time, each with where it is deployed now (only the page's are looked up).
CALL (versions) {
  OPTIONAL CALL (versions) {
    UNWIND versions AS cv
    MATCH (cv)<-[:INCLUDES]-(av:ApplicationVersion)
    WITH DISTINCT av
    MATCH (app:Application {name: av.application})
    WITH app, av, av.version = app.latest_version AS latest
    WHERE $all_versions OR latest OR EXISTS { (:Environment)-[:DEPLOYED_NOW]->(av) }
    RETURN app, av, latest
  }
  WITH app.name AS application, av.version AS version, latest, av
  ORDER BY application, version
  RETURN [a IN collect({application: application, version: version, latest: latest, node: av})
          WHERE a.application IS NOT NULL] AS affected
}
WITH holder_count, component_versions, versions, affected, size(affected) AS application_count,
     [a IN affected[$application_offset..($application_offset + $application_limit)] |
        {application: a.application, version: a.version, latest: a.latest,
         // Deployed now: the environments whose latest succeeded deployment of the
         // application delivered this version (their DEPLOYED_NOW edges).
         deployed_in: COLLECT { WITH a.node AS av
                                MATCH (e:Environment)-[:DEPLOYED_NOW]->(av)
                                RETURN e.name ORDER BY e.name }}]
       AS applications
// Grouped per environment: how many affected versions run there, the first 50 of them
// by component.
CALL (versions) {
  OPTIONAL CALL (versions) {
    UNWIND versions AS cv
    MATCH (e:Environment)-[:RUNS]->(cv)
    WITH e, cv ORDER BY cv.component, cv.version
    WITH e, count(cv) AS affected,
         collect({component: cv.component, version: cv.version})[..50] AS running
    RETURN {environment: e.name, stage: e.stage, affected: affected, running: running,
            truncated: affected > size(running)} AS place
    ORDER BY place.environment
  }
  RETURN [p IN collect(place) WHERE p IS NOT NULL] AS environments
}
CALL (versions) {
  UNWIND versions AS cv
  WITH DISTINCT cv.component AS name
  MATCH (:Component {name: name})-[:OWNED_BY]->(t:Team)
  RETURN collect({team: t, owned: name}) AS componentOwners
}
CALL (affected) {
  UNWIND affected AS a
  WITH DISTINCT a.application AS name
  MATCH (:Application {name: name})-[:OWNED_BY]->(t:Team)
  RETURN collect({team: t, owned: name}) AS applicationOwners
}
CALL (componentOwners, applicationOwners) {
  UNWIND componentOwners + applicationOwners AS owner
  WITH owner.team AS t, collect(DISTINCT owner.owned) AS owns
  RETURN collect({team: t.name, email: t.email, chat: t.chat, pager: t.pager, owns: owns})
           AS teams
}
RETURN holder_count AS component_version_count,
       holder_count > $offset + size(component_versions) AS truncated, component_versions,
       application_count,
       application_count > $application_offset + size(applications) AS applications_truncated,
       applications, environments, teams
