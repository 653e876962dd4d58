// Purpose: which component versions the container images running in a cluster are: by
//          image digest first, else by image repository and tag (the tag being the
//          version, with or without a leading 'v').
// Parameters: $images (list of {ref, repository, tag, digest}; tag and digest may be null)
// Returns: ref, by_digest, by_tag (each a list of {component, version})
// :param {images: [{ref: 'registry.shop.example/shop/payment:1.5.1', repository: 'registry.shop.example/shop/payment', tag: '1.5.1', digest: null}]}
UNWIND $images AS image
RETURN image.ref AS ref,
       COLLECT {
         MATCH (cv:ComponentVersion)
         WHERE image.digest IS NOT NULL AND cv.digest = image.digest
         RETURN cv {.component, .version} AS found
         ORDER BY found.component, found.version
       } AS by_digest,
       COLLECT {
         MATCH (cv:ComponentVersion)
         WHERE image.tag IS NOT NULL AND cv.image = image.repository
           AND cv.version IN [image.tag,
                              CASE WHEN image.tag STARTS WITH 'v' THEN substring(image.tag, 1) END]
         RETURN cv {.component, .version} AS found
         ORDER BY found.component, found.version
       } AS by_tag
