"""Reading an uploaded SBOM: its packages, keyed by purl, and the dependencies between them.

Two formats are read, both as JSON (`app.sbom.cyclonedx`, `app.sbom.spdx`; what they
produce is `app.sbom.document`): CycloneDX 1.4, 1.5 and 1.6, and SPDX 2.3. Whatever the
format, the result is one `Sbom`: packages sorted by canonical purl, one per purl, and the
dependency edges between them as purl pairs, plus a digest of that content so the same SBOM
attached twice is recognised whatever its key order or whitespace. Nothing here touches
Neo4j, Flask or click; anything that cannot be read is an `Invalid` naming the place.

Choices, and why:

- **Purls** are canonicalised by `packageurl-python` (type lower-cased, qualifiers sorted,
  percent-encoding normalised), so `pkg:PyPI/Flask@3.1.3` and `pkg:pypi/flask@3.1.3` are one
  package.
- **CycloneDX** documents are checked against the official JSON schema of their
  `specVersion`, the files `cyclonedx-python-lib` ships (no network: the schema's two
  references, to the SPDX licence list and JSF, resolve to files of the same package and any
  other reference is refused). The library's own `JsonStrictValidator` does work offline, but
  it runs the schema through `jsonschema`, whose `iri-reference` format check (an Earley
  parser) and quadratic `uniqueItems` make it take 5 s for a 330-package environment and
  about two minutes for 10,000 packages; the same schema compiled by `fastjsonschema`
  (format checks off: they are annotations in draft 7) takes about 0.6 s for 10,000 (the
  compilation, 0.6 s, is done once per specVersion and process). A whole parse measured
  0.9 s for 10,000 packages and 9.6 s for 100,000. The components are then walked here
  (the library's object model would cost more than it brings: only purl, name, version,
  licences, hashes and scope are kept).
- **Memory**: the document is never held as one tree of Python objects. It is read in
  passes over its raw bytes by `ijson` (`app.sbom.streaming`): first its outline (every
  top-level value but the large arrays, and the whole syntax checked), then each large
  array item by item, each component checked against the schema alone as it comes
  (`uniqueItems` by a digest per item). Only what is kept of each package is held.
- **SPDX** is read by the small strict reader below rather than `spdx-tools`: the library's
  document validation took 22 s for 10,000 packages (its parser alone is lenient about what
  it does not model), and it brings `rdflib` and friends for formats not accepted here. The
  reader checks the document's mandatory fields and the type of every field it reads.

Dependencies are kept only between packages: edges from or to the thing the SBOM describes
(CycloneDX `metadata.component`, services, SPDX files) are dropped, as are self-edges once
refs are translated to purls; cycles are kept. A package's name is the one the SBOM
declares (CycloneDX `name` without `group`, SPDX `name`), its version the purl's, else the
declared one. Duplicates of one purl are merged: licences and hashes are united, the smallest
name and version are kept, and the scope is the strongest one given (`required` >
`optional` > `excluded`; `None` only when none is given).
"""

from __future__ import annotations

from app.errors import Invalid
from app.sbom import cyclonedx, spdx
from app.sbom.document import CYCLONEDX, SPDX, Sbom
from app.sbom.streaming import Json

MAX_BYTES = 50 * 1024 * 1024


NOT_AN_SBOM = "not a CycloneDX 1.4–1.6 or SPDX 2.3 JSON document"


# Media type -> the format it announces (None: either).
CONTENT_TYPES: dict[str, str | None] = {
    "application/json": None,
    "application/vnd.cyclonedx+json": CYCLONEDX,
    "application/spdx+json": SPDX,
}


def parse(data: bytes, content_type: str | None = None) -> Sbom:
    """Read a CycloneDX 1.4–1.6 or SPDX 2.3 JSON document.

    Raise `Invalid` (message says what is wrong, details name the place, e.g.
    ``{"components[12].purl": ["missing"]}``) for anything it cannot read.
    """
    announced, version_param = _content_type(content_type)
    if len(data) > MAX_BYTES:
        raise Invalid(
            f"the SBOM is {len(data)} bytes, more than the limit of {MAX_BYTES}",
            {"sbom": [f"larger than {MAX_BYTES} bytes"]},
        )
    return _parse(data, content_type, announced, version_param)


def _parse(
    data: bytes, content_type: str | None, announced: str | None, version_param: str | None
) -> Sbom:
    source = Json(data)
    document = source.outline()
    if not isinstance(document, dict):
        raise Invalid(NOT_AN_SBOM, {"sbom": ["not a JSON object"]})
    if document.get("bomFormat") == CYCLONEDX:
        found = CYCLONEDX
    elif "spdxVersion" in document:
        found = SPDX
    else:
        raise Invalid(NOT_AN_SBOM, {"sbom": ["neither bomFormat CycloneDX nor spdxVersion"]})
    if announced is not None and announced != found:
        raise Invalid(
            f"the content type {content_type!r} announces {announced} but the document is {found}",
            {"content_type": [f"expected a {found} media type"]},
        )
    if found == CYCLONEDX:
        return cyclonedx.read(source, document, version_param)
    return spdx.read(source, document)


def _content_type(content_type: str | None) -> tuple[str | None, str | None]:
    """The format a content type announces and its `version` parameter, if any."""
    if content_type is None:
        return None, None
    media, *params = (part.strip() for part in content_type.split(";"))
    media = media.lower()
    if media not in CONTENT_TYPES:
        raise Invalid(
            f"content type {content_type!r} is not accepted: send " + ", ".join(CONTENT_TYPES),
            {"content_type": [f"unsupported: {content_type}"]},
        )
    version = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "version":
            version = value.strip().strip('"')
    return CONTENT_TYPES[media], version
