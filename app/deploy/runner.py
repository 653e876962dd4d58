"""Running an engine's commands as real processes: output, timeout, cancellation.

Each command runs without a shell in a new session (its own process group), stdout and
stderr merged into one pipe read by a thread, so a command printing megabytes never
blocks on a full pipe. Every `interval` seconds the caller's `report` gets the new output
and answers whether a cancel was asked. On cancel or when the deadline passes the whole
process group gets SIGTERM, then SIGKILL after `KILL_GRACE` seconds — children a script
started go with it; the same when the caller's `halt` event is set (its worker is stopping
and cannot wait any longer): the outcome is then failed, "abandoned". The group is also
killed after the command exits, so nothing it left behind keeps running (or keeps the pipe
open).
"""

from __future__ import annotations

import codecs
import contextlib
import os
import shlex
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from app.deploy.engines import Plan

#: Seconds between SIGTERM and SIGKILL of a process group.
KILL_GRACE = 5.0
#: The reason of a deployment whose worker went away before its engine ended (the same a
#: sweep gives one whose worker died).
ABANDONED = "abandoned"
#: Characters of output held between two reports; older ones are dropped (and counted),
#: so a command printing faster than the log is written cannot fill the worker's memory.
BUFFER_LIMIT = 4 * 1024 * 1024
_READ_SIZE = 65536


@dataclass(frozen=True)
class Outcome:
    status: str
    exit_code: int | None = None
    reason: str | None = None
    #: The commit a gitops engine pushed (or found already declaring the versions).
    commit: str | None = None


Report = Callable[..., bool]


def run(
    plan: Plan, report: Report, interval: float = 1.0, halt: threading.Event | None = None
) -> Outcome:
    """Run the plan's commands in order until one fails.

    `report(text, dropped=0) -> cancel?` gets the output; `dropped` counts characters
    that came before `text` but were not kept (see BUFFER_LIMIT). Once `halt` is set the
    running command is stopped and nothing more starts: failed, `ABANDONED`."""
    halt = halt or threading.Event()
    deadline = time.monotonic() + plan.timeout
    if not plan.commands:
        report(f"engine {plan.kind}: nothing to run\n")
    for left_out in plan.skipped:
        report(f"skipped {left_out['component']} {left_out['version']}: {left_out['reason']}\n")
    for argv in plan.commands:
        if report("$ " + " ".join(shlex.quote(arg) for arg in argv) + "\n"):
            return Outcome("cancelled", None, "cancelled on request")
        if halt.is_set():
            report("the worker is stopping: not started\n")
            return Outcome("failed", None, ABANDONED)
        outcome = _run_one(argv, plan, deadline, report, interval, halt)
        if outcome.status != "succeeded":
            return outcome
    return Outcome("succeeded", 0)


def _run_one(
    argv: list[str],
    plan: Plan,
    deadline: float,
    report: Report,
    interval: float,
    halt: threading.Event,
) -> Outcome:
    try:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=plan.env,
            cwd=plan.working_dir,
            start_new_session=True,
        )
    except OSError as exc:
        reason = f"cannot start {argv[0]}: {exc.strerror or exc}"
        report(reason + "\n")
        return Outcome("failed", None, reason)
    output = _Output(process.stdout)
    outcome: Outcome | None = None
    try:
        while process.poll() is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=min(interval, max(deadline - time.monotonic(), 0.01)))
            if report(*output.take()):
                outcome = Outcome("cancelled", None, "cancelled on request")
            elif time.monotonic() >= deadline and process.poll() is None:
                outcome = Outcome("timed_out", None, f"still running after {plan.timeout:g} s")
            elif halt.is_set() and process.poll() is None:
                outcome = Outcome("failed", None, ABANDONED)
                report("the worker is stopping and cannot wait for the engine to end\n")
            if outcome is not None:
                report(f"{outcome.reason}: stopping process group {process.pid}\n")
                _kill_group(process)
                break
    finally:  # also when reporting failed: nothing of the engine may run on unwatched
        _kill_group(process, grace=0)
        output.close()
    report(*output.take())
    if outcome is not None:
        return Outcome(outcome.status, process.returncode, outcome.reason)
    if process.returncode != 0:
        return Outcome("failed", process.returncode, f"{argv[0]} exited with {process.returncode}")
    return Outcome("succeeded", 0)


def _kill_group(process: subprocess.Popen, grace: float = KILL_GRACE) -> None:
    """SIGTERM the process group, SIGKILL what is left after `grace` seconds."""
    try:
        if grace:
            os.killpg(process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=grace)
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


class _Output:
    """Reads a pipe on its own thread; `take()` returns what arrived since the last call:
    (text, characters dropped before it)."""

    def __init__(self, pipe) -> None:
        self._pipe = pipe
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._parts: list[str] = []
        self._size = 0
        self._dropped = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        fd = self._pipe.fileno()
        while chunk := os.read(fd, _READ_SIZE):
            text = self._decoder.decode(chunk)
            with self._lock:
                self._parts.append(text)
                self._size += len(text)
                while self._size > BUFFER_LIMIT and len(self._parts) > 1:
                    oldest = self._parts.pop(0)
                    self._size -= len(oldest)
                    self._dropped += len(oldest)
        with self._lock:
            self._parts.append(self._decoder.decode(b"", final=True))

    def take(self) -> tuple[str, int]:
        with self._lock:
            taken = "".join(self._parts), self._dropped
            self._parts, self._size, self._dropped = [], 0, 0
        return taken

    def close(self) -> None:
        self._thread.join(timeout=10)
        self._pipe.close()
