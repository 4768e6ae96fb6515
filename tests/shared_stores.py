"""Stores the slow test files share: a corpus ingested and extracted once per test run
(fixtures in conftest.py), and a private copy for a test that writes."""

from __future__ import annotations

from pathlib import Path

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
DEMO_KB = (DEMO / "kb.yaml",)


def extracted_store(db: Path, sources: list[str], primary: list[str], kb_paths: tuple[Path, ...]) -> Path:
    from newstrace.corpus.ingest import IngestOptions, expand_sources, ingest
    from newstrace.corpus.store import Store
    from newstrace.extract.pipeline import ExtractOptions, extract_corpus

    with Store.open(db) as store:
        if primary:
            ingest(expand_sources(primary), store, IngestOptions(primary=True))
        summary = ingest(expand_sources(sources), store)
        assert summary.failed == 0, summary.failures
        extract_corpus(store, ExtractOptions(kb_paths=kb_paths))
    return db


def copy_store(db: Path, folder: Path) -> Path:
    """A private copy of a shared store, for a test that writes to it (SQLite's backup API,
    so a write-ahead log is copied too)."""
    import sqlite3

    target = folder / db.name
    with sqlite3.connect(db) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return target


