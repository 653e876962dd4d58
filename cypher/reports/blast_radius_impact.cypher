// Purpose: what a set of affected component versions reaches beyond its consumers: the
//          application versions that include one of them (each application's latest, and
//          every version deployed now — where the latest succeeded deployment of that
//          application to an environment was of it), the environments where one runs now,
//          and the teams that own the affected components and applications, with contacts.
// Parameters: $affected (list of {component, version}; a null version stands for every
//             version of that component)
// Returns: applications ([{application, version, latest, deployed_in}]),
//          environments ([{environment, stage, component, version}]),
//          teams ([{team, email, chat, pager, owns}])
// :param {affected: [{component: 'payment', version: '1.5.0'}, {component: 'checkout', version: '5.0.0'}]}
// A named version is one seek of the (component, version) key — not a walk over all of its
// component's versions, which a hub's thousands of affected versions would multiply.
CALL () {
  UNWIND $affected AS a
  MATCH (cv:ComponentVersion {component: a.component, version: a.version})
  RETURN collect(cv) AS named
}
CALL () {
  UNWIND [a IN $affected WHERE a.version IS NULL | a.component] AS name
  MATCH (:Component {name: name})-[:HAS_VERSION]->(cv:ComponentVersion)
  RETURN collect(cv) AS every
}
WITH named + every AS versions
CALL (versions) {
  OPTIONAL CALL (versions) {
    UNWIND versions AS cv
    MATCH (cv)<-[:INCLUDES]-(av:ApplicationVersion)
    WITH DISTINCT av
    MATCH (app:Application {name: av.application})
    RETURN app, collect(av) AS including
  }
  // Per application (once, however many of its versions are affected): the version each
  // environment got from its latest succeeded deployment of that application.
  CALL (app) {
    MATCH (app)-[:HAS_VERSION]->(x:ApplicationVersion)<-[:OF]-(dep:Deployment)-[:TO]->
          (e:Environment)
    WHERE dep.status = 'succeeded'
    WITH e, x, dep ORDER BY dep.finished_at DESC
    WITH e, head(collect(x)) AS current
    RETURN collect({environment: e.name, version: current.version}) AS deployedNow
  }
  UNWIND coalesce(including, []) AS av
  WITH app, av, [d IN deployedNow WHERE d.version = av.version | d.environment] AS deployedIn
  WHERE av.version = app.latest_version OR size(deployedIn) > 0
  RETURN collect({application: app.name, version: av.version,
                  latest: av.version = app.latest_version, deployed_in: deployedIn})
           AS applications
}
CALL (versions) {
  UNWIND versions AS cv
  MATCH (e:Environment)-[:RUNS]->(cv)
  RETURN collect({environment: e.name, stage: e.stage, component: cv.component,
                  version: cv.version}) AS environments
}
CALL (versions) {
  UNWIND versions AS cv
  WITH DISTINCT cv.component AS name
  MATCH (:Component {name: name})-[:OWNED_BY]->(t:Team)
  RETURN collect({team: t, owned: name}) AS componentOwners
}
CALL (applications) {
  UNWIND applications AS a
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
RETURN applications, environments, teams
