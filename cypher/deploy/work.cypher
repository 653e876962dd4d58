// Purpose: what a worker needs to run deployment $id: its environment with the engine
//          configuration, and each deployed component version with its image and chart.
// Parameters: $id (string)
// Returns: props, environment (props of the Environment), application ({application,
//          version} or null), components ([{component, version, image, digest, chart,
//          chart_version, git_repository, git_commit, build_url}] by component)
// :param {id: 'demo-10'}
MATCH (d:Deployment {id: $id})-[:TO]->(e:Environment)
OPTIONAL MATCH (d)-[:OF]->(av:ApplicationVersion)
RETURN d {.*} AS props, e {.*} AS environment,
       CASE WHEN av IS NULL THEN null
            ELSE {application: av.application, version: av.version} END AS application,
       COLLECT {
         MATCH (d)-[:OF]->(target)
         MATCH (target)-[:INCLUDES*0..1]->(cv:ComponentVersion)
         RETURN DISTINCT cv {.component, .version, .image, .digest, .chart, .chart_version,
                             .git_repository, .git_commit, .build_url} AS member
         ORDER BY member.component
       } AS components
