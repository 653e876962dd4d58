// Purpose: the blast radius of a component (any change of it: $version null) or of one of
//          its versions, in one statement: the consumer versions that depend on it
//          transitively, up to $depth hops, each at its shortest distance with one path (a
//          consumer whose range excludes the changed versions is not affected; the changed
//          component's own versions never count, so cycles end); the application versions
//          including an affected version (each application's latest, and every version
//          deployed now), the environments where one runs now, and the teams to call.
//          Breadth first over (consumer)-[:NEEDS]->(:Range)-[:ADMITS]->(provider version):
//          a version is new at step k when it NEEDS a Range first reached at step k and none
//          reached before; a Range is reached at step k + 1 when it ADMITS a version new at
//          step k. The ten steps are each written once with a literal k and do nothing once
//          k passes $depth, so one cached plan serves every depth (no shortest-path syntax:
//          it blows up on this cyclic graph). Consumers are counted whole and returned a
//          page at a time ($offset, $limit): nearest first, by component, newest first. No
//          row when the component, or its version $version, does not exist.
// Parameters: $component (string), $version (string or null = any change), $depth
//             (integer, 1-10), $offset, $limit (integers: the page of consumers)
// Returns: consumer_count, truncated (more consumers after this page),
//          consumers ([{component, version, distance, latest, path}]),
//          applications ([{application, version, latest, deployed_in}]),
//          environments ([{environment, stage, affected, running: [{component, version}],
//          truncated}] — per environment the number of affected versions running there and
//          the first 50 by component),
//          teams ([{team, email, chat, pager, owns}])
// :param {component: 'payment', version: '1.5.0', depth: 5, offset: 0, limit: 1000}
MATCH (origin:Component {name: $component})
OPTIONAL MATCH (changed:ComponentVersion {component: $component, version: $version})
WITH origin, changed WHERE $version IS NULL OR changed IS NOT NULL
// Step 0: the Ranges the change reaches — those admitting the changed version, or for any
// change every Range of the component (even one admitting none of its versions).
CALL (changed) {
  CALL (changed) {
    MATCH (r:Range {component: $component}) WHERE $version IS NULL
    RETURN r
    UNION
    MATCH (changed)<-[:ADMITS]-(r:Range)
    RETURN r
  }
  RETURN collect({range: r, path: []}) AS frontier
}
WITH origin, changed, frontier, [] AS seen, [] AS reached
CALL (seen, frontier) { // step 1
  WITH seen, frontier WHERE 1 <= $depth
  UNWIND frontier AS f
  WITH seen, f.range AS r, f.path AS path
  MATCH (r)<-[:NEEDS]-(c:ComponentVersion)
  WHERE c.component <> $component
    AND NOT EXISTS { MATCH (c)-[:NEEDS]->(earlier:Range) WHERE earlier IN seen }
  WITH c, head(collect(path)) AS path
  WITH collect({version: c, path: path + c}) AS found
  CALL (found) {
    UNWIND found AS x
    WITH x.version AS c, x.path AS path
    MATCH (c)<-[:ADMITS]-(next:Range)
    WITH next, head(collect(path)) AS path
    RETURN collect({range: next, path: path}) AS next
  }
  RETURN found, next
}
WITH origin, changed, seen + [f IN frontier | f.range] AS seen, next,
     reached + [x IN found | {version: x.version, path: x.path, distance: 1}] AS reached
WITH origin, changed, seen, [n IN next WHERE NOT n.range IN seen] AS frontier, reached
CALL (seen, frontier) { // step 2
  WITH seen, frontier WHERE 2 <= $depth
  UNWIND frontier AS f
  WITH seen, f.range AS r, f.path AS path
  MATCH (r)<-[:NEEDS]-(c:ComponentVersion)
  WHERE c.component <> $component
    AND NOT EXISTS { MATCH (c)-[:NEEDS]->(earlier:Range) WHERE earlier IN seen }
  WITH c, head(collect(path)) AS path
  WITH collect({version: c, path: path + c}) AS found
  CALL (found) {
    UNWIND found AS x
    WITH x.version AS c, x.path AS path
    MATCH (c)<-[:ADMITS]-(next:Range)
    WITH next, head(collect(path)) AS path
    RETURN collect({range: next, path: path}) AS next
  }
  RETURN found, next
}
WITH origin, changed, seen + [f IN frontier | f.range] AS seen, next,
     reached + [x IN found | {version: x.version, path: x.path, distance: 2}] AS reached
WITH origin, changed, seen, [n IN next WHERE NOT n.range IN seen] AS frontier, reached
CALL (seen, frontier) { // step 3
  WITH seen, frontier WHERE 3 <= $depth
  UNWIND frontier AS f
  WITH seen, f.range AS r, f.path AS path
  MATCH (r)<-[:NEEDS]-(c:ComponentVersion)
  WHERE c.component <> $component
    AND NOT EXISTS { MATCH (c)-[:NEEDS]->(earlier:Range) WHERE earlier IN seen }
  WITH c, head(collect(path)) AS path
  WITH collect({version: c, path: path + c}) AS found
  CALL (found) {
    UNWIND found AS x
    WITH x.version AS c, x.path AS path
    MATCH (c)<-[:ADMITS]-(next:Range)
    WITH next, head(collect(path)) AS path
    RETURN collect({range: next, path: path}) AS next
  }
  RETURN found, next
}
WITH origin, changed, seen + [f IN frontier | f.range] AS seen, next,
     reached + [x IN found | {version: x.version, path: x.path, distance: 3}] AS reached
WITH origin, changed, seen, [n IN next WHERE NOT n.range IN seen] AS frontier, reached
CALL (seen, frontier) { // step 4
  WITH seen, frontier WHERE 4 <= $depth
  UNWIND frontier AS f
  WITH seen, f.range AS r, f.path AS path
  MATCH (r)<-[:NEEDS]-(c:ComponentVersion)
  WHERE c.component <> $component
    AND NOT EXISTS { MATCH (c)-[:NEEDS]->(earlier:Range) WHERE earlier IN seen }
  WITH c, head(collect(path)) AS path
  WITH collect({version: c, path: path + c}) AS found
  CALL (found) {
    UNWIND found AS x
    WITH x.version AS c, x.path AS path
    MATCH (c)<-[:ADMITS]-(next:Range)
    WITH next, head(collect(path)) AS path
    RETURN collect({range: next, path: path}) AS next
  }
  RETURN found, next
}
WITH origin, changed, seen + [f IN frontier | f.range] AS seen, next,
     reached + [x IN found | {version: x.version, path: x.path, distance: 4}] AS reached
WITH origin, changed, seen, [n IN next WHERE NOT n.range IN seen] AS frontier, reached
CALL (seen, frontier) { // step 5
  WITH seen, frontier WHERE 5 <= $depth
  UNWIND frontier AS f
  WITH seen, f.range AS r, f.path AS path
  MATCH (r)<-[:NEEDS]-(c:ComponentVersion)
  WHERE c.component <> $component
    AND NOT EXISTS { MATCH (c)-[:NEEDS]->(earlier:Range) WHERE earlier IN seen }
  WITH c, head(collect(path)) AS path
  WITH collect({version: c, path: path + c}) AS found
  CALL (found) {
    UNWIND found AS x
    WITH x.version AS c, x.path AS path
    MATCH (c)<-[:ADMITS]-(next:Range)
    WITH next, head(collect(path)) AS path
    RETURN collect({range: next, path: path}) AS next
  }
  RETURN found, next
}
WITH origin, changed, seen + [f IN frontier | f.range] AS seen, next,
     reached + [x IN found | {version: x.version, path: x.path, distance: 5}] AS reached
WITH origin, changed, seen, [n IN next WHERE NOT n.range IN seen] AS frontier, reached
CALL (seen, frontier) { // step 6
  WITH seen, frontier WHERE 6 <= $depth
  UNWIND frontier AS f
  WITH seen, f.range AS r, f.path AS path
  MATCH (r)<-[:NEEDS]-(c:ComponentVersion)
  WHERE c.component <> $component
    AND NOT EXISTS { MATCH (c)-[:NEEDS]->(earlier:Range) WHERE earlier IN seen }
  WITH c, head(collect(path)) AS path
  WITH collect({version: c, path: path + c}) AS found
  CALL (found) {
    UNWIND found AS x
    WITH x.version AS c, x.path AS path
    MATCH (c)<-[:ADMITS]-(next:Range)
    WITH next, head(collect(path)) AS path
    RETURN collect({range: next, path: path}) AS next
  }
  RETURN found, next
}
WITH origin, changed, seen + [f IN frontier | f.range] AS seen, next,
     reached + [x IN found | {version: x.version, path: x.path, distance: 6}] AS reached
WITH origin, changed, seen, [n IN next WHERE NOT n.range IN seen] AS frontier, reached
CALL (seen, frontier) { // step 7
  WITH seen, frontier WHERE 7 <= $depth
  UNWIND frontier AS f
  WITH seen, f.range AS r, f.path AS path
  MATCH (r)<-[:NEEDS]-(c:ComponentVersion)
  WHERE c.component <> $component
    AND NOT EXISTS { MATCH (c)-[:NEEDS]->(earlier:Range) WHERE earlier IN seen }
  WITH c, head(collect(path)) AS path
  WITH collect({version: c, path: path + c}) AS found
  CALL (found) {
    UNWIND found AS x
    WITH x.version AS c, x.path AS path
    MATCH (c)<-[:ADMITS]-(next:Range)
    WITH next, head(collect(path)) AS path
    RETURN collect({range: next, path: path}) AS next
  }
  RETURN found, next
}
WITH origin, changed, seen + [f IN frontier | f.range] AS seen, next,
     reached + [x IN found | {version: x.version, path: x.path, distance: 7}] AS reached
WITH origin, changed, seen, [n IN next WHERE NOT n.range IN seen] AS frontier, reached
CALL (seen, frontier) { // step 8
  WITH seen, frontier WHERE 8 <= $depth
  UNWIND frontier AS f
  WITH seen, f.range AS r, f.path AS path
  MATCH (r)<-[:NEEDS]-(c:ComponentVersion)
  WHERE c.component <> $component
    AND NOT EXISTS { MATCH (c)-[:NEEDS]->(earlier:Range) WHERE earlier IN seen }
  WITH c, head(collect(path)) AS path
  WITH collect({version: c, path: path + c}) AS found
  CALL (found) {
    UNWIND found AS x
    WITH x.version AS c, x.path AS path
    MATCH (c)<-[:ADMITS]-(next:Range)
    WITH next, head(collect(path)) AS path
    RETURN collect({range: next, path: path}) AS next
  }
  RETURN found, next
}
WITH origin, changed, seen + [f IN frontier | f.range] AS seen, next,
     reached + [x IN found | {version: x.version, path: x.path, distance: 8}] AS reached
WITH origin, changed, seen, [n IN next WHERE NOT n.range IN seen] AS frontier, reached
CALL (seen, frontier) { // step 9
  WITH seen, frontier WHERE 9 <= $depth
  UNWIND frontier AS f
  WITH seen, f.range AS r, f.path AS path
  MATCH (r)<-[:NEEDS]-(c:ComponentVersion)
  WHERE c.component <> $component
    AND NOT EXISTS { MATCH (c)-[:NEEDS]->(earlier:Range) WHERE earlier IN seen }
  WITH c, head(collect(path)) AS path
  WITH collect({version: c, path: path + c}) AS found
  CALL (found) {
    UNWIND found AS x
    WITH x.version AS c, x.path AS path
    MATCH (c)<-[:ADMITS]-(next:Range)
    WITH next, head(collect(path)) AS path
    RETURN collect({range: next, path: path}) AS next
  }
  RETURN found, next
}
WITH origin, changed, seen + [f IN frontier | f.range] AS seen, next,
     reached + [x IN found | {version: x.version, path: x.path, distance: 9}] AS reached
WITH origin, changed, seen, [n IN next WHERE NOT n.range IN seen] AS frontier, reached
CALL (seen, frontier) { // step 10
  WITH seen, frontier WHERE 10 <= $depth
  UNWIND frontier AS f
  WITH seen, f.range AS r, f.path AS path
  MATCH (r)<-[:NEEDS]-(c:ComponentVersion)
  WHERE c.component <> $component
    AND NOT EXISTS { MATCH (c)-[:NEEDS]->(earlier:Range) WHERE earlier IN seen }
  WITH c, head(collect(path)) AS path
  WITH collect({version: c, path: path + c}) AS found
  CALL (found) {
    UNWIND found AS x
    WITH x.version AS c, x.path AS path
    MATCH (c)<-[:ADMITS]-(next:Range)
    WITH next, head(collect(path)) AS path
    RETURN collect({range: next, path: path}) AS next
  }
  RETURN found, next
}
WITH origin, changed, seen + [f IN frontier | f.range] AS seen, next,
     reached + [x IN found | {version: x.version, path: x.path, distance: 10}] AS reached
WITH origin, changed, seen, [n IN next WHERE NOT n.range IN seen] AS frontier, reached
// The page of consumers: sorted once at the top level, collected, then sliced (a sort
// inside a subquery ran out of transaction memory).
UNWIND CASE WHEN reached = [] THEN [null] ELSE reached END AS x
WITH origin, changed, reached, x
ORDER BY x.distance, x.version.component, coalesce(x.version.version_key, '') DESC,
         x.version.version
WITH origin, changed, reached, collect(x) AS ordered
WITH origin, changed, reached, size(ordered) AS consumer_count,
     [x IN ordered[$offset..($offset + $limit)] |
        {component: x.version.component, version: x.version.version, distance: x.distance,
         latest: x.version.version = COLLECT {
                   MATCH (p:Component {name: x.version.component}) RETURN p.latest_version }[0],
         path: [$component] + [n IN x.path | n.component + '@' + n.version]}] AS consumers
// The impact: every affected version — the changed one (or all of the component's), and
// the consumers.
WITH consumer_count, consumers,
     CASE WHEN $version IS NULL
          THEN COLLECT { MATCH (origin)-[:HAS_VERSION]->(v:ComponentVersion) RETURN v }
          ELSE [v IN [changed] WHERE v IS NOT NULL]
     END + [x IN reached | x.version] AS versions
CALL (versions) {
  OPTIONAL CALL (versions) {
    UNWIND versions AS cv
    MATCH (cv)<-[:INCLUDES]-(av:ApplicationVersion)
    WITH DISTINCT av
    MATCH (app:Application {name: av.application})
    // Deployed now: the environments whose latest succeeded deployment of the application
    // delivered this version (their DEPLOYED_NOW edges).
    WITH app, av, COLLECT { MATCH (e:Environment)-[:DEPLOYED_NOW]->(av)
                            RETURN e.name ORDER BY e.name } AS deployedIn
    WHERE av.version = app.latest_version OR size(deployedIn) > 0
    RETURN {application: app.name, version: av.version,
            latest: av.version = app.latest_version, deployed_in: deployedIn} AS affected
    ORDER BY affected.application, affected.version
  }
  RETURN [a IN collect(affected) WHERE a IS NOT NULL] AS applications
}
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
RETURN consumer_count, consumer_count > $offset + size(consumers) AS truncated, consumers,
       applications, environments, teams
