// Purpose: what changed between pairs of versions of the same component: attributes
//          (added, removed, changed), dependencies (added, removed, range changed), image,
//          digest, git commit and SBOM packages (added, removed, upgraded; unknown, not
//          invented, when a version has no SBOM to compare). One row per pair
//          whose both versions exist. The application-version difference calls it with
//          every changed component at once.
// Parameters: $pairs (list of {component, from, to})
// Returns: component, from, to, fields ([{field, from, to}] for image, digest,
//          git_repository, git_commit, git_branch, chart, chart_version that differ),
//          attributes ({added: [[k, v]], removed: [[k, v]], changed: [[k, from, to]]}),
//          dependencies ({added: [{component, range}], removed: [...],
//          changed: [{component, from, to}]}), packages ({added: [purl], removed: [purl],
//          upgraded: [{name, ecosystem, from, to}]}, or null when a side has no SBOM),
//          packages_unknown (why packages is null: which version has no SBOM; else null)
// :param {pairs: [{component: 'payment', from: '1.4.2', to: '1.5.0'}]}
UNWIND $pairs AS pair
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
RETURN pair.component AS component, pair.from AS from, pair.to AS to,
  [f IN ['image', 'digest', 'git_repository', 'git_commit', 'git_branch', 'chart',
         'chart_version'] WHERE coalesce(a[f], '') <> coalesce(b[f], '') | {field: f, from: a[f], to: b[f]}]
    AS fields,
  {
    added: [k IN bKeys WHERE NOT k IN aKeys | [substring(k, 5), b[k]]],
    removed: [k IN aKeys WHERE NOT k IN bKeys | [substring(k, 5), a[k]]],
    changed: [k IN aKeys WHERE k IN bKeys AND a[k] <> b[k] | [substring(k, 5), a[k], b[k]]]
  } AS attributes,
  {
    added: [d IN bDeps WHERE NOT d.component IN [x IN aDeps | x.component]],
    removed: [d IN aDeps WHERE NOT d.component IN [x IN bDeps | x.component]],
    changed: [d IN bDeps WHERE any(x IN aDeps WHERE x.component = d.component
                                                 AND coalesce(x.range, '') <> coalesce(d.range, '')) |
              {component: d.component,
               from: [x IN aDeps WHERE x.component = d.component][0].range, to: d.range}]
  } AS dependencies,
  CASE WHEN size(withoutSbom) = 0 THEN {
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
                  from: [q IN aPkgs WHERE q.name = p.name AND q.ecosystem = p.ecosystem][0].version,
                  to: p.version}]
  } END AS packages,
  CASE size(withoutSbom)
    WHEN 0 THEN null
    WHEN 1 THEN withoutSbom[0] + ' has no SBOM'
    ELSE withoutSbom[0] + ' and ' + withoutSbom[1] + ' have no SBOM'
  END AS packages_unknown
ORDER BY component
