// Purpose: the newest version of application $application made of exactly the component
//          versions in $members (no row if none): a deployment of that set is of it.
// Parameters: $application (string), $members (list of {component, version})
// Returns: version
// :param {application: 'shop', members: [{component: 'payment', version: '1.4.2'}]}
MATCH (av:ApplicationVersion {application: $application})
WHERE COUNT { (av)-[:INCLUDES]->() } = size($members)
  AND all(m IN $members WHERE EXISTS {
        (av)-[:INCLUDES]->(:ComponentVersion {component: m.component, version: m.version}) })
RETURN av.version AS version
ORDER BY av.seq DESC
LIMIT 1
