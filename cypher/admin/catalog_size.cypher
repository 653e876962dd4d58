// Purpose: how big the catalog is, one count per kind of node, for the metrics gauges
//          (counts of one label come from Neo4j's count store: no node is read).
// Parameters: none
// Returns: teams, components, component_versions, applications, application_versions, environments, packages, deployments
// :param {}
CALL () { MATCH (n:Team) RETURN count(n) AS teams }
CALL () { MATCH (n:Component) RETURN count(n) AS components }
CALL () { MATCH (n:ComponentVersion) RETURN count(n) AS component_versions }
CALL () { MATCH (n:Application) RETURN count(n) AS applications }
CALL () { MATCH (n:ApplicationVersion) RETURN count(n) AS application_versions }
CALL () { MATCH (n:Environment) RETURN count(n) AS environments }
CALL () { MATCH (n:Package) RETURN count(n) AS packages }
CALL () { MATCH (n:Deployment) RETURN count(n) AS deployments }
RETURN teams, components, component_versions, applications, application_versions,
       environments, packages, deployments
