"""Peak memory of processes (the API's gunicorn master and workers, Neo4j's JVM), and the
machine's load while a benchmark runs — other work may share it, and its numbers say so.

The kernel's high-water mark (`VmHWM` in /proc/<pid>/status) is the peak resident set of
a process; writing 5 to /proc/<pid>/clear_refs resets it, so a phase can be measured on
its own. A sampler thread also records the peak of the summed RSS of a process group.

The load average lags and counts only runnable tasks; the CPU shares (/proc/stat) over the
sampler's life say how busy the cores were and how much time the hypervisor gave to other
guests (steal): a run slower than the last at the same load may have had less machine.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path


def children(pid: int) -> list[int]:
    """Direct child processes of `pid` (gunicorn's workers of its master)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def status_kb(pid: int, field: str) -> int:
    """A `kB` field of /proc/<pid>/status (`VmHWM`, `VmRSS`), 0 when the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def reset_peak(pids: list[int]) -> bool:
    """Restart the high-water marks; False when the kernel refuses (then they span the
    process's whole life)."""
    try:
        for pid in pids:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def cpu_ticks() -> tuple[int, int, int]:
    """The machine's CPU time since boot, in ticks of all cores: total, busy (not idle nor
    waiting for I/O) and stolen by the hypervisor (the first line of /proc/stat)."""
    user, nice, system, idle, iowait, irq, softirq, steal = map(
        int, Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    total = user + nice + system + idle + iowait + irq + softirq + steal
    return total, total - idle - iowait - steal, steal


class Sampler:
    """Samples, every `interval` seconds until stopped, the summed RSS of each named group
    of processes and the 1-minute load average; and the CPU shares over its life."""

    def __init__(self, groups: dict[str, list[int]], interval: float = 0.25) -> None:
        self.groups, self.interval = groups, interval
        self.peak_rss_kb = dict.fromkeys(groups, 0)
        self.loads: list[float] = []
        self._cpu: list[tuple[int, int, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._cpu = [cpu_ticks()]
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._cpu.append(cpu_ticks())

    def cpu_summary(self) -> dict[str, float]:
        """Per cent of all cores' time while sampling: busy (any process) and stolen."""
        (total0, busy0, steal0), (total1, busy1, steal1) = self._cpu
        total = max(1, total1 - total0)
        return {
            "busy_percent": round(100 * (busy1 - busy0) / total, 1),
            "steal_percent": round(100 * (steal1 - steal0) / total, 1),
        }

    def _run(self) -> None:
        ticks = 0
        while not self._stop.wait(self.interval):
            for name, pids in self.groups.items():
                total = sum(status_kb(pid, "VmRSS") for pid in pids)
                self.peak_rss_kb[name] = max(self.peak_rss_kb[name], total)
            if ticks % max(1, round(5 / self.interval)) == 0:  # every ~5 s
                self.loads.append(os.getloadavg()[0])
            ticks += 1


def mib(kb: int) -> float:
    return round(kb / 1024, 1)


def load_summary(loads: list[float]) -> dict[str, float]:
    if not loads:
        loads = [os.getloadavg()[0]]
    return {
        "min": round(min(loads), 2),
        "mean": round(sum(loads) / len(loads), 2),
        "max": round(max(loads), 2),
    }
