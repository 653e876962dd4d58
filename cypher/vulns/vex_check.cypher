// Purpose: before VEX statements are recorded: whether the component (and its owning
//          team), the component version, the package and the environment each names exist,
//          and what a statement already recorded under the same key (vulnerability,
//          subject, environment, time) says (null: none yet).
// Parameters: $statements (list of {key, component (or null), version (or null), package
//             (a purl, or null), environment (or null)})
// Returns: key, component, owner, version, package, environment, held
// :param {statements: [{key: 'k', component: 'ads', version: '1.1.0', package: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1', environment: null}]}
UNWIND $statements AS s
OPTIONAL MATCH (held:VexStatement {key: s.key})
RETURN s.key AS key,
       s.component IS NULL OR EXISTS { (:Component {name: s.component}) } AS component,
       [(:Component {name: s.component})-[:OWNED_BY]->(t:Team) | t.name][0] AS owner,
       s.version IS NULL
         OR EXISTS { (:ComponentVersion {component: s.component, version: s.version}) }
         AS version,
       s.package IS NULL OR EXISTS { (:Package {purl: s.package}) } AS package,
       s.environment IS NULL OR EXISTS { (:Environment {name: s.environment}) } AS environment,
       CASE WHEN held IS NULL THEN null
            ELSE held {.status, .justification, .detail} END AS held
