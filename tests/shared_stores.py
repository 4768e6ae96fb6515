"""Stores the slow test files share: a corpus ingested and extracted once per test run
(fixtures in conftest.py), a private copy for a test that writes, and the CLI as a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newstrace.extract.pipeline import ExtractSummary

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "demo"
DEMO_KB = (DEMO / "kb.yaml",)


def ingested_store(db: Path, sources: list[str], primary: list[str]) -> Path:
    from newstrace.corpus.ingest import IngestOptions, expand_sources, ingest
    from newstrace.corpus.store import Store

    with Store.open(db) as store:
        if primary:
            ingest(expand_sources(primary), store, IngestOptions(primary=True))
        summary = ingest(expand_sources(sources), store)
        assert summary.failed == 0, summary.failures
    return db


def extract_store(db: Path, kb_paths: tuple[Path, ...]) -> ExtractSummary:
    from newstrace.corpus.store import Store
    from newstrace.extract.pipeline import ExtractOptions, extract_corpus

    with Store.open(db) as store:
        return extract_corpus(store, ExtractOptions(kb_paths=kb_paths))


def extracted_store(db: Path, sources: list[str], primary: list[str], kb_paths: tuple[Path, ...]) -> Path:
    extract_store(ingested_store(db, sources, primary), kb_paths)
    return db


def copy_store(db: Path, folder: Path, name: str | None = None) -> Path:
    """A private copy of a shared store, for a test that writes to it (SQLite's backup API,
    so a write-ahead log is copied too)."""
    import sqlite3

    target = folder / (name or db.name)
    with sqlite3.connect(db) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return target




def cli(db: Path | str, *args: str, timeout: float = 300, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """`newstrace --db DB ARGS` in a fresh interpreter, as a user runs it."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("NEWSTRACE_DB", None)
    return subprocess.run([sys.executable, "-m", "newstrace", "--db", str(db), *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=cwd)
