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

#: How many runnable blocks the docs may hold: each runs on every `make test`.
MAX_RUNNABLE = 10


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
_FENCE = re.compile(r"^```sh runnable[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)


def runnable_blocks() -> list[tuple[str, str]]:
    """(where, script) of every ```sh runnable block in docs/."""
    blocks = []
    for page in sorted(DOCS.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        for match in _FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            blocks.append((f"{page.relative_to(REPO)}:{line}", match.group(1)))
    return blocks


def test_the_runnable_set_is_modest():
    blocks = runnable_blocks()
    assert 1 <= len(blocks) <= MAX_RUNNABLE, [where for where, _ in blocks]


def test_runnable_examples_run_on_the_demo(graph, base_url, admin_token, tmp_path):
    demo.load(LocalCatalog(graph))
    env = {
        **os.environ,
        "PATH": f"{SCRIPTS}{os.pathsep}{os.environ.get('PATH', '')}",
        "MERCATOR_URL": base_url,
        "MERCATOR_TOKEN": admin_token,
        # The examples talk to the served app only, never to a Neo4j of their own.
        "MERCATOR_NEO4J_URI": "bolt://127.0.0.1:9",
        "HOME": str(tmp_path),
    }
    failures = []
    for where, script in runnable_blocks():
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if result.returncode != 0:
            tail = result.stderr[-2000:]
            failures.append(f"{where} exited {result.returncode}:\n{script}\n{tail}")
    assert not failures, "\n\n".join(failures)
