// Purpose: the component versions that contain any of the packages $purls — directly (in
//          their SBOM) or through another package of theirs that depends on it, up to four
//          package hops — with the package, the one they contain, and its scope. The
//          package blast radius then asks `blast_radius_impact` where those versions run
//          and who owns them.
// Parameters: $purls (list of purls)
// Returns: package, component, version, via (the purl the version contains), scope, hops
// :param {purls: ['pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1']}
UNWIND $purls AS purl
MATCH (target:Package {purl: purl})
MATCH path = (holder:Package)-[:DEPENDS_ON*0..4]->(target)
MATCH (cv:ComponentVersion)-[c:CONTAINS]->(holder)
WITH target, cv, holder, c, length(path) AS hops
ORDER BY hops
WITH target, cv, head(collect({via: holder.purl, scope: c.scope, hops: hops})) AS nearest
RETURN target.purl AS package, cv.component AS component, cv.version AS version,
       nearest.via AS via, nearest.scope AS scope, nearest.hops AS hops
ORDER BY package, component, version
