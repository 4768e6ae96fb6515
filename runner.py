"""The whole pipeline as one library call: ingest, extract, analyse and write the report folder.

`run` owns what lives only for a run: the page-extraction processes of
ingest (closed once ingest is done: their memory is better spent on the
models) and the models themselves (`models_session`: checked before anything
is fetched, released before clustering, which needs neither). The CLI's
`run`, the benchmarks and the tests call it, so there is one sequence.

Progress and cancellation are the caller's: `progress` receives a
`RunProgress` after every ingested input and every annotated batch, and
`cancel` (anything with `is_set()`, e.g. a `threading.Event` a signal
handler sets) is checked at those points. A cancelled run raises
`RunCancelled`; everything committed so far stays, and a rerun resumes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from newstrace.corpus.ingest import IngestOptions
from newstrace.corpus.records import IngestSummary
from newstrace.extract.pipeline import ExtractOptions, ExtractSummary
from newstrace.provenance.report import ProvenanceOptions

if TYPE_CHECKING:  # pragma: no cover
    from newstrace.corpus.ingest import ItemResult, Source
    from newstrace.corpus.store import Store
    from newstrace.provenance.coverage import Corpus
    from newstrace.provenance.outputs import WrittenOutputs
    from newstrace.provenance.records import Report


class Cancel(Protocol):
    def is_set(self) -> bool: ...


class RunCancelled(KeyboardInterrupt):
    """The caller's cancel was set; committed work is kept (a KeyboardInterrupt, so Ctrl-C handling applies)."""


@dataclass(frozen=True)
class RunOptions:
    ingest: IngestOptions = field(default_factory=IngestOptions)
    extract: ExtractOptions = field(default_factory=ExtractOptions)
    provenance: ProvenanceOptions = field(default_factory=ProvenanceOptions)
    # The report folder (report.json, .md, .html, export.jsonl); None: analyse only.
    out: Path | None = None


@dataclass(frozen=True)
class RunProgress:
    """Where a run is. `stage` is "ingest" (`item`: the input just recorded), "extract" (a batch
    annotated), or "ingested" / "extracted" when that stage is over (`summary`: its counts)."""

    stage: str
    done: int
    total: int | None
    item: "ItemResult | None" = None
    summary: IngestSummary | ExtractSummary | None = None


@dataclass(frozen=True)
class RunSummary:
    ingested: IngestSummary
    extracted: ExtractSummary
    report: "Report"
    corpus: "Corpus"
    written: "WrittenOutputs | None" = None

    @property
    def exit_code(self) -> int:
        return max(self.ingested.exit_code, self.extracted.exit_code)


def run(sources: Iterable["Source"], store: "Store", options: RunOptions = RunOptions(), *,
        progress: Callable[[RunProgress], None] | None = None, cancel: Cancel | None = None) -> RunSummary:
    """Ingest `sources` into `store`, annotate what changed, build the report and write it to `options.out`."""
    from newstrace.corpus.extraction_pool import claim_pool
    from newstrace.corpus.ingest import ingest
    from newstrace.extract.models import models_session
    from newstrace.provenance import backends
    from newstrace.provenance.report import analyse

    items = list(sources)

    def report(event: RunProgress) -> None:
        if cancel is not None and cancel.is_set():
            raise RunCancelled
        if progress is not None:
            progress(event)

    with models_session():  # a missing model stops the run before anything is fetched
        done = 0

        def on_item(result: "ItemResult") -> None:
            nonlocal done
            done += 1
            report(RunProgress("ingest", done, len(items), result))

        # The workers the CLI started ahead, if any; closed once ingest is done, since their memory
        # is better spent on the models from here on.
        with claim_pool(max(1, options.ingest.extract_workers)) as pool:
            ingested = ingest(items, store, options.ingest, on_item=on_item, pool=pool)
        report(RunProgress("ingested", done, len(items), summary=ingested))
        # The scheduler, when given, runs both heavy stages: annotation here, clustering in analyse.
        extracted = backends.annotate(store, options.extract, options.provenance.scheduler,
                                      on_progress=lambda d, t: report(RunProgress("extract", d, t)))
        report(RunProgress("extracted", extracted.annotated + extracted.skipped + extracted.failed, None,
                           summary=extracted))
    result, corpus = analyse(store, options.provenance)
    written = None
    if options.out is not None:
        from newstrace.provenance.outputs import write_outputs

        written = write_outputs(result, corpus, options.out)
    return RunSummary(ingested, extracted, result, corpus, written)
