// Purpose: one application version with its component versions (kind, owner, image,
//          digest, commit) and predecessor (no row if unknown).
// Parameters: $application, $version (strings)
// Returns: props, previous, components ([{component, version, kind, owner, image, digest,
//          git_commit}], by component name)
// :param {application: 'shop', version: '1.0.8'}
MATCH (av:ApplicationVersion {application: $application, version: $version})
RETURN av {.*} AS props,
       [(av)-[:PREVIOUS]->(p:ApplicationVersion) | p.version][0] AS previous,
       COLLECT {
         MATCH (av)-[:INCLUDES]->(cv:ComponentVersion)<-[:HAS_VERSION]-(c:Component)
         RETURN {component: c.name, version: cv.version, kind: c.kind,
                 owner: [(c)-[:OWNED_BY]->(t:Team) | t.name][0],
                 image: cv.image, digest: cv.digest, git_commit: cv.git_commit} AS member
         ORDER BY member.component
       } AS components
