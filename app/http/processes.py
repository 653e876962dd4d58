"""`mercator serve`'s processes: the web server and a deployment worker, side by side.

The web server (gunicorn) and `mercator worker` run as child processes of `mercator serve`,
each in a process group of its own, so a terminal's Ctrl-C reaches only `serve`, which
passes one SIGTERM per signal it gets to both (a second one makes the worker stop its
running deployment at once). On Linux each child also gets SIGTERM should `serve` die
without passing one on (`PR_SET_PDEATHSIG`), so neither outlives it unwatched.

When one child ends by itself the other is stopped too and `serve` exits with the code of
the first: an orchestrator then restarts the pair, rather than a web server without its
worker (or the reverse) running on unnoticed.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

#: prctl(2) option: the signal this process gets when its parent ends.
_PR_SET_PDEATHSIG = 1
#: Seconds between two looks at the children.
_POLL = 0.2


@dataclass
class Child:
    """A command to run, and how long it may take to stop once asked (SIGTERM)."""

    name: str
    argv: list[str]
    stop_timeout: float
    process: subprocess.Popen | None = field(default=None, repr=False)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal(self, signum: int) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signum)


def supervise(
    children: list[Child],
    env: Mapping[str, str] | None = None,
    echo: Callable[[str], None] = lambda message: print(message, file=sys.stderr),
) -> int:
    """Start `children`, run until a signal (SIGTERM, SIGINT) or until one of them ends,
    then stop the others and wait for them. Returns the exit code for `serve`: 0 after a
    signal when every child stopped cleanly, else the first non-zero code seen."""
    received: list[int] = []

    def on_signal(signum: int, _frame) -> None:
        received.append(signum)
        for child in children:
            child.signal(signal.SIGTERM)

    previous = {
        signum: signal.signal(signum, on_signal) for signum in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        for child in children:
            child.process = subprocess.Popen(
                child.argv,
                env=dict(env) if env is not None else None,
                stdin=subprocess.DEVNULL,
                process_group=0,
                preexec_fn=_parent_death_signal(os.getpid()),
            )
            echo(f"serve: {child.name} started (pid {child.process.pid})")
        first_ended: Child | None = None
        while not received and first_ended is None:
            first_ended = next((c for c in children if c.process.poll() is not None), None)
            if first_ended is None:
                time.sleep(_POLL)
        if first_ended is not None:
            echo(
                f"serve: {first_ended.name} ended with {first_ended.process.returncode}; "
                "stopping the rest"
            )
            for child in children:
                child.signal(signal.SIGTERM)
        return _wait_all(children, first_ended, echo)
    finally:
        for child in children:  # an exception above: leave nothing running
            if child.alive():
                _kill_group(child)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _wait_all(children: list[Child], first_ended: Child | None, echo) -> int:
    for child in children:
        deadline = time.monotonic() + child.stop_timeout
        while child.alive() and time.monotonic() < deadline:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.process.wait(timeout=_POLL)
        if child.alive():
            echo(f"serve: {child.name} did not stop within {child.stop_timeout:g} s; killing it")
            _kill_group(child)
    if first_ended is not None:  # it was not asked to end: never a success
        return _exit_code(first_ended.process.returncode) or 1
    return next((code for c in children if (code := _exit_code(c.process.returncode))), 0)


def _exit_code(returncode: int) -> int:
    """A child's return code as an exit code; ended by SIGTERM or SIGINT is a clean stop."""
    if returncode in (-signal.SIGTERM, -signal.SIGINT):
        return 0
    return returncode if returncode >= 0 else 128 - returncode


def _kill_group(child: Child) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.process.pid, signal.SIGKILL)
    child.process.wait()


def _parent_death_signal(parent: int) -> Callable[[], None] | None:
    """For `preexec_fn` on Linux: SIGTERM this child when `parent` ends (None elsewhere)."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)

    def arrange() -> None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent ended before prctl took effect
            os.kill(os.getpid(), signal.SIGTERM)

    return arrange
