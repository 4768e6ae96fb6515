"""Run one command as a child process and measure it: wall time, CPU time, peak memory.

Two memory figures, because they answer different questions:
- `peak_rss_mb`: ru_maxrss from wait4, the largest resident set any single
  process of the tree reached (the kernel folds reaped grandchildren in);
- `tree_rss_mb`: the largest sum of resident sets over the whole process tree,
  sampled from /proc every `SAMPLE_SECONDS`. A stage with worker processes
  (ingest's extraction worker, spaCy's n_process) needs this one; it can miss
  a spike shorter than the sampling interval.
CPU seconds (user + system, children included) are less disturbed than wall
time when other work shares the machine, so both are recorded. Ingest's
extraction workers are forked by multiprocessing's forkserver, which the
command never waits for; so this process becomes a child subreaper (Linux),
adopts what the command leaves running when it exits and waits for it too,
and the workers' CPU time is counted with the command's.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.25
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True)
class Measurement:
    label: str
    argv: tuple[str, ...]
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    tree_rss_mb: float
    returncode: int
    log: str | None = None
    timed_out: bool = False  # killed at the time limit: `seconds` is then a lower bound


def run_measured(label: str, argv: Sequence[str], *, stdout: Path | None = None, log: Path | None = None,
                 env: Mapping[str, str] | None = None, cwd: Path | None = None,
                 timeout: float | None = None) -> Measurement:
    """Run `argv` to completion or to `timeout` seconds; stdout goes to `stdout`, stderr to `log`."""
    out_handle = stdout.open("wb") if stdout else subprocess.DEVNULL
    err_handle = log.open("wb") if log else subprocess.DEVNULL
    try:
        started = time.perf_counter()
        # Its own session, so a time limit can end the child with every worker it started.
        proc = subprocess.Popen(list(argv), stdout=out_handle, stderr=err_handle, env=dict(env) if env else None,
                                cwd=cwd, start_new_session=True)
        sampler = _TreeSampler(proc.pid)
        sampler.start()
        killer = _Deadline(proc.pid, timeout)
        # wait4, not proc.wait(): only wait4 returns the child's own resource usage.
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        killer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        orphans_cpu = _reap_orphans(proc.pid)
        sampler.stop()
    finally:
        for handle in (out_handle, err_handle):
            if handle is not subprocess.DEVNULL:
                handle.close()
    return Measurement(label=label, argv=tuple(argv), seconds=seconds,
                       cpu_seconds=usage.ru_utime + usage.ru_stime + orphans_cpu,
                       peak_rss_mb=usage.ru_maxrss / 1024.0,  # Linux reports KiB
                       tree_rss_mb=sampler.peak_bytes / 2**20, returncode=proc.returncode,
                       log=str(log) if log else None, timed_out=killer.fired)


ORPHAN_WAIT_SECONDS = 10.0


def _become_subreaper() -> bool:
    """Adopt orphaned descendants (Linux prctl PR_SET_CHILD_SUBREAPER), so they can be waited for."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


_SUBREAPER = _become_subreaper()


def _reap_orphans(session: int) -> float:
    """CPU seconds of the processes the command left running in its session, once they have exited.

    What is still running after ORPHAN_WAIT_SECONDS is killed with the
    session, so a stuck process cannot hang the benchmark.
    """
    if not _SUBREAPER:
        return 0.0
    me = os.getpid()
    cpu, killed_at = 0.0, None
    until = time.monotonic() + ORPHAN_WAIT_SECONDS
    while True:
        members = [(pid, ppid) for pid, ppid, sid in _processes() if sid == session]
        if not members or (killed_at is not None and time.monotonic() > killed_at + ORPHAN_WAIT_SECONDS):
            return cpu
        for pid, ppid in members:
            if ppid != me:
                continue
            try:
                done, _status, usage = os.wait4(pid, os.WNOHANG)
            except ChildProcessError:
                continue
            if done:
                cpu += usage.ru_utime + usage.ru_stime
        if killed_at is None and time.monotonic() > until:
            try:
                os.killpg(session, signal.SIGKILL)
            except ProcessLookupError:
                pass
            killed_at = time.monotonic()
        time.sleep(0.02)


class _Deadline:
    """Kills a child's process group when its time is up."""

    def __init__(self, pid: int, timeout: float | None):
        self.pid = pid
        self.fired = False
        self._timer = threading.Timer(timeout, self._kill) if timeout else None
        if self._timer:
            self._timer.daemon = True
            self._timer.start()

    def _kill(self) -> None:
        self.fired = True
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def cancel(self) -> None:
        if self._timer:
            self._timer.cancel()


class _TreeSampler(threading.Thread):
    """Polls /proc for the summed RSS of `root` and all its descendants; keeps the maximum."""

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root = root
        self.peak_bytes = 0
        self._done = threading.Event()

    def stop(self) -> None:
        self._done.set()
        self.join()

    def run(self) -> None:
        while not self._done.is_set():
            self.peak_bytes = max(self.peak_bytes, tree_rss_bytes(self.root))
            self._done.wait(SAMPLE_SECONDS)


def tree_rss_bytes(root: int) -> int:
    children: dict[int, list[int]] = {}
    for pid, ppid, _session in _processes():
        children.setdefault(ppid, []).append(pid)
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _rss_bytes(pid)
        stack.extend(children.get(pid, ()))
    return total


def _processes() -> list[tuple[int, int, int]]:
    """(pid, parent pid, session id) of every process."""
    out = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue  # the process ended between listing and reading
        # The command name may hold spaces and parentheses; fields after the last ')' are fixed.
        fields = stat[stat.rfind(b")") + 2:].split()
        out.append((int(entry.name), int(fields[1]), int(fields[3])))
    return out


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
