"""What an artifact's purl says about a component version.

CDEvents name artifacts by purl. An OCI purl (`pkg:oci/payments-api@sha256%3A...
?repository_url=ghcr.io/acme/payments-api&tag=1.4.2`) carries the image digest as its
version and the tag (or a `version` qualifier) as Mercator's version; any other purl
(`pkg:golang/example.com/acme/cli@1.2.0`) carries the version itself. The component is the
purl's name, without its namespace.
"""

from __future__ import annotations

from dataclasses import dataclass

from packageurl import PackageURL

from app.errors import Unprocessable


@dataclass(frozen=True)
class Artifact:
    purl: str
    component: str
    version: str | None  # Mercator's version: an OCI tag or `version` qualifier, or the purl's
    digest: str | None = None  # OCI only
    image: str | None = None  # OCI only: the repository_url qualifier

    def registration(self) -> dict[str, str]:
        """What it gives a registration (the fields it knows)."""
        if self.version is None:
            raise Unprocessable(
                f"the artifact {self.purl!r} has no version: an OCI purl needs a tag or "
                "version qualifier (…?tag=1.4.2) to be registered",
                {"subject.id": ["no tag or version qualifier"]},
            )
        given = {"component": self.component, "version": self.version}
        given.update({k: v for k, v in (("digest", self.digest), ("image", self.image)) if v})
        return given


def parse(purl: str, where: str) -> Artifact:
    """The artifact a purl names; Unprocessable (422) naming `where` when it is no purl."""
    try:
        parsed = PackageURL.from_string(purl)
    except ValueError as error:
        raise Unprocessable(
            f"{where} is not a purl (pkg:type/name@version): {error}", {where: [purl]}
        ) from None
    qualifiers = parsed.qualifiers if isinstance(parsed.qualifiers, dict) else {}
    if parsed.type == "oci":
        digest = parsed.version if parsed.version and ":" in parsed.version else None
        version = qualifiers.get("tag") or qualifiers.get("version")
        if version is None and parsed.version and digest is None:
            version = parsed.version
        return Artifact(purl, parsed.name, version, digest, qualifiers.get("repository_url"))
    return Artifact(purl, parsed.name, parsed.version or qualifiers.get("version"))
