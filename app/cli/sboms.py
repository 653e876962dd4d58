"""`mercator sbom ...`: attach an SBOM to a component version, show which one it holds;
`mercator package list`: the packages the SBOMs brought."""

from __future__ import annotations

import json

import click

from app.cli.base import Context, cli, pass_context
from app.cli.catalog import paging_options
from app.cli.output import emit_page, emit_record, output_option

#: Content types by what the file says it is (the API checks it too).
CONTENT_TYPES = {
    "cyclonedx": "application/vnd.cyclonedx+json",
    "spdx": "application/spdx+json",
    "auto": "application/json",
}


@cli.group()
def sbom() -> None:
    """SBOMs: the packages inside each component version."""


@sbom.command("attach")
@click.argument("component")
@click.argument("version")
@click.argument("source", type=click.File("rb"))
@click.option(
    "--format",
    "kind",
    type=click.Choice(sorted(CONTENT_TYPES)),
    default="auto",
    show_default=True,
    help="What SOURCE is; auto reads it from the document.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Replace the SBOM the version already holds (otherwise refused).",
)
@output_option
@pass_context
def sbom_attach(
    state: Context, component: str, version: str, source, kind: str, replace: bool, output: str
) -> None:
    """Attach the SBOM in SOURCE (CycloneDX 1.4-1.6 or SPDX 2.3 JSON; '-' for stdin) to
    COMPONENT VERSION. The same SBOM again changes nothing."""
    summary, created = state.catalog.attach_sbom(
        component, version, source.read(), CONTENT_TYPES[kind], replace
    )
    click.echo(f"SBOM of {component} {version} {'attached' if created else 'unchanged'}", err=True)
    emit_record(summary, output)


@sbom.command("show")
@click.argument("component")
@click.argument("version")
@output_option
@pass_context
def sbom_show(state: Context, component: str, version: str, output: str) -> None:
    """Which SBOM COMPONENT VERSION holds, and how many packages."""
    emit_record(state.catalog.sbom(component, version), output)


@sbom.command("export")
@click.argument("application")
@click.argument("version")
@click.argument("output", type=click.File("w", encoding="utf-8"), default="-")
@pass_context
def sbom_export(state: Context, application: str, version: str, output) -> None:
    """Write APPLICATION VERSION's bill of materials as a CycloneDX 1.6 JSON document to
    OUTPUT (default: stdout), for Dependency-Track, Grype and other tools."""
    output.write(
        json.dumps(
            state.catalog.report("cyclonedx", application=application, version=version), indent=2
        )
        + "\n"
    )


@cli.group()
def package() -> None:
    """Packages: what the SBOMs brought, by name."""


@package.command("list")
@click.option("--prefix", help="Only names starting with this.")
@paging_options
@output_option
@pass_context
def package_list(state: Context, output: str, **filters) -> None:
    """List the packages the SBOMs brought, one per name and ecosystem, by name: their
    versions and licences, and how many component versions contain one of them (the
    purls are in -o json)."""
    page = state.catalog.list("packages", **filters)
    if output != "json":
        page = {
            **page,
            "items": [
                {**item, "versions": [v["version"] for v in item["versions"]]}
                for item in page["items"]
            ],
        }
    emit_page(page, ("name", "ecosystem", "versions", "licenses", "holders"), output)
