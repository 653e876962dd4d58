"""Every call of a named statement passes every `$parameter` the statement uses.

Neo4j refuses a statement missing a parameter only when it runs (`ParameterMissing`, a
500), so a caller left behind when its statement gains a parameter passes every test
that does not reach it. This reads the calls from the source instead: each
`graph.read/write` or `tx.run/single` whose first argument names a statement (a literal
such as `"reports/blast_radius"`, or an f-string such as `f"catalog/{kind}_get"`, checked
against every statement it can name), with the keywords it passes.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.graph import cypher

REPO = Path(__file__).resolve().parent.parent
SOURCES = sorted([*(REPO / "app").rglob("*.py"), *(REPO / "benchmarks").glob("*.py")])
METHODS = {"read", "write", "run", "single"}
NAME = re.compile(r"[a-z_]+/[a-z_0-9]+")


@dataclass(frozen=True)
class Call:
    where: str  # path:line
    statements: tuple[str, ...]
    keywords: frozenset[str]
    open_ended: bool  # passes **something whose keys are not known here (not checked)


def _statement_names(first: ast.expr) -> tuple[str, ...]:
    """The statements a call's first argument can name (none: not a statement's name)."""
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return (first.value,) if NAME.fullmatch(first.value) else ()
    if isinstance(first, ast.JoinedStr):
        pattern = "".join(
            re.escape(part.value) if isinstance(part, ast.Constant) else "[a-z_0-9]+"
            for part in first.values
        )
        if "/" not in pattern:
            return ()
        return tuple(name for name in cypher.names() if re.fullmatch(pattern, name))
    return ()


def _dict_literals(tree: ast.AST) -> dict[str, frozenset[str]]:
    """Names bound to a dict literal with string keys (`page = {"offset": ..., ...}`), so
    a call passing `**page` is checked with those keys. A name bound twice in one module
    to different keys is left unknown."""
    bound: dict[str, frozenset[str] | None] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(node.value, ast.Dict)
            and all(
                isinstance(k, ast.Constant) and isinstance(k.value, str) for k in node.value.keys
            )
        ):
            keys = frozenset(k.value for k in node.value.keys)
            name = node.targets[0].id
            bound[name] = keys if bound.get(name, keys) == keys else None
    return {name: keys for name, keys in bound.items() if keys is not None}


def _calls() -> list[Call]:
    calls = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(), filename=str(path))
        literals = _dict_literals(tree)
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in METHODS
                and node.args
            ):
                continue
            statements = _statement_names(node.args[0])
            if not statements:
                continue
            keywords, open_ended = set(), False
            for keyword in node.keywords:
                if keyword.arg is not None:
                    keywords.add(keyword.arg)
                elif isinstance(keyword.value, ast.Name) and keyword.value.id in literals:
                    keywords |= literals[keyword.value.id]
                else:
                    open_ended = True
            calls.append(
                Call(
                    where=f"{path.relative_to(REPO)}:{node.lineno}",
                    statements=statements,
                    keywords=frozenset(keywords),
                    open_ended=open_ended,
                )
            )
    return calls


def _parameters(name: str) -> set[str]:
    body = "\n".join(
        line for line in cypher.load(name).splitlines() if not line.lstrip().startswith("//")
    )
    return set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", body))


CALLS = _calls()


def test_the_calls_of_statements_are_found():
    """The reader finds the calls (a change of call style would otherwise empty the
    checks below), including those naming a statement by a pattern."""
    assert len(CALLS) > 150
    assert any(len(call.statements) > 1 for call in CALLS)
    named = {name for call in CALLS for name in call.statements}
    assert "reports/blast_radius" in named and "catalog/environment_get" in named


@pytest.mark.parametrize("call", [c for c in CALLS if not c.open_ended], ids=lambda c: c.where)
def test_a_call_passes_every_parameter_its_statement_uses(call):
    for name in call.statements:
        assert name in cypher.names(), f"{call.where}: no statement cypher/{name}.cypher"
        missing = _parameters(name) - call.keywords
        assert not missing, f"{call.where} calls {name} without ${', $'.join(sorted(missing))}"


@pytest.mark.parametrize("call", [c for c in CALLS if not c.open_ended], ids=lambda c: c.where)
def test_a_call_passes_no_parameter_its_statement_ignores(call):
    """A parameter the statement does not use is a caller out of date the other way (a
    renamed parameter: the statement reads null where the caller meant a value). A call
    naming its statement by a pattern passes what any of them uses."""
    used = set().union(*(_parameters(name) for name in call.statements))
    extra = call.keywords - used
    assert not extra, f"{call.where} passes ${', $'.join(sorted(extra))}, unused by its statement"
