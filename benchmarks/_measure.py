"""Helpers for benchmarks: run a command and sample the peak RSS of its whole process tree."""

from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from pathlib import Path


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
            out.extend(int(c) for c in text.split())
    except OSError:
        pass
    return out


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mib(pid: int) -> tuple[float, float]:
    """(sum over the process tree, largest single process) in MiB."""
    stack, seen, total, largest = [pid], set(), 0, 0
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        rss = _rss_kib(p)
        total += rss
        largest = max(largest, rss)
        stack.extend(_children(p))
    return total / 1024, largest / 1024


def children_cpu_seconds() -> float:
    """User + system CPU seconds of every waited-for descendant so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_measured(cmd: list[str], env: dict[str, str] | None = None,
                 interval: float = 0.1
                 ) -> tuple[float, float, float, subprocess.CompletedProcess[str]]:
    """Run ``cmd``; returns (seconds, peak tree RSS MiB, peak single-process RSS MiB, result)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peaks = [0.0, 0.0]

    def sample() -> None:
        while proc.poll() is None:
            total, largest = tree_rss_mib(proc.pid)
            peaks[0] = max(peaks[0], total)
            peaks[1] = max(peaks[1], largest)
            time.sleep(interval)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, err = proc.communicate()
    thread.join()
    seconds = time.perf_counter() - start
    result = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} failed: {err[-2000:]}")
    return seconds, peaks[0], peaks[1], result
