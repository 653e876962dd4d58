"""The `gitops` engine: a deployment is a commit of the desired versions to a Git repository.

Teams that run Argo CD or Flux let no pipeline touch the cluster; the controller applies
what the repository declares. So this engine clones the environment's repository, sets
the version (tag, digest, image) of each deployed component where its configuration says
(a Kustomize `images:` entry, Helm values keys, or any YAML key), commits that with the
deployment id, the application version and each component's from → to in the message, and
pushes. The files are edited in place by `app.deploy.yaml_edit`, so the commit's diff holds
exactly the changed values and every other byte stays.

Git is the `git` binary, run as processes through `app.deploy.runner` (each command logged,
timed out, cancellable like any engine's): it is what every GitOps repository already uses,
with its credential helpers, SSH and hooks; a library would speak the protocol differently
from the controller that reads the same repository.

A push rejected because the branch moved (someone else pushed: not a fast-forward) is
retried: fetch, reset to the new head, redo the edits, commit and push again, at most
`push_attempts` times. Mercator never force-pushes and never rewrites history; a rollback is
a new commit of the earlier versions. Edits that change nothing make no commit: the
deployment succeeds with the head that already declares the versions.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from app.catalog.engine_settings import DEFAULT_TIMEOUT, PLACEHOLDER
from app.deploy import engines, runner, yaml_edit
from app.errors import Invalid

DEFAULT_BRANCH = "main"
DEFAULT_AUTHOR = ("Mercator", "mercator@localhost")
DEFAULT_MESSAGE = "Deploy {target} to {environment}"
#: What `git push --porcelain` says of a ref refused because it moved: seen moved before
#: sending (`[rejected]`), or moved by a push that landed while ours was being received
#: (`[remote rejected]`, the ref's lock or old value: two environments sharing a repository
#: push at the same moment).
_MOVED = {
    "[rejected]": ("(fetch first)", "(non-fast-forward)", "(stale info)"),
    "[remote rejected]": ("cannot lock ref", "failed to update ref", "incorrect old value"),
}


@dataclass(frozen=True)
class Change:
    """One value changed in one file for one component."""

    component: str
    file: str
    key: str
    before: str | None
    after: str | None


class _Stopped(Exception):
    """A git command ended the deployment (failed, timed out, cancelled)."""

    def __init__(self, outcome: runner.Outcome) -> None:
        super().__init__(outcome.reason)
        self.outcome = outcome


class _Git:
    """Runs git commands in one work directory, each logged through `report`, all within
    one deadline; the environment carries the author and the push credentials."""

    def __init__(
        self,
        config: dict[str, Any],
        folder: str,
        worker_env: dict[str, str],
        report: runner.Report,
        halt: threading.Event,
        interval: float,
    ) -> None:
        self.report = report
        self.halt = halt
        self.interval = interval
        self.secret_values = engines.secrets(config)
        self.timeout = float(config.get("timeout", DEFAULT_TIMEOUT))
        self.deadline = time.monotonic() + self.timeout
        name, email = (
            config.get("author_name", DEFAULT_AUTHOR[0]),
            config.get("author_email", DEFAULT_AUTHOR[1]),
        )
        fixed = {
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
            # Never wait for a password on a terminal nobody watches; messages git prints in
            # English, so a refused push is recognised.
            "GIT_TERMINAL_PROMPT": "0",
            "LC_ALL": "C",
        }
        if "password_env" in config:
            fixed["GIT_ASKPASS"] = _askpass(folder, config["password_env"])
            fixed["GITOPS_USERNAME"] = config.get("username", "mercator")
        self.env = engines.process_env(config, worker_env, fixed)
        self.checkout = os.path.join(folder, "repository")

    def __call__(self, *args: str, check: bool = True, cwd: str | None = None) -> tuple[int, str]:
        """(exit code, output) of `git args...`; a failure ends the deployment when `check`."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise _Stopped(
                runner.Outcome("timed_out", None, f"still running after {self.timeout:g} s")
            )
        output: list[str] = []

        def collect(text: str, dropped: int = 0) -> bool:
            output.append(text)
            return self.report(text, dropped)

        plan = engines.Plan(
            "gitops",
            [["git", *args]],
            self.env,
            remaining,
            cwd or self.checkout,
            self.secret_values,
        )
        outcome = runner.run(plan, collect, self.interval, halt=self.halt)
        text = "".join(output[1:])  # output[0] is the "$ git ..." line
        if outcome.status in ("cancelled", "timed_out") or outcome.exit_code is None:
            raise _Stopped(outcome)
        if outcome.exit_code != 0 and check:
            raise _Stopped(
                runner.Outcome("failed", outcome.exit_code, self.scrub(_last_line(text, args)))
            )
        return outcome.exit_code, text

    def scrub(self, text: str) -> str:
        return engines.scrub(text, self.secret_values)


def _askpass(folder: str, variable: str) -> str:
    """A GIT_ASKPASS program answering git's prompts from the environment: the password
    (or token) never is on a command line, in a URL or in a file."""
    path = os.path.join(folder, "askpass.sh")
    with open(path, "w", encoding="utf-8") as file:
        file.write(
            "#!/bin/sh\n"
            'case "$1" in\n'
            '  Username*) printf "%s\\n" "$GITOPS_USERNAME" ;;\n'
            f'  *) printf "%s\\n" "${variable}" ;;\n'
            "esac\n"
        )
    os.chmod(path, stat.S_IRWXU)
    return path


def _last_line(output: str, args: tuple[str, ...]) -> str:
    """Why a git command failed, in git's words: its last `fatal:`/`error:` line, or the
    refused ref of a push (`!` in --porcelain), else its last line."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    said = [line for line in lines if line.startswith(("fatal:", "error:", "!"))]
    why = (said or lines or ["no output"])[-1]
    return f"git {args[0]} failed: {' '.join(why.split())}"


def writer_for(config: dict[str, Any], component: str) -> dict[str, Any]:
    """How `component`'s version is written: its own entry, else the default with
    {component} filled in; a component neither names is refused (the repository would
    declare something other than what was deployed)."""
    writer = config.get("components", {}).get(component) or config.get("default")
    if writer is None:
        raise Invalid(
            f"the gitops engine does not say where component {component!r} is written; "
            "add it under components (or give a default)",
            {"components": [component]},
        )
    return {
        key: PLACEHOLDER.sub(lambda m: component, value) if isinstance(value, str) else value
        for key, value in writer.items()
    }


def _targets(writer: dict[str, Any], member: dict[str, Any], document: Any, where: str):
    """[(key path, display key, value or REMOVE)] a writer sets for one component version."""
    version, digest, image = member["version"], member.get("digest"), member.get("image")
    kind = writer["format"]
    if kind == "kustomize":
        name = writer.get("name", member["component"])
        images = document.get("images") if isinstance(document, dict) else None
        index = next(
            (
                i
                for i, entry in enumerate(images or [])
                if isinstance(entry, dict) and entry.get("name") == name
            ),
            None,
        )
        if index is None:
            raise Invalid(
                f"{where} has no images entry named {name!r}", {"key": [f"images[name={name}]"]}
            )
        prefix = ("images", index)
        wanted = [("newTag", version), ("digest", digest or yaml_edit.REMOVE)]
        if writer.get("new_name"):
            wanted.insert(0, ("newName", _needed(image, "an image", member)))
        return [((*prefix, key), f"images[{name}].{key}", value) for key, value in wanted]
    if kind == "helm":
        values = {"repository": image, "tag": version, "digest": digest}
        targets = []
        for role in ("repository", "tag", "digest"):
            if role not in writer or (role == "repository" and not image):
                continue
            value = values[role] if values[role] else yaml_edit.REMOVE
            targets.append((_path(writer[role]), writer[role], value))
        return targets
    value = writer.get("value", "version")
    if value == "version":
        wanted = version
    elif value == "digest":
        wanted = _needed(digest, "a digest", member)
    elif value == "image":
        wanted = _needed(image, "an image", member)
    else:
        wanted = f"{_needed(image, 'an image', member)}:{version}" + (
            f"@{digest}" if digest else ""
        )
    return [(_path(writer["key"]), writer["key"], wanted)]


def _needed(value: str | None, what: str, member: dict[str, Any]) -> str:
    if not value:
        raise Invalid(
            f"{member['component']} {member['version']} has no {what} to write",
            {"components": [member["component"]]},
        )
    return value


def _path(dotted: str) -> tuple[str | int, ...]:
    """A dotted key path; a part of digits indexes a list."""
    return tuple(int(part) if part.isdigit() else part for part in dotted.split("."))


def edit(checkout: str, config: dict[str, Any], deployment: dict[str, Any]) -> list[Change]:
    """Set every deployed component's values in the checkout's files; the changes made
    (none when the files declare these versions already). Each file is parsed once, edited
    in one pass, and written only when its text changes."""
    base = config.get("path", "")
    texts: dict[str, str] = {}
    documents: dict[str, Any] = {}
    wanted: dict[str, list[tuple[tuple, Any]]] = {}
    changes: list[Change] = []
    for member in deployment["components"]:
        writer = writer_for(config, member["component"])
        relative = os.path.normpath(os.path.join(base, writer["file"]))
        if relative not in texts:
            try:
                with open(os.path.join(checkout, relative), encoding="utf-8", newline="") as file:
                    texts[relative] = file.read()
            except FileNotFoundError as exc:
                raise Invalid(
                    f"the repository has no file {relative} on its branch", {"file": [relative]}
                ) from exc
            documents[relative] = yaml_edit.load(texts[relative], relative)
        for path, key, value in _targets(writer, member, documents[relative], relative):
            before = _current(documents[relative], path)
            after = None if value is yaml_edit.REMOVE else value
            if before != after:
                wanted.setdefault(relative, []).append((path, value))
                changes.append(Change(member["component"], relative, key, before, after))
    for relative, values in wanted.items():
        text = yaml_edit.set_values(texts[relative], values, relative, documents[relative])
        if text != texts[relative]:
            with open(os.path.join(checkout, relative), "w", encoding="utf-8", newline="") as file:
                file.write(text)
    return changes


def _current(document: Any, path: tuple) -> str | None:
    try:
        value = yaml_edit.lookup(document, path)
    except (KeyError, IndexError, TypeError):
        return None
    return None if value is None else str(value)


def message(config: dict[str, Any], deployment: dict[str, Any], changes: list[Change]) -> str:
    """The commit message: the configured first line, then each component's from → to,
    then trailers naming the deployment (so the history says which deployment made it)."""
    application, version = deployment.get("application"), deployment.get("version")
    target = (
        f"{application} {version}"
        if application and version
        else ", ".join(f"{c['component']} {c['version']}" for c in deployment["components"])
    )
    fields = {
        "deployment_id": deployment["id"],
        "application": application or "",
        "version": version or "",
        "environment": deployment["environment"]["name"],
        "target": target,
    }
    subject = PLACEHOLDER.sub(
        lambda m: fields.get(m.group(1), m.group(0)), config.get("message", DEFAULT_MESSAGE)
    )
    lines = [subject, ""]
    changed = [
        m for m in deployment["components"] if any(c.component == m["component"] for c in changes)
    ]
    for member in changed:
        own = [c for c in changes if c.component == member["component"]]
        primary = next((c for c in own if c.after == member["version"]), own[0])
        lines.append(
            f"- {member['component']}: {primary.before or 'none'} → {primary.after or 'none'}"
        )
        lines += [
            f"    {c.key}: {c.before or 'none'} → {c.after or 'none'}"
            for c in own
            if c is not primary
        ]
    lines += ["", f"Mercator-Deployment: {deployment['id']}"]
    if application and version:
        lines.append(f"Mercator-Application: {application} {version}")
    lines.append(f"Mercator-Environment: {deployment['environment']['name']}")
    return "\n".join(lines) + "\n"


def _clone(git: _Git, config: dict[str, Any], folder: str) -> None:
    git(
        "clone",
        "--quiet",
        "--single-branch",
        "--branch",
        config.get("branch", DEFAULT_BRANCH),
        "--",
        config["repository"],
        git.checkout,
        cwd=folder,
    )


def deploy(
    config: dict[str, Any],
    deployment: dict[str, Any],
    report: runner.Report,
    folder: str,
    worker_env: dict[str, str],
    halt: threading.Event | None = None,
    interval: float = 1.0,
) -> runner.Outcome:
    """Commit and push the deployment's versions; succeeded (with the commit) once pushed,
    or when the repository declares them already (no new commit)."""
    git = _Git(config, folder, worker_env, report, halt or threading.Event(), interval)
    branch = config.get("branch", DEFAULT_BRANCH)
    attempts = config.get("push_attempts", 3)
    try:
        report(f"gitops: {git.scrub(config['repository'])} branch {branch}\n")
        _clone(git, config, folder)
        for attempt in range(1, attempts + 1):
            changes = _edit_logged(git, config, deployment)
            if not changes:
                _, head = git("rev-parse", "HEAD")
                report("nothing to change: the branch declares these versions already\n")
                return runner.Outcome("succeeded", 0, "no change: already declared", head.strip())
            git("add", "--", *sorted({c.file for c in changes}))
            message_file = os.path.join(folder, "message.txt")
            with open(message_file, "w", encoding="utf-8") as file:
                file.write(message(config, deployment, changes))
            git("commit", "--quiet", "--file", message_file)
            _, head = git("rev-parse", "HEAD")
            commit = head.strip()
            code, output = git(
                "push", "--porcelain", "origin", f"HEAD:refs/heads/{branch}", check=False
            )
            if code == 0:
                report(f"pushed {commit} to {branch}\n")
                return runner.Outcome("succeeded", 0, None, commit)
            if not _moved(output):
                return runner.Outcome(
                    "failed", code, git.scrub(_last_line(output, ("push",))), None
                )
            if attempt == attempts:
                return runner.Outcome(
                    "failed", code, f"push rejected {attempts} times: {branch} keeps moving", None
                )
            report(
                f"{branch} moved since the clone (attempt {attempt} of {attempts}): fetching "
                "and editing again\n"
            )
            git("fetch", "--quiet", "origin", branch)
            git("reset", "--quiet", "--hard", "FETCH_HEAD")
    except _Stopped as stopped:
        return stopped.outcome
    raise AssertionError("unreachable: every attempt returns")


def _moved(push_output: str) -> bool:
    """Whether a refused push was refused only because the branch moved meanwhile."""
    return any(
        refusal in push_output and any(why in push_output for why in whys)
        for refusal, whys in _MOVED.items()
    )


def _edit_logged(git: _Git, config: dict[str, Any], deployment: dict[str, Any]) -> list[Change]:
    """Edit the checkout; its diff goes to the log."""
    changes = edit(git.checkout, config, deployment)
    if changes:
        git("diff", "--no-color")
    return changes


@contextlib.contextmanager
def _checkout(config: dict[str, Any], worker_env: dict[str, str]) -> Iterator[_Git]:
    """A fresh clone of the branch in a temporary folder (gone afterwards), for reading
    only: git's refusal is `Invalid` naming the repository."""

    def ignore(text: str, dropped: int = 0) -> bool:
        return False  # no log to write: the answer holds what matters

    with tempfile.TemporaryDirectory(prefix="mercator-gitops-") as folder:
        git = _Git(config, folder, worker_env, ignore, threading.Event(), 1.0)
        try:
            _clone(git, config, folder)
            yield git
        except _Stopped as stopped:
            raise Invalid(
                f"the repository cannot be read: {stopped.outcome.reason}",
                {"repository": [git.scrub(config["repository"])]},
            ) from None


def preview(
    config: dict[str, Any], deployment: dict[str, Any], worker_env: dict[str, str]
) -> dict[str, Any]:
    """What a deployment would commit, without committing: the changes and the diff (a dry
    run)."""
    with _checkout(config, worker_env) as git:
        changes = edit(git.checkout, config, deployment)
        _, diff = git("diff", "--no-color") if changes else (0, "")
    return {
        "engine": "gitops",
        "repository": git.scrub(config["repository"]),
        "branch": config.get("branch", DEFAULT_BRANCH),
        "path": config.get("path", ""),
        "success": config.get("success", "on_push"),
        "changes": [asdict(change) for change in changes],
        "message": message(config, deployment, changes) if changes else None,
        "diff": git.scrub(diff),
        "timeout": git.timeout,
        "deployment": deployment,
    }


def declared(
    config: dict[str, Any], components: list[str], worker_env: dict[str, str]
) -> dict[str, Any]:
    """What the branch's head declares for each of `components`: {commit, components:
    {name: {file, key, image, tag, digest, problem}}}. A component no writer names, or
    whose file or entry is missing, has a `problem` saying so instead of values."""
    with _checkout(config, worker_env) as git:
        _, head = git("rev-parse", "HEAD")
        documents: dict[str, Any] = {}
        found = {name: _declared_one(git.checkout, config, name, documents) for name in components}
    return {"commit": head.strip(), "components": found}


def _declared_one(
    checkout: str, config: dict[str, Any], component: str, documents: dict[str, Any]
) -> dict[str, Any]:
    shown = {"file": None, "key": None, "image": None, "tag": None, "digest": None}
    try:
        writer = writer_for(config, component)
        relative = os.path.normpath(os.path.join(config.get("path", ""), writer["file"]))
        shown["file"] = relative
        if relative not in documents:
            try:
                with open(os.path.join(checkout, relative), encoding="utf-8") as file:
                    documents[relative] = yaml_edit.load(file.read(), relative)
            except FileNotFoundError:
                raise Invalid(f"the repository has no file {relative}") from None
        return {**shown, **_read_writer(writer, component, documents[relative], relative)}
    except Invalid as exc:
        return {**shown, "problem": exc.message}


def _read_writer(
    writer: dict[str, Any], component: str, document: Any, where: str
) -> dict[str, Any]:
    """{key, image, tag, digest, problem} a writer's place in `document` holds (the
    reverse of `_targets`)."""
    kind = writer["format"]
    if kind == "kustomize":
        name = writer.get("name", component)
        images = document.get("images") if isinstance(document, dict) else None
        entry = next(
            (e for e in images or [] if isinstance(e, dict) and e.get("name") == name), None
        )
        if entry is None:
            raise Invalid(f"{where} has no images entry named {name!r}")
        values = {
            "image": _text(entry.get("newName")) or name,
            "tag": _text(entry.get("newTag")),
            "digest": _text(entry.get("digest")),
        }
        return {"key": f"images[{name}]", **values, "problem": None}
    if kind == "helm":
        values = {
            field: _current(document, _path(writer[role])) if role in writer else None
            for field, role in (("image", "repository"), ("tag", "tag"), ("digest", "digest"))
        }
        return {"key": writer.get("tag") or writer.get("digest"), **values, "problem": None}
    held = _current(document, _path(writer["key"]))
    value = writer.get("value", "version")
    values: dict[str, str | None] = {"image": None, "tag": None, "digest": None}
    if held is None:
        pass
    elif value == "version":
        values["tag"] = held
    elif value == "digest":
        values["digest"] = held
    elif value == "image":
        values["image"] = held
    else:
        name, _, digest = held.partition("@")
        image, colon, tag = name.rpartition(":")
        if not colon or "/" in tag:
            image, tag = name, None
        values = {"image": image, "tag": tag, "digest": digest or None}
    return {"key": writer["key"], **values, "problem": None}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
