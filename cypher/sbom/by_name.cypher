// Purpose: the packages called $name (in ecosystem $ecosystem, when given), to pick those
//          whose version falls in a range ("log4j-core <2.17.1").
// Parameters: $name (string), $ecosystem (string or null)
// Returns: purl, name, version, ecosystem
// :param {name: 'log4j-core', ecosystem: null}
MATCH (p:Package {name: $name})
WHERE $ecosystem IS NULL OR p.ecosystem = $ecosystem
RETURN p.purl AS purl, p.name AS name, p.version AS version, p.ecosystem AS ecosystem
ORDER BY purl
