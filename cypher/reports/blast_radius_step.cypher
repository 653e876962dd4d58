// Purpose: one step of a blast radius: the component versions that depend directly on the
//          affected versions in $frontier — a consumer whose DEPENDS_ON range excludes all
//          of a component's affected versions is not affected. The service repeats it,
//          breadth first, up to the requested depth (so each consumer is found at its
//          shortest distance and the work stays linear in what is affected); pasted in
//          Neo4j Browser it answers "who depends directly on these versions".
// Parameters: $frontier (list of {component, any: true when any change of it counts,
//             versions: [{version, key}] — the affected versions and their version_key})
// Returns: via_component, via_version (the affected version the consumer admits, null for
//          `any`), component, version, key (the consumer's version_key), latest
// :param {frontier: [{component: 'payment', any: true, versions: []}]}
UNWIND $frontier AS affected
MATCH (:Component {name: affected.component})<-[d:DEPENDS_ON]-(consumer:ComponentVersion)
// A range is kept on DEPENDS_ON as intervals of version keys (range_low/high[_inclusive]);
// a version key sorts like its version, so admission is a string comparison. An interval
// whose range_prerelease is false admits only releases (keys ending in '~'), npm's rule.
WITH affected, consumer,
     CASE WHEN affected.any THEN [null]
          WHEN d.range_low IS NULL THEN [v IN affected.versions | v.version]
          ELSE [v IN affected.versions WHERE v.key IS NOT NULL AND any(
                  i IN range(0, size(d.range_low) - 1) WHERE
                    (v.key > d.range_low[i]
                      OR (d.range_low_inclusive[i] AND v.key = d.range_low[i]))
                    AND (v.key < d.range_high[i]
                      OR (d.range_high_inclusive[i] AND v.key = d.range_high[i]))
                    AND (v.key ENDS WITH '~' OR coalesce(d.range_prerelease[i], true)))
                | v.version]
     END AS admitted
WHERE size(admitted) > 0
RETURN affected.component AS via_component, admitted[0] AS via_version,
       consumer.component AS component, consumer.version AS version,
       consumer.version_key AS key,
       consumer.version = [(consumer)<-[:HAS_VERSION]-(c:Component) | c.latest_version][0]
         AS latest
