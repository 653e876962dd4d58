// Purpose: what the products of a VEX document (purls) name in the catalog: a package of
//          some SBOM with exactly that purl, or else a component named as the purl's name
//          and, when the purl has a version, that component version.
// Parameters: $products (list of {purl, name, version (or null)})
// Returns: purl, package, component, version
// :param {products: [{purl: 'pkg:generic/ads@1.1.0', name: 'ads', version: '1.1.0'}]}
UNWIND $products AS product
RETURN product.purl AS purl,
       EXISTS { (:Package {purl: product.purl}) } AS package,
       EXISTS { (:Component {name: product.name}) } AS component,
       product.version IS NULL
         OR EXISTS { (:ComponentVersion {component: product.name, version: product.version}) }
         AS version
