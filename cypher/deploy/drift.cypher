// Purpose: the three-way drift of environment $environment, per component: the versions
//          whose tag and digest Git declares ($declared, read from the repository's
//          head), what Mercator records (the RUNS edge), and what the cluster was last
//          observed running (OBSERVED edges: `sync kubernetes`, CDEvents), with when;
//          for the environment, when it was last observed, the images no version has,
//          and the deployments still to end there. No row when it does not exist.
// Parameters: $environment (string), $declared ([{component, tag, digest}]: tag and
//             digest may be null)
// Returns: observed_at, observed_by, unknown ([{image, workload}]), pending ([deployment
//          ids queued or running]), components ([{component, by_tag: {version, digest},
//          by_digest: version, recorded: {version, digest, since, deployment},
//          observed: [{version, since, seen_at, by, by_digest, workloads}]}] by
//          component; each part null or empty when absent)
// :param {environment: 'prod', declared: [{component: 'payment', tag: '1.5.1', digest: null}]}
MATCH (e:Environment {name: $environment})
WITH e, [d IN $declared | d.component]
        + COLLECT { MATCH (e)-[:RUNS]->(cv:ComponentVersion) RETURN cv.component }
        + COLLECT { MATCH (e)-[:OBSERVED]->(cv:ComponentVersion) RETURN cv.component } AS names
RETURN e.observed_at AS observed_at, e.observed_by AS observed_by,
       [i IN range(0, size(coalesce(e.observed_unknown_images, [])) - 1) |
        {image: e.observed_unknown_images[i], workload: e.observed_unknown_workloads[i]}]
         AS unknown,
       COLLECT {
         MATCH (d:Deployment)-[:TO]->(e)
         WHERE d.status IN ['queued', 'running']
         RETURN d.id ORDER BY d.id
       } AS pending,
       COLLECT {
         UNWIND names AS name
         WITH DISTINCT name
         WITH name, head([d IN $declared WHERE d.component = name]) AS declared
         OPTIONAL MATCH (e)-[runs:RUNS]->(recorded:ComponentVersion {component: name})
         RETURN {
           component: name,
           by_tag: head(COLLECT {
             MATCH (cv:ComponentVersion {component: name})
             WHERE declared.tag IS NOT NULL
               AND cv.version IN [declared.tag, CASE WHEN declared.tag STARTS WITH 'v'
                                                     THEN substring(declared.tag, 1) END]
             RETURN cv {.version, .digest} AS version
             ORDER BY version.version = declared.tag DESC
           }),
           by_digest: head(COLLECT {
             MATCH (cv:ComponentVersion {component: name})
             WHERE declared.digest IS NOT NULL AND cv.digest = declared.digest
             RETURN cv.version ORDER BY cv.version
           }),
           recorded: CASE WHEN recorded IS NULL THEN null
                     ELSE {version: recorded.version, digest: recorded.digest,
                           since: runs.since, deployment: runs.deployment} END,
           observed: COLLECT {
             MATCH (e)-[seen:OBSERVED]->(cv:ComponentVersion {component: name})
             RETURN {version: cv.version, since: seen.since, seen_at: seen.seen_at,
                     by: seen.by, by_digest: seen.by_digest, workloads: seen.workloads}
                    AS observation
             ORDER BY observation.version
           }
         } AS row
         ORDER BY row.component
       } AS components
