// Purpose: the applications that have ever included a version of $component. This is a
//          superset of those whose latest version holds it now, and unlike "latest holds
//          it" it cannot change under a concurrent transaction (versions are never edited),
//          so registration reads it before taking the applications' locks, then checks
//          each latest version under the lock.
// Parameters: $component (string)
// Returns: application (sorted by name: the order their locks are taken in)
// :param {component: 'payment'}
MATCH (:Component {name: $component})-[:HAS_VERSION]->(:ComponentVersion)
      <-[:INCLUDES]-(av:ApplicationVersion)
RETURN DISTINCT av.application AS application
ORDER BY application
