"""The documentation stays true: the site builds, every command and setting is documented,
and the examples marked runnable run against the demo.

The conventions are described in docs/testing.md ("The documentation's tests").
"""

from __future__ import annotations

import os
import re
import subprocess
import sysconfig
from pathlib import Path

import click

from app.admin import demo
from app.cli import cli
from app.cli.catalogs import LocalCatalog
from app.deploy import engines

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
SCRIPTS = Path(sysconfig.get_path("scripts"))

#: How many blocks may be `sh machine` (not run): the ones that set up the machine.
MAX_MACHINE = 6


# -- the site ---------------------------------------------------------------------------
def test_the_site_builds_strictly(tmp_path):
    """No broken link or anchor between pages, no page left out of mkdocs.yml's nav."""
    mkdocs = SCRIPTS / "mkdocs"
    assert mkdocs.exists(), (
        f"{mkdocs} is missing: it is in the test extra (pip install -e '.[test]')"
    )
    result = subprocess.run(
        [str(mkdocs), "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "site" / "index.html").exists()


def test_the_readme_is_short_and_its_links_resolve():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 110, "the README is the overview: details go in docs/"
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", readme)
    local = [t for t in targets if "://" not in t]
    assert local, "the README links into docs/"
    missing = [t for t in local if not (REPO / t).exists()]
    assert not missing, f"README links to files that do not exist: {missing}"


# -- every command ----------------------------------------------------------------------
def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command and subcommand under `group`, nested groups included, as name paths."""
    paths = []
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        paths.append(path)
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, path))
    return paths


def undocumented_commands(text: str) -> list[str]:
    """The `mercator ...` commands `text` never names in inline code (`mercator env set`
    followed by a space or the closing backtick; `mercator env set-engine` does not name
    `mercator env set`)."""
    missing = []
    for path in command_paths(cli):
        spelled = "mercator " + " ".join(path)
        if not re.search(r"`" + re.escape(spelled) + r"[ `]", text):
            missing.append(spelled)
    return missing


def test_every_command_is_on_the_command_line_page():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    missing = undocumented_commands(text)
    assert not missing, f"docs/cli.md does not document: {missing}"


def test_the_command_check_notices_a_missing_command():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    without = re.sub(r"`mercator env set-engine[ `]", "`", text)
    assert undocumented_commands(without) == ["mercator env set-engine"]
    assert len(command_paths(cli)) > 60  # the walk reaches nested groups (report diff app)
    assert ("report", "map", "blast-radius") in command_paths(cli)


# -- every setting ----------------------------------------------------------------------
_LITERAL = re.compile(r"""["'](MERCATOR_[A-Z0-9_]+)["']""")
_SECRET = re.compile(r"""_secret\(\s*\w+,\s*["'](MERCATOR_[A-Z0-9_]+)["']""")
_MENTION = re.compile(r"MERCATOR_[A-Z0-9_]*[A-Z0-9]")
_ENGINE_SECTION = "## What an engine process gets"


def engine_variables() -> set[str]:
    """The MERCATOR_* variables a worker hands to an engine's processes, as the engine code
    builds them for a deployment."""
    deployment = {
        "id": "d-1",
        "application": "shop",
        "version": "1.0.0",
        "by": "someone",
        "environment": {"name": "dev", "stage": "dev", "cluster": "c", "namespace": "n"},
        "components": [{"component": "cart", "version": "1.0.0"}],
    }
    plan = engines.plan("command", {"command": ["true"]}, deployment, "/tmp/d.json", {})
    return {name for name in plan.env if name.startswith("MERCATOR_")}


def settings_in_code() -> set[str]:
    """Every MERCATOR_* string literal in app/ (a `_secret` setting also has its `_FILE`
    twin), less the variables handed to engine processes."""
    found: set[str] = set()
    for path in (REPO / "app").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        found.update(_LITERAL.findall(source))
        found.update(f"{name}_FILE" for name in _SECRET.findall(source))
    return found - engine_variables()


def configuration_page() -> tuple[set[str], set[str]]:
    """The variables docs/configuration.md names: (settings, engine variables)."""
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert _ENGINE_SECTION in text
    before, after = text.split(_ENGINE_SECTION, 1)
    engine_part, _, rest = after.partition("\n## ")
    return set(_MENTION.findall(before + rest)), set(_MENTION.findall(engine_part))


def test_every_setting_the_code_reads_is_documented_and_no_other():
    documented, _ = configuration_page()
    in_code = settings_in_code()
    assert {"MERCATOR_NEO4J_URI", "MERCATOR_TOKEN", "MERCATOR_NEO4J_PASSWORD_FILE"} <= in_code
    assert not in_code - documented, f"not in docs/configuration.md: {in_code - documented}"
    assert not documented - in_code, f"documented but read nowhere: {documented - in_code}"


def test_every_engine_variable_is_documented_and_no_other():
    _, documented = configuration_page()
    handed = engine_variables()
    assert {"MERCATOR_DEPLOYMENT_FILE", "MERCATOR_COMPONENTS"} <= handed
    assert documented == handed, (
        f"missing: {handed - documented}, not handed over: {documented - handed}"
    )


# -- runnable examples ------------------------------------------------------------------
#: A shell block's info string: `sh runnable` runs on the demo; `sh machine` sets up or
#: changes the machine (make, Docker, a docs server) and is not run.
_BLOCK = re.compile(r"^```sh(?P<tag>[^\n]*)\n(?P<script>.*?)^```[ \t]*$", re.M | re.S)
PAGES = [REPO / "README.md", *sorted(DOCS.rglob("*.md"))]
#: What a CI job would have set when a pipeline example runs.
PIPELINE_ENV = {"GITHUB_SHA": "4f1c2d9e0b7a", "GITHUB_RUN_ID": "run-4242"}


def shell_blocks() -> list[tuple[str, str, str]]:
    """(where, tag, script) of every ```sh block in the README and docs/."""
    blocks = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in _BLOCK.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            where = f"{page.relative_to(REPO)}:{line}"
            blocks.append((where, match["tag"].strip(), match["script"]))
    return blocks


def runnable_blocks() -> list[tuple[str, str]]:
    return [(where, script) for where, tag, script in shell_blocks() if tag == "runnable"]


def test_every_shell_example_runs_or_says_why_not():
    untagged = [where for where, tag, _ in shell_blocks() if tag not in ("runnable", "machine")]
    assert not untagged, f"shell blocks neither `sh runnable` nor `sh machine`: {untagged}"
    machine = [where for where, tag, _ in shell_blocks() if tag == "machine"]
    assert len(machine) <= MAX_MACHINE, machine  # the exception stays one


def test_runnable_examples_run_on_the_demo(settings, graph, base_url, admin_token, tmp_path):
    """Each block runs as written, in order, on one demo, as a user following the docs on a
    machine running `make run` would: from a checkout (`.venv/bin/mercator`,
    `app/vulns/samples` resolve; what a block writes lands in a folder of its own), with the
    local Neo4j's credentials, the served app where the docs say `localhost:5000` and
    `$MERCATOR_URL`, an admin `$MERCATOR_TOKEN`, and a CI system's variables."""
    demo.load(LocalCatalog(graph))
    for entry in REPO.iterdir():
        if entry.name != ".git":
            (tmp_path / entry.name).symlink_to(entry)
    env = {
        **os.environ,
        **PIPELINE_ENV,
        "PATH": f"{SCRIPTS}{os.pathsep}{os.environ.get('PATH', '')}",
        "MERCATOR_URL": base_url,
        "MERCATOR_TOKEN": admin_token,
        "MERCATOR_NEO4J_URI": settings.neo4j_uri,
        "MERCATOR_NEO4J_USER": settings.neo4j_user,
        "MERCATOR_NEO4J_PASSWORD": settings.neo4j_password,
        "MERCATOR_NEO4J_DATABASE": settings.neo4j_database,
        "HOME": str(tmp_path),
    }
    served = base_url.removeprefix("http://")
    failures = []
    for where, script in runnable_blocks():
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script.replace("localhost:5000", served)],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            tail = (result.stdout[-1000:] + result.stderr[-2000:]).strip()
            failures.append(f"{where} exited {result.returncode}:\n{script}\n{tail}")
    assert not failures, "\n\n".join(failures)
