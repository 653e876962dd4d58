// Purpose: what changed between two versions, in one statement: either two application
//          versions ($from_application, $from_version) and ($to_application, $to_version),
//          or, with $component, two versions $from_version and $to_version of that
//          component. For applications: components added, removed, changed (from -> to
//          version, each with its changes) and how many are unchanged; for a component: its
//          one change. A change lists attributes (added, removed, changed), dependencies
//          (added, removed, range changed), image, digest, git commit and SBOM packages
//          (added, removed, upgraded; unknown, not invented, when a version has no SBOM to
//          compare). No row when a version is missing.
// Parameters: $component (string, or null for application versions), $from_application,
//             $to_application (strings, or null with $component), $from_version,
//             $to_version (strings)
// Returns: added ([{component, version}]), removed ([{component, version}]),
//          changed ([{component, from, to, changes: {component, from, to, fields
//          ([{field, from, to}] for image, digest, git_repository, git_commit, git_branch,
//          chart, chart_version that differ), attributes ({added: [[k, v]], removed:
//          [[k, v]], changed: [[k, from, to]]}), dependencies ({added: [{component,
//          range}], removed: [...], changed: [{component, from, to}]}), packages ({added:
//          [purl], removed: [purl], upgraded: [{name, ecosystem, from, to}]}, or null when
//          a side has no SBOM), packages_unknown (why packages is null: which version has
//          no SBOM; else null)}}]), unchanged (count)
// :param {component: null, from_application: 'shop', from_version: '1.0.3', to_application: 'shop', to_version: '1.0.8'}
OPTIONAL MATCH (left:ApplicationVersion {application: $from_application, version: $from_version})
OPTIONAL MATCH (right:ApplicationVersion {application: $to_application, version: $to_version})
WITH left, right
WHERE $component IS NOT NULL OR (left IS NOT NULL AND right IS NOT NULL)
WITH [(left)-[:INCLUDES]->(cv:ComponentVersion) | {component: cv.component, version: cv.version}]
       AS left,
     [(right)-[:INCLUDES]->(cv:ComponentVersion) | {component: cv.component, version: cv.version}]
       AS right
WITH coalesce(left, []) AS left, coalesce(right, []) AS right
WITH left, right, [x IN left | x.component] AS leftNames, [x IN right | x.component] AS rightNames
WITH [x IN right WHERE NOT x.component IN leftNames] AS added,
     [x IN left WHERE NOT x.component IN rightNames] AS removed,
     CASE WHEN $component IS NULL
       THEN [x IN right WHERE any(y IN left WHERE y.component = x.component
                                              AND y.version <> x.version) |
             {component: x.component,
              from: [y IN left WHERE y.component = x.component][0].version, to: x.version}]
       ELSE [{component: $component, from: $from_version, to: $to_version}]
     END AS pairs,
     size([x IN right WHERE x IN left]) AS unchanged
// Each changed component's changes (for a component: its one pair; none when a version of
// it is missing).
CALL (pairs) {
  UNWIND pairs AS pair
  MATCH (a:ComponentVersion {component: pair.component, version: pair.from})
  MATCH (b:ComponentVersion {component: pair.component, version: pair.to})
  WITH pair, a, b,
       [k IN keys(a) WHERE k STARTS WITH 'attr.'] AS aKeys,
       [k IN keys(b) WHERE k STARTS WITH 'attr.'] AS bKeys,
       [(a)-[d:DEPENDS_ON]->(c:Component) | {component: c.name, range: d.range}] AS aDeps,
       [(b)-[d:DEPENDS_ON]->(c:Component) | {component: c.name, range: d.range}] AS bDeps,
       [(a)-[:CONTAINS]->(p:Package) | p] AS aPkgs,
       [(b)-[:CONTAINS]->(p:Package) | p] AS bPkgs
  WITH pair, a, b, aKeys, bKeys, aDeps, bDeps, aPkgs, bPkgs,
       [side IN [{version: pair.from, node: a, packages: aPkgs},
                 {version: pair.to, node: b, packages: bPkgs}]
        WHERE side.node.sbom_digest IS NULL AND size(side.packages) = 0 | side.version]
         AS withoutSbom
  RETURN collect({component: pair.component, from: pair.from, to: pair.to, changes: {
    component: pair.component, from: pair.from, to: pair.to,
    fields: [f IN ['image', 'digest', 'git_repository', 'git_commit', 'git_branch', 'chart',
                   'chart_version'] WHERE coalesce(a[f], '') <> coalesce(b[f], '')
             | {field: f, from: a[f], to: b[f]}],
    attributes: {
      added: [k IN bKeys WHERE NOT k IN aKeys | [substring(k, 5), b[k]]],
      removed: [k IN aKeys WHERE NOT k IN bKeys | [substring(k, 5), a[k]]],
      changed: [k IN aKeys WHERE k IN bKeys AND a[k] <> b[k] | [substring(k, 5), a[k], b[k]]]
    },
    dependencies: {
      added: [d IN bDeps WHERE NOT d.component IN [x IN aDeps | x.component]],
      removed: [d IN aDeps WHERE NOT d.component IN [x IN bDeps | x.component]],
      changed: [d IN bDeps WHERE any(x IN aDeps WHERE x.component = d.component
                                   AND coalesce(x.range, '') <> coalesce(d.range, '')) |
                {component: d.component,
                 from: [x IN aDeps WHERE x.component = d.component][0].range, to: d.range}]
    },
    packages: CASE WHEN size(withoutSbom) = 0 THEN {
      added: [p IN bPkgs WHERE NOT p IN aPkgs
                AND NOT any(q IN aPkgs WHERE q.name = p.name AND q.ecosystem = p.ecosystem)
              | p.purl],
      removed: [p IN aPkgs WHERE NOT p IN bPkgs
                  AND NOT any(q IN bPkgs WHERE q.name = p.name AND q.ecosystem = p.ecosystem)
                | p.purl],
      upgraded: [p IN bPkgs WHERE NOT p IN aPkgs
                   AND any(q IN aPkgs WHERE q.name = p.name AND q.ecosystem = p.ecosystem
                                            AND NOT q IN bPkgs)
                 | {name: p.name, ecosystem: p.ecosystem,
                    from: [q IN aPkgs WHERE q.name = p.name
                                        AND q.ecosystem = p.ecosystem][0].version,
                    to: p.version}]
    } END,
    packages_unknown: CASE size(withoutSbom)
      WHEN 0 THEN null
      WHEN 1 THEN withoutSbom[0] + ' has no SBOM'
      ELSE withoutSbom[0] + ' and ' + withoutSbom[1] + ' have no SBOM'
    END
  }}) AS changed
}
WITH added, removed, changed, unchanged
WHERE $component IS NULL OR size(changed) > 0
RETURN added, removed, changed, unchanged
