// Purpose: the blast radius of a component (any change of it: $version null) or of one of
//          its versions, in one statement: the consumer versions that depend on it
//          transitively, up to $depth hops, each at its shortest distance with one path (a
//          consumer whose range excludes the changed versions is not affected; the changed
//          component's own versions never count, so cycles end); the application versions
//          including an affected version (each application's latest, and every version
//          deployed now), the environments where one runs now, and the teams to call.
//          Breadth first over Ranges, not versions: the change reaches the Ranges admitting
//          it (level 0), and a Range reached at level k FEEDS those reached at level k + 1
//          (a version they admit needs it); a consumer is a version that NEEDS a reached
//          Range, at distance 1 + the lowest level among them, its path the FEEDS edges'
//          `via` versions. The nine steps are each written once with a literal level and
//          do nothing once it reaches $depth, so one cached plan serves every depth (no
//          shortest-path syntax: it blows up on this cyclic graph). Consumers are counted
//          whole and returned a page at a time ($offset, $limit): nearest first, by
//          component, newest first; only the distances the page spans are sorted. The
//          applications likewise ($application_offset, $application_limit), by name and
//          version. A $version not registered is evaluated as if it were (hypothetical).
//          No row when the component does not exist.
// Parameters: $component (string), $version (string or null = any change), $version_key
//             (its sort key, `semver.version_key`; null when not numeric), $depth
//             (integer, 1-10), $offset, $limit (integers: the page of consumers),
//             $application_offset, $application_limit (integers: the page of applications),
//             $many_versions (integer: from this many affected versions on, the applications
//             are found by testing each latest and deployed one, not walked to),
//             $applications (boolean: look for the applications at all; false for a map,
//             which draws none: then application_count and applications_truncated are
//             null, applications [] and the teams only the components' owners)
// Returns: consumer_count, truncated (more consumers after this page),
//          consumers ([{component, version, distance, latest, path}]),
//          application_count, applications_truncated (more after this page),
//          applications ([{application, version, latest, deployed_in}]),
//          environments ([{environment, stage, affected, running: [{component, version}],
//          truncated}] — per environment the number of affected versions running there and
//          those of them listed: the changed versions, then this page's consumers in its
//          order, at most 50),
//          teams ([{team, email, chat, pager, owns}]),
//          hypothetical ($version is not registered: the ranges were tested against it)
// :param {component: 'payment', version: '1.5.0', version_key: '0000000001.0000000005.0000000000.0000000000~', depth: 5, offset: 0, limit: 1000, application_offset: 0, application_limit: 1000, many_versions: 50000, applications: true}
MATCH (origin:Component {name: $component})
OPTIONAL MATCH (changed:ComponentVersion {component: $component, version: $version})
// Level 0: the Ranges the change reaches — those admitting the changed version, or for any
// change every Range of the component (even one admitting none of its versions). A version
// not registered (hypothetical: "what if we ship 3.0.0?") reaches the Ranges whose
// intervals admit its key ($version_key, null when it is not numeric: then only the
// unranged), tested as the DEPENDS_ON edges needing each Range hold them.
CALL (origin, changed) {
  CALL (origin, changed) {
    MATCH (r:Range {component: $component}) WHERE $version IS NULL
    RETURN r
    UNION
    MATCH (changed)<-[:ADMITS]-(r:Range)
    RETURN r
    UNION
    MATCH (r:Range {component: $component})
    WHERE $version IS NOT NULL AND changed IS NULL
      AND (r.range = '' OR $version_key IS NOT NULL AND EXISTS {
        MATCH (r)<-[:NEEDS]-(:ComponentVersion)-[d:DEPENDS_ON]->(origin)
        WHERE coalesce(d.range, '') = r.range
          AND any(i IN range(0, size(d.range_low) - 1) WHERE
                ($version_key > d.range_low[i]
                 OR d.range_low_inclusive[i] AND $version_key = d.range_low[i])
                AND ($version_key < d.range_high[i]
                     OR d.range_high_inclusive[i] AND $version_key = d.range_high[i])
                AND (d.range_prerelease[i] OR $version_key ENDS WITH '~')) })
    RETURN r
  }
  RETURN collect(r) AS start
}
// Each reached Range with its level and path (the versions from the change to it). A Range
// of the changed component is never reached later: only its own versions, which never
// count, would lead there.
WITH origin, changed, start AS seen, [r IN start | {range: r, path: []}] AS frontier,
     [r IN start | {range: r, path: [], level: 0}] AS reached
CALL (seen, frontier) { // level 1
  WITH seen, frontier WHERE 1 < $depth
  UNWIND frontier AS f
  WITH seen, f.range AS q, f.path AS path
  MATCH (q)-[feeds:FEEDS]->(r:Range)
  WHERE NOT r IN seen AND r.component <> $component
  WITH r, head(collect({path: path, feeds: feeds})) AS best
  RETURN collect({range: r, path: best.path + (r.component + '@' + best.feeds.via)}) AS next
}
WITH origin, changed, seen + [n IN next | n.range] AS seen, next AS frontier,
     reached + [n IN next | {range: n.range, path: n.path, level: 1}] AS reached
CALL (seen, frontier) { // level 2
  WITH seen, frontier WHERE 2 < $depth
  UNWIND frontier AS f
  WITH seen, f.range AS q, f.path AS path
  MATCH (q)-[feeds:FEEDS]->(r:Range)
  WHERE NOT r IN seen AND r.component <> $component
  WITH r, head(collect({path: path, feeds: feeds})) AS best
  RETURN collect({range: r, path: best.path + (r.component + '@' + best.feeds.via)}) AS next
}
WITH origin, changed, seen + [n IN next | n.range] AS seen, next AS frontier,
     reached + [n IN next | {range: n.range, path: n.path, level: 2}] AS reached
CALL (seen, frontier) { // level 3
  WITH seen, frontier WHERE 3 < $depth
  UNWIND frontier AS f
  WITH seen, f.range AS q, f.path AS path
  MATCH (q)-[feeds:FEEDS]->(r:Range)
  WHERE NOT r IN seen AND r.component <> $component
  WITH r, head(collect({path: path, feeds: feeds})) AS best
  RETURN collect({range: r, path: best.path + (r.component + '@' + best.feeds.via)}) AS next
}
WITH origin, changed, seen + [n IN next | n.range] AS seen, next AS frontier,
     reached + [n IN next | {range: n.range, path: n.path, level: 3}] AS reached
CALL (seen, frontier) { // level 4
  WITH seen, frontier WHERE 4 < $depth
  UNWIND frontier AS f
  WITH seen, f.range AS q, f.path AS path
  MATCH (q)-[feeds:FEEDS]->(r:Range)
  WHERE NOT r IN seen AND r.component <> $component
  WITH r, head(collect({path: path, feeds: feeds})) AS best
  RETURN collect({range: r, path: best.path + (r.component + '@' + best.feeds.via)}) AS next
}
WITH origin, changed, seen + [n IN next | n.range] AS seen, next AS frontier,
     reached + [n IN next | {range: n.range, path: n.path, level: 4}] AS reached
CALL (seen, frontier) { // level 5
  WITH seen, frontier WHERE 5 < $depth
  UNWIND frontier AS f
  WITH seen, f.range AS q, f.path AS path
  MATCH (q)-[feeds:FEEDS]->(r:Range)
  WHERE NOT r IN seen AND r.component <> $component
  WITH r, head(collect({path: path, feeds: feeds})) AS best
  RETURN collect({range: r, path: best.path + (r.component + '@' + best.feeds.via)}) AS next
}
WITH origin, changed, seen + [n IN next | n.range] AS seen, next AS frontier,
     reached + [n IN next | {range: n.range, path: n.path, level: 5}] AS reached
CALL (seen, frontier) { // level 6
  WITH seen, frontier WHERE 6 < $depth
  UNWIND frontier AS f
  WITH seen, f.range AS q, f.path AS path
  MATCH (q)-[feeds:FEEDS]->(r:Range)
  WHERE NOT r IN seen AND r.component <> $component
  WITH r, head(collect({path: path, feeds: feeds})) AS best
  RETURN collect({range: r, path: best.path + (r.component + '@' + best.feeds.via)}) AS next
}
WITH origin, changed, seen + [n IN next | n.range] AS seen, next AS frontier,
     reached + [n IN next | {range: n.range, path: n.path, level: 6}] AS reached
CALL (seen, frontier) { // level 7
  WITH seen, frontier WHERE 7 < $depth
  UNWIND frontier AS f
  WITH seen, f.range AS q, f.path AS path
  MATCH (q)-[feeds:FEEDS]->(r:Range)
  WHERE NOT r IN seen AND r.component <> $component
  WITH r, head(collect({path: path, feeds: feeds})) AS best
  RETURN collect({range: r, path: best.path + (r.component + '@' + best.feeds.via)}) AS next
}
WITH origin, changed, seen + [n IN next | n.range] AS seen, next AS frontier,
     reached + [n IN next | {range: n.range, path: n.path, level: 7}] AS reached
CALL (seen, frontier) { // level 8
  WITH seen, frontier WHERE 8 < $depth
  UNWIND frontier AS f
  WITH seen, f.range AS q, f.path AS path
  MATCH (q)-[feeds:FEEDS]->(r:Range)
  WHERE NOT r IN seen AND r.component <> $component
  WITH r, head(collect({path: path, feeds: feeds})) AS best
  RETURN collect({range: r, path: best.path + (r.component + '@' + best.feeds.via)}) AS next
}
WITH origin, changed, seen + [n IN next | n.range] AS seen, next AS frontier,
     reached + [n IN next | {range: n.range, path: n.path, level: 8}] AS reached
CALL (seen, frontier) { // level 9
  WITH seen, frontier WHERE 9 < $depth
  UNWIND frontier AS f
  WITH seen, f.range AS q, f.path AS path
  MATCH (q)-[feeds:FEEDS]->(r:Range)
  WHERE NOT r IN seen AND r.component <> $component
  WITH r, head(collect({path: path, feeds: feeds})) AS best
  RETURN collect({range: r, path: best.path + (r.component + '@' + best.feeds.via)}) AS next
}
WITH origin, changed, seen + [n IN next | n.range] AS seen, next AS frontier,
     reached + [n IN next | {range: n.range, path: n.path, level: 9}] AS reached
// The consumers: each version needing a reached Range, at the first one it needs (reached
// is in level order), grouped by distance.
WITH origin, changed, reached,
     COLLECT { MATCH (origin)-[:HAS_VERSION]->(v:ComponentVersion) RETURN v } AS own
CALL (reached, own) {
  UNWIND range(0, size(reached) - 1) AS i
  WITH i, reached[i].range AS r
  MATCH (r)<-[:NEEDS]-(c)
  WITH c, min(i) AS i
  WHERE NOT c IN own
  WITH reached[i].level + 1 AS distance, collect(c) AS versions, collect(i) AS via
  ORDER BY distance
  RETURN collect({distance: distance, versions: versions, via: via}) AS levels
}
// The page of consumers: only the distances it spans are sorted (a sort with a large list
// in its rows, or ORDER BY ... LIMIT, runs out of transaction memory).
WITH origin, changed, reached, levels,
     [k IN range(0, size(levels) - 1) |
        reduce(n = 0, l IN levels[..k] | n + size(l.versions))] AS starts
WITH origin, changed, reached, levels, starts,
     [k IN range(0, size(levels) - 1)
        WHERE starts[k] < $offset + $limit AND starts[k] + size(levels[k].versions) > $offset]
       AS window
CALL (levels, window) {
  UNWIND window AS k
  UNWIND range(0, size(levels[k].versions) - 1) AS j
  WITH levels[k].distance AS distance, levels[k].versions[j] AS version,
       levels[k].via[j] AS i
  ORDER BY distance, version.component, coalesce(version.version_key, '') DESC,
           version.version
  RETURN collect({version: version, i: i, distance: distance}) AS sorted
}
WITH origin, changed, reached, levels,
     reduce(n = 0, l IN levels | n + size(l.versions)) AS consumer_count,
     CASE WHEN window = [] THEN []
          ELSE sorted[($offset - starts[window[0]])..($offset - starts[window[0]] + $limit)]
     END AS page
WITH origin, changed, levels, consumer_count, [x IN page | x.version] AS listed,
     [x IN page |
        {component: x.version.component, version: x.version.version, distance: x.distance,
         latest: x.version.version = COLLECT {
                   MATCH (p:Component {name: x.version.component}) RETURN p.latest_version }[0],
         path: [$component] + reached[x.i].path + (x.version.component + '@' + x.version.version)}]
       AS consumers
// The impact: every affected version — the changed one (or all of the component's), and
// the consumers.
WITH consumer_count, consumers, listed,
     CASE WHEN $version IS NULL
          THEN COLLECT { MATCH (origin)-[:HAS_VERSION]->(v:ComponentVersion) RETURN v }
          ELSE [v IN [changed] WHERE v IS NOT NULL]
     END AS changed_versions, levels
WITH consumer_count, consumers, changed_versions + listed AS listed,
     changed_versions + reduce(all = [], l IN levels | all + l.versions)
       AS versions
// Many affected versions (a hub's: tens of thousands): what includes or runs them is
// found from the other side — the few application versions that can count, the
// environments' RUNS edges — which costs less than walking from each affected version
// (the same answer).
WITH consumer_count, consumers, listed, versions, size(versions) >= $many_versions AS many
// The applications: every affected version of one (the latest, or deployed now somewhere),
// counted whole and listed a page at a time, each with where it is deployed now.
CALL (versions, many) {
  // The application versions that can count, each set found once (a hub's: 16,000 of
  // 20,000, cheaper than asking each application version): each application's
  // latest, and those deployed now.
  CALL () {
    WITH 1 AS go WHERE $applications
    MATCH (app:Application)
    MATCH (av:ApplicationVersion {application: app.name, version: app.latest_version})
    RETURN collect(av) AS latests
  }
  CALL () {
    WITH 1 AS go WHERE $applications
    MATCH (:Environment)-[:DEPLOYED_NOW]->(av:ApplicationVersion)
    RETURN collect(DISTINCT av) AS deployed
  }
  OPTIONAL CALL (versions, many, latests, deployed) {
    // Few affected versions: the application versions including them that can count.
    WITH versions, latests, deployed WHERE $applications AND NOT many
    UNWIND versions AS cv
    MATCH (cv)<-[:INCLUDES]-(av:ApplicationVersion)
    WHERE av IN latests OR av IN deployed
    WITH DISTINCT av, av IN latests AS latest
    RETURN av, latest
    UNION ALL
    // Many (a hub's): the application versions that can count that include one of them.
    WITH versions, latests, deployed WHERE $applications AND many
    UNWIND [av IN latests | {av: av, latest: true}]
           + [av IN deployed WHERE NOT av IN latests | {av: av, latest: false}] AS candidate
    WITH versions, candidate.av AS av, candidate.latest AS latest
    WHERE EXISTS { MATCH (av)-[:INCLUDES]->(cv) WHERE cv IN versions }
    RETURN av, latest
  }
  WITH av.application AS application, av.version AS version, latest, av
  ORDER BY application, version
  RETURN [a IN collect({application: application, version: version, latest: latest, node: av})
          WHERE a.application IS NOT NULL] AS affected
}
WITH consumer_count, consumers, listed, versions, many, affected,
     CASE WHEN $applications THEN size(affected) END AS application_count,
     [a IN affected[$application_offset..($application_offset + $application_limit)] |
        {application: a.application, version: a.version, latest: a.latest,
         // Deployed now: the environments whose latest succeeded deployment of the
         // application delivered this version (their DEPLOYED_NOW edges).
         deployed_in: COLLECT { WITH a.node AS av
                                MATCH (e:Environment)-[:DEPLOYED_NOW]->(av)
                                RETURN e.name ORDER BY e.name }}]
       AS applications
// Per environment: how many affected versions run there, and which of those listed — the
// changed versions, then this page of consumers, in its order — at most 50 (an environment
// runs one version of a component).
CALL (versions, many, listed) {
  // Where the listed ones run, read from them (a few hundred), not asked of each
  // environment.
  CALL (listed) {
    UNWIND range(0, size(listed) - 1) AS i
    WITH i, listed[i] AS cv
    MATCH (e:Environment)-[:RUNS]->(cv)
    WITH e, cv ORDER BY i
    WITH e, collect({component: cv.component, version: cv.version})[..50] AS running
    RETURN collect({environment: e, running: running}) AS shown
  }
  OPTIONAL CALL (versions, many) {
    WITH versions WHERE NOT many
    UNWIND versions AS cv
    MATCH (e:Environment)-[:RUNS]->(cv)
    RETURN e, count(cv) AS affected
    UNION ALL
    WITH versions WHERE many
    MATCH (e:Environment)-[:RUNS]->(cv)
    WHERE cv IN versions
    RETURN e, count(cv) AS affected
  }
  WITH e, affected, shown WHERE e IS NOT NULL
  WITH e, affected,
       coalesce(head([place IN shown WHERE place.environment = e | place.running]), [])
         AS running
  ORDER BY e.name
  RETURN collect({environment: e.name, stage: e.stage, affected: affected, running: running,
                  truncated: affected > size(running)}) AS environments
}
// The teams that own an affected component or application (the changed component's own
// team even when its version is hypothetical, not registered yet).
CALL (versions, many) {
  CALL (versions, many) {
    WITH versions WHERE NOT many
    UNWIND [$component] + [cv IN versions | cv.component] AS name
    WITH DISTINCT name
    MATCH (c:Component {name: name})
    RETURN c
    UNION ALL
    // Many: each component asked whether it has one (fewer than the versions' names).
    WITH versions WHERE many
    MATCH (c:Component)
    WHERE c.name = $component OR EXISTS { (c)-[:HAS_VERSION]->(v) WHERE v IN versions }
    RETURN c
  }
  MATCH (c)-[:OWNED_BY]->(t:Team)
  RETURN collect({team: t, owned: c.name}) AS componentOwners
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
RETURN consumer_count, consumer_count > $offset + size(consumers) AS truncated, consumers,
       application_count,
       application_count > $application_offset + size(applications) AS applications_truncated,
       applications, environments, teams,
       $version IS NOT NULL
         AND NOT EXISTS { (:ComponentVersion {component: $component, version: $version}) }
         AS hypothetical
