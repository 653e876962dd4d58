// Purpose: blast radius of component $component (at version $version, or of any change of
//          it when $version is null): every component version that depends on it,
//          transitively up to $depth hops, with its distance and one shortest path — a
//          consumer whose DEPENDS_ON range excludes the version below it is not affected;
//          the application versions that include an affected version (each application's
//          latest, and every version deployed now); the environments where an affected
//          version runs now; and the teams to notify, with their contacts.
// Parameters: $component (string), $version (string or null), $depth (1..10),
//             $limit (most consumers listed)
// Returns: component, version, consumers ([{component, version, distance, path, latest}]),
//          consumer_count, applications ([{application, version, latest, deployed_in}]),
//          environments ([{environment, stage, component, version}]),
//          teams ([{team, email, chat, pager, owns}])
// :param {component: 'currency', version: '2.3.0', depth: 5, limit: 1000}
MATCH (target:Component {name: $component})
OPTIONAL MATCH (target)-[:HAS_VERSION]->(changed:ComponentVersion {version: $version})
WITH target, changed.version_key AS changedKey
// A version key sorts like the version; a range is kept on DEPENDS_ON as intervals of keys
// (range_low/high[_inclusive]), so "does the range admit this version" is a comparison.
OPTIONAL MATCH path = ANY SHORTEST
  (target)<-[first:DEPENDS_ON WHERE $version IS NULL OR first.range_low IS NULL OR
    (changedKey IS NOT NULL AND any(i IN range(0, size(first.range_low) - 1) WHERE
        (changedKey > first.range_low[i]
          OR (first.range_low_inclusive[i] AND changedKey = first.range_low[i]))
        AND (changedKey < first.range_high[i]
          OR (first.range_high_inclusive[i] AND changedKey = first.range_high[i]))))]-
  (:ComponentVersion)
  ((below:ComponentVersion)<-[:HAS_VERSION]-(:Component)<-[d:DEPENDS_ON]-(:ComponentVersion)
    WHERE d.range_low IS NULL OR (below.version_key IS NOT NULL AND any(
      i IN range(0, size(d.range_low) - 1) WHERE
        (below.version_key > d.range_low[i]
          OR (d.range_low_inclusive[i] AND below.version_key = d.range_low[i]))
        AND (below.version_key < d.range_high[i]
          OR (d.range_high_inclusive[i] AND below.version_key = d.range_high[i]))))){0,9}
  (consumer:ComponentVersion)
WITH target, consumer, path, (length(path) + 1) / 2 AS distance
WHERE consumer IS NULL OR (distance <= $depth AND consumer.component <> target.name)
WITH target, consumer, distance,
     [n IN nodes(path) WHERE n:ComponentVersion | n.component + '@' + n.version] AS via
ORDER BY distance, consumer.component, consumer.seq DESC
WITH target, [c IN collect(CASE WHEN consumer IS NULL THEN null ELSE {
       component: consumer.component, version: consumer.version, distance: distance,
       path: [target.name] + via,
       latest: consumer.version = [(consumer)<-[:HAS_VERSION]-(owner) | owner.latest_version][0]
     } END) | c] AS consumers, collect(consumer) AS consumerNodes
// The affected versions: the changed one (every version when none is named) and consumers.
WITH target, consumers,
     consumerNodes + COLLECT {
       MATCH (target)-[:HAS_VERSION]->(own:ComponentVersion)
       WHERE $version IS NULL OR own.version = $version
       RETURN own
     } AS affected
CALL (affected) {
  UNWIND affected AS cv
  MATCH (cv)<-[:INCLUDES]-(av:ApplicationVersion)
  MATCH (app:Application {name: av.application})
  WITH DISTINCT app, av
  // Where each application version is deployed now: the environments whose latest
  // succeeded deployment of that application was of this version.
  OPTIONAL CALL (app, av) {
    MATCH (e:Environment)<-[:TO]-(dep:Deployment {status: 'succeeded'})-[:OF]->
          (any:ApplicationVersion {application: app.name})
    WITH e, dep, any ORDER BY dep.finished_at DESC
    WITH e, head(collect(any)) AS current
    WHERE current = av
    RETURN collect(e.name) AS deployedIn
  }
  WITH app, av, coalesce(deployedIn, []) AS deployedIn
  WHERE av.version = app.latest_version OR size(deployedIn) > 0
  RETURN collect({application: app.name, version: av.version,
                  latest: av.version = app.latest_version, deployed_in: deployedIn})
           AS applications
}
CALL (affected) {
  UNWIND affected AS cv
  MATCH (e:Environment)-[:RUNS]->(cv)
  WITH e, cv ORDER BY e.name, cv.component
  RETURN collect({environment: e.name, stage: e.stage, component: cv.component,
                  version: cv.version}) AS environments
}
OPTIONAL CALL (affected, applications) {
  UNWIND affected AS cv
  MATCH (:Component {name: cv.component})-[:OWNED_BY]->(t:Team)
  RETURN t, cv.component AS owned
  UNION
  UNWIND applications AS a
  MATCH (:Application {name: a.application})-[:OWNED_BY]->(t:Team)
  RETURN t, a.application AS owned
}
WITH target, consumers, applications, environments, t, collect(DISTINCT owned) AS owns
ORDER BY t.name
RETURN target.name AS component, $version AS version,
       consumers[0..$limit] AS consumers, size(consumers) AS consumer_count,
       applications, environments,
       collect(CASE WHEN t IS NOT NULL THEN
                 {team: t.name, email: t.email, chat: t.chat, pager: t.pager, owns: owns}
               END) AS teams
