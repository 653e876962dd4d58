"""Run Neo4j 5.26 Community on this machine without Docker.

The server comes from Maven Central: `neo4j/pom.xml` names `org.neo4j:neo4j` (which holds
`org.neo4j.server.CommunityEntryPoint`) and `org.neo4j.client:neo4j-browser`, and Maven
copies their jars into `<home>/lib` once. We then start the JVM ourselves, in the
background, with a `neo4j.conf` written from `Settings.local`: loopback only, our ports,
heap and page cache sized for the machine, auth on with the configured password.

The same code serves `mercator neo4j start|stop|status` and the test suite's fallback
server, so what the tests run is what a developer runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from app.config import Settings
from app.errors import LocalServerError, Unavailable
from app.graph.db import CredentialsRefused, Graph

ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
ADMIN_TOOL = "org.neo4j.cli.AdminTool"

#: `db.relationship_grouping_threshold`: past this many relationships Neo4j keeps a node's
#: relationships in one chain per type and direction instead of one chain of them all. The
#: reports expand by type from nodes that hold several kinds (an application version's
#: deployments, DEPLOYED_NOW and PREVIOUS edges besides its INCLUDES; a component's versions
#: and consumers besides its owner), and on a single chain each such step reads past every
#: other kind first. Under Neo4j's default of 50 (the large benchmark catalog's
#: application versions hold 39), testing whether each of its busiest hub's 15,883
#: candidate application versions includes an affected version read 322,000 records;
#: grouped, 100,000. `app.admin.database.regroup` groups a graph written before.
RELATIONSHIP_GROUPING_THRESHOLD = 10

#: The JVM flags Neo4j's own launcher passes: the module openings its storage and network
#: code need on Java 17, plus its logging defaults. The collector is not its G1 but the
#: parallel one, for a heap of a few GiB on 2 cores: a large report makes hundreds of MiB
#: of short-lived rows, and G1 copied them in young pauses of 70-160 ms and ran concurrent
#: marking on one of the two cores. On the large benchmark catalog, two rounds of each
#: taken in turn, the busiest hub's blast radius took 468 and 474 ms (median) with G1, 331
#: and 429 with this one; collecting took 28-32 ms of each query against 6-8. The old
#: generation grew 25 KiB a query, so a full collection is rare.
JVM_FLAGS = [
    "-XX:+UseParallelGC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockExperimentalVMOptions",
    "-XX:+TrustFinalNonStaticFields",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.tls.ephemeralDHKeySize=2048",
    "-Djdk.tls.rejectClientInitiatedRenegotiation=true",
    "-Dlog4j2.disable.jmx=true",
    "-Dfile.encoding=UTF-8",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
]


@dataclass(frozen=True)
class Status:
    running: bool
    pid: int | None
    bolt_uri: str
    browser_url: str
    home: Path


def _pom() -> Path:
    """The Maven manifest: packaged in the wheel, or at the top of a checkout."""
    package_dir = Path(__file__).resolve().parent.parent
    for candidate in (package_dir / "neo4j" / "pom.xml", package_dir.parent / "neo4j" / "pom.xml"):
        if candidate.is_file():
            return candidate
    raise LocalServerError(f"no neo4j/pom.xml next to {package_dir}")


class LocalServer:
    """One Neo4j server living under `settings.local.home`."""

    def __init__(self, settings: Settings, echo: Callable[[str], None] | None = None) -> None:
        self.settings = settings
        self.local = settings.local
        self.home = self.local.home.resolve()
        self.echo = echo or (lambda message: None)

    # Layout -------------------------------------------------------------------------
    @property
    def lib_dir(self) -> Path:
        return self.home / "lib"

    @property
    def conf_dir(self) -> Path:
        return self.home / "conf"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    @property
    def pid_file(self) -> Path:
        return self.home / "run" / "neo4j.pid"

    @property
    def console_log(self) -> Path:
        return self.logs_dir / "console.log"

    @property
    def bolt_uri(self) -> str:
        return f"bolt://127.0.0.1:{self.local.bolt_port}"

    # Install ------------------------------------------------------------------------
    def install(self) -> None:
        """Copy the Neo4j jars from Maven Central into lib/, unless the same pom did already."""
        pom = _pom()
        digest = hashlib.sha256(pom.read_bytes()).hexdigest()
        marker = self.lib_dir / ".installed-from"
        if marker.is_file() and marker.read_text().strip() == digest:
            return
        mvn = shutil.which("mvn")
        if mvn is None:
            raise LocalServerError("Maven (mvn) is not on PATH; it fetches Neo4j's jars once")
        self.echo(f"Fetching Neo4j jars with Maven into {self.lib_dir} (once)...")
        staging = self.home / "lib.partial"
        shutil.rmtree(staging, ignore_errors=True)
        command = [
            mvn,
            "-B",
            "-q",
            "-f",
            str(pom),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={staging}",
            "-DincludeScope=runtime",
        ]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
            raise LocalServerError(f"Maven could not fetch Neo4j (exit {done.returncode}):\n{tail}")
        (staging / ".installed-from").write_text(digest + "\n")
        shutil.rmtree(self.lib_dir, ignore_errors=True)
        staging.rename(self.lib_dir)

    def write_config(self) -> Path:
        """Write conf/neo4j.conf from the settings (overwritten at every start)."""
        local = self.local
        self.conf_dir.mkdir(parents=True, exist_ok=True)
        path = self.conf_dir / "neo4j.conf"
        path.write_text(
            "\n".join(
                [
                    "# Written by `mercator neo4j start` from MERCATOR_NEO4J_* settings;",
                    "# edits here are overwritten at the next start.",
                    "server.default_listen_address=127.0.0.1",
                    "server.default_advertised_address=127.0.0.1",
                    f"server.bolt.listen_address=127.0.0.1:{local.bolt_port}",
                    f"server.bolt.advertised_address=127.0.0.1:{local.bolt_port}",
                    f"server.http.listen_address=127.0.0.1:{local.http_port}",
                    f"server.http.advertised_address=127.0.0.1:{local.http_port}",
                    "server.https.enabled=false",
                    f"server.directories.data={self.data_dir}",
                    f"server.directories.logs={self.logs_dir}",
                    f"server.directories.run={self.pid_file.parent}",
                    f"server.directories.import={self.home / 'import'}",
                    f"server.directories.plugins={self.home / 'plugins'}",
                    f"server.memory.heap.initial_size={local.heap}",
                    f"server.memory.heap.max_size={local.heap}",
                    f"server.memory.pagecache.size={local.pagecache}",
                    f"db.transaction.timeout={local.transaction_timeout}",
                    f"db.relationship_grouping_threshold={RELATIONSHIP_GROUPING_THRESHOLD}",
                    *(
                        [f"db.memory.transaction.max={local.transaction_memory}"]
                        if local.transaction_memory
                        else []
                    ),
                    "dbms.security.auth_enabled=true",
                    "dbms.usage_report.enabled=false",
                    "",
                ]
            ),
            encoding="utf-8",
        )
        return path

    # Process ------------------------------------------------------------------------
    def status(self) -> Status:
        pid = self._running_pid()
        return Status(
            running=pid is not None,
            pid=pid,
            bolt_uri=self.bolt_uri,
            browser_url=f"http://127.0.0.1:{self.local.http_port}/browser/",
            home=self.home,
        )

    def start(self) -> bool:
        """Start the server and wait until Bolt answers. False when it was already running.

        The home is the caller's alone (0700, its store files 0600, see `private`): the
        store holds every property in the clear, API token hashes and engine secrets
        included, and under the usual umask 022 Neo4j would leave it world-readable."""
        if self._running_pid() is not None:
            return False
        with private(self.home):
            return self._start()

    def _start(self) -> bool:
        java = _java()
        self.install()
        for port in (self.local.bolt_port, self.local.http_port):
            if _port_in_use(port):
                raise LocalServerError(
                    f"port {port} on 127.0.0.1 is taken by another process; "
                    "set MERCATOR_NEO4J_BOLT_PORT / MERCATOR_NEO4J_HTTP_PORT"
                )
        self.write_config()
        for folder in (self.data_dir, self.logs_dir, self.pid_file.parent):
            folder.mkdir(parents=True, exist_ok=True)
        self._set_initial_password(java)
        command = [
            java,
            *JVM_FLAGS,
            f"-Xms{self.local.heap}",
            f"-Xmx{self.local.heap}",
            "-cp",
            f"{self.lib_dir}/*",
            ENTRY_POINT,
            f"--home-dir={self.home}",
            f"--config-dir={self.conf_dir}",
            "--console-mode",
        ]
        self.echo(
            f"Starting Neo4j (Bolt {self.bolt_uri}, heap {self.local.heap}, "
            f"page cache {self.local.pagecache})..."
        )
        with open(self.console_log, "ab") as log:
            process = subprocess.Popen(
                command,
                cwd=self.home,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pid_file.write_text(f"{process.pid}\n")
        try:
            self._wait_until_answering(process)
        except BaseException:
            _terminate(process.pid, grace=10)
            self.pid_file.unlink(missing_ok=True)
            raise
        return True

    def stop(self, grace: float = 60.0) -> bool:
        """SIGTERM (Neo4j checkpoints and closes its stores), then SIGKILL after `grace`
        seconds. False when nothing was running."""
        pid = self._running_pid()
        if pid is None:
            return False
        self.echo(f"Stopping Neo4j (pid {pid})...")
        _terminate(pid, grace)
        self.pid_file.unlink(missing_ok=True)
        return True

    def log_tail(self, lines: int = 40) -> str:
        texts = []
        for path in (self.console_log, self.logs_dir / "debug.log"):
            if path.is_file():
                content = path.read_text(encoding="utf-8", errors="replace").splitlines()
                texts.append(f"--- {path} ---\n" + "\n".join(content[-lines:]))
        return "\n".join(texts) or "(no log written)"

    # Internals ----------------------------------------------------------------------
    def _running_pid(self) -> int | None:
        """The pid from the pid file if that process is our Neo4j; clears a stale file."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        if _is_our_server(pid, self.home):
            return pid
        self.pid_file.unlink(missing_ok=True)
        return None

    def _set_initial_password(self, java: str) -> None:
        """Before the very first start, give the `neo4j` user the configured password."""
        if (self.data_dir / "dbms").exists():
            return
        done = subprocess.run(
            [
                java,
                "-cp",
                f"{self.lib_dir}/*",
                ADMIN_TOOL,
                "dbms",
                "set-initial-password",
                self.settings.neo4j_password,
            ],
            env={**os.environ, "NEO4J_HOME": str(self.home), "NEO4J_CONF": str(self.conf_dir)},
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise LocalServerError(
                f"could not set the initial password (exit {done.returncode}):\n"
                + (done.stdout + done.stderr)[-2000:]
            )

    def _wait_until_answering(self, process: subprocess.Popen[bytes]) -> None:
        probe_settings = replace(
            self.settings, neo4j_uri=self.bolt_uri, retry_time=0.0, connect_timeout=2.0
        )
        graph = Graph.from_settings(probe_settings)
        deadline = time.monotonic() + self.local.start_timeout
        try:
            while True:
                if process.poll() is not None:
                    raise LocalServerError(
                        f"Neo4j exited with code {process.returncode} while starting:\n"
                        + self.log_tail()
                    )
                try:
                    graph.ping()
                    return
                except CredentialsRefused as exc:
                    raise LocalServerError(
                        "Neo4j is up but refuses the configured password; the data folder "
                        f"{self.data_dir} was created with another one "
                        "(set MERCATOR_NEO4J_PASSWORD to it, or remove the folder)"
                    ) from exc
                except Unavailable:
                    pass
                if time.monotonic() > deadline:
                    raise LocalServerError(
                        f"Neo4j did not answer on {self.bolt_uri} within "
                        f"{self.local.start_timeout:.0f}s:\n" + self.log_tail()
                    )
                time.sleep(0.5)
        finally:
            graph.close()


#: The umask the local server and everything it writes is created under: owner only.
PRIVATE_UMASK = 0o077


@contextlib.contextmanager
def private(home: Path):
    """Make `home` (created if need be) 0700 and whatever it holds owner-only (files of a
    home made before were created under the caller's umask), and run the block under
    umask 077, so the files it and its child processes (Neo4j) create are 0600. The umask
    is the process's: `neo4j start` runs before any thread that writes files."""
    previous = os.umask(PRIVATE_UMASK)
    try:
        home.mkdir(parents=True, exist_ok=True)
        home.chmod(0o700)
        for folder, folders, files in os.walk(home):
            for name in folders:
                (Path(folder) / name).chmod(0o700)
            for name in files:
                path = Path(folder) / name
                if not path.is_symlink():
                    path.chmod(path.stat().st_mode & 0o700)
        yield
    finally:
        os.umask(previous)


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    java = str(Path(java_home) / "bin" / "java") if java_home else shutil.which("java")
    if not java or not Path(java).exists():
        raise LocalServerError("Java 17 or 21 is needed to run Neo4j; none found (JAVA_HOME/PATH)")
    return java


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _is_our_server(pid: int, home: Path) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not cmdline.exists():  # not Linux: trust the live pid
        return sys.platform != "linux"
    args = cmdline.read_bytes().split(b"\0")
    return ENTRY_POINT.encode() in args and f"--home-dir={home}".encode() in args


def _terminate(pid: int, grace: float) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    if not _wait_gone(pid, grace):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            return
        _wait_gone(pid, 30)


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        # Reap it if it is our child (tests), so it does not linger as a zombie.
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        if _is_zombie(pid):
            return True
        time.sleep(0.2)
    return False


def _is_zombie(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().split(")")[-1].split()[0] == "Z"
    except (FileNotFoundError, IndexError):
        return False
