"""The library's one pipeline call (runner.run): progress after each input, cancel kept to what was
committed. The full run with the models is exercised by the CLI tests (`seeds_cli_run`), which call it."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from newstrace.corpus.ingest import IngestOptions, expand_sources
from newstrace.corpus.store import Store
from newstrace.runner import RunCancelled, RunOptions, RunProgress, run


def _pages(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        body = (f"The port authority said fees for cargo ships rose {i + 3}% in 2031, the largest increase in "
                "a decade, and that a further rise is planned for next year. Shipping lines had asked for a "
                "freeze, arguing that the cost of fuel had already cut their margins to the bone.\n\n"
                "Dock workers welcomed the decision, which the authority says will pay for two new cranes "
                "and the dredging of the northern channel. The harbour handled 41,000 containers last year, "
                "up from 36,500 the year before, and expects the new berths to open in the spring.\n\n"
                "Ferry operators, whose fees are set separately, were not affected by the change, a "
                "spokeswoman for the authority said on Tuesday in a statement to the press.\n")
        (folder / f"page{i}.txt").write_text(f"Harbour fees rise at the port\n\n{body}", encoding="utf-8")
    return folder


def test_a_cancelled_run_keeps_what_it_committed_and_reports_progress(tmp_path: Path) -> None:
    folder = _pages(tmp_path / "pages", 3)
    cancel = threading.Event()
    seen: list[RunProgress] = []

    def progress(event: RunProgress) -> None:
        seen.append(event)
        cancel.set()  # as a Ctrl-C during the first input would

    with Store.open(tmp_path / "corpus.db") as store:
        with pytest.raises(RunCancelled):
            run(expand_sources([str(folder)]), store,
                RunOptions(ingest=IngestOptions(extract_workers=1)), progress=progress, cancel=cancel)
        kept = list(store.iter_articles())
    # The first input is recorded and reported; the cancel stops the run at that check, before
    # extraction and before the last input (an input already in the extraction pool may have been
    # committed too). What was committed stays for a rerun to resume from.
    assert [(e.stage, e.done, e.total) for e in seen] == [("ingest", 1, 3)]
    assert 1 <= len(kept) < 3
    assert _annotations(tmp_path / "corpus.db") == []  # nothing was extracted


def _annotations(db: Path) -> list[object]:
    with Store.open(db) as store:
        return list(store.iter_annotations())
