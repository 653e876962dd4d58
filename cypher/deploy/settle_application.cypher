// Purpose: deployment $id of a set of component versions, run by an engine for
//          application $application, has succeeded: it becomes the deployment of that
//          application's version $version (which holds exactly that set, matched or derived
//          in the same transaction). Its OF edges to the component versions are replaced by
//          one to the application version, and pending_application is cleared.
// Parameters: $id, $application, $version (strings)
// Returns: nothing
// :param {id: 'demo-10', application: 'shop', version: '1.0.8'}
MATCH (d:Deployment {id: $id})
MATCH (av:ApplicationVersion {application: $application, version: $version})
CALL (d) {
  MATCH (d)-[of:OF]->(:ComponentVersion)
  DELETE of
}
MERGE (d)-[:OF]->(av)
REMOVE d.pending_application
