"""Annotate stored articles on a Dask distributed cluster.

`extract_corpus_distributed` is `extract_corpus` with the model work moved to
Dask workers: the same input hashes, skip rules and pipeline fingerprint, so
a corpus annotated one way is "unchanged" to the other. The client reads the
store, sends each batch of to-do articles (id, title, text, language, links;
never the store) to a worker, and writes the results back as they complete,
one transaction per batch, through `Store.save_annotations`. Workers never
touch the database, so a cluster needs no credentials for it and a crashed
worker cannot leave half a batch behind.

Each worker process loads spaCy and the embedder once, on its first batch
(the lru_caches in `extract.models`), and keeps them for the rest of the run
and for later runs on the same cluster. The knowledge base is loaded on the
client and shipped to the workers, so their machines need no copy of the
user's `--kb` files.

Texts are never all in memory on the client: the store is read twice (once
to select the to-do articles, keeping only their ids, once to send them),
and only a bounded window of batches is in flight at a time.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from corpus.errors import NewstraceError
from corpus.records import Article, Link, Status
from corpus.store import Store

from . import pipeline
from .pipeline import ExtractOptions, ExtractSummary, input_hash, pipeline_fingerprint

if TYPE_CHECKING:  # pragma: no cover
    from distributed import Client, Future

    from .kb import KnowledgeBase

# Batches queued per worker thread: enough that a worker never idles while the
# client is writing, few enough that client memory does not grow with the corpus.
BATCHES_PER_THREAD = 2
MIN_WINDOW = 4

# The spaCy pipeline is one object per process and `kb_pipeline` may rebuild
# its ruler in place; a worker with several threads must not run two batches
# through it at once. One batch at a time per process is also what spaCy and
# torch want on CPU: scale with worker processes, not threads.
_PIPELINE_LOCK = threading.Lock()

AnnotationRow = tuple[str, str, str, str, dict[str, Any]]
VectorRow = tuple[str, str, str, str, bytes]


@dataclass(frozen=True)
class WorkItem:
    """What a worker needs to annotate one article, and nothing else from the store."""

    article_id: str
    title: str | None
    text: str
    language: str | None
    links: tuple[Link, ...]
    digest: str

    @classmethod
    def of(cls, article: Article, digest: str) -> "WorkItem":
        return cls(article.id, article.title, article.text, article.language, article.links, digest)

    def article(self) -> Article:
        # The extractors read only these fields; the rest stays on the client.
        return Article(id=self.article_id, url=None, final_url=None, canonical_url=None, source_path=None,
                       status=Status.OK, title=self.title, language=self.language, text=self.text,
                       links=self.links)


@dataclass(frozen=True)
class BatchResult:
    """One batch's rows for `Store.save_annotations`, and the pipeline version that produced them."""

    rows: tuple[AnnotationRow, ...]
    vectors: tuple[VectorRow, ...]
    failures: tuple[tuple[str, str], ...]
    pipeline_version: str


@dataclass(frozen=True)
class _Plan:
    todo: frozenset[str]
    unchanged: int


class WorkerVersionMismatch(NewstraceError):
    """A worker runs other extractor code than the client; its annotations would be stored under the wrong version."""


def extract_corpus_distributed(store: Store, options: ExtractOptions, scheduler: "str | Client", *,
                               on_progress: Callable[[int, int], None] | None = None) -> ExtractSummary:
    """Annotate every article whose stored annotations are missing or stale, on a Dask cluster.

    Args:
        store: the corpus; only this process reads or writes it.
        options: as for `extract_corpus`. `workers` is ignored: parallelism
            comes from the cluster's worker processes.
        scheduler: a scheduler address ("tcp://host:8786") or a connected
            `distributed.Client` (left open for the caller).
        on_progress: called with (articles done, articles to do).

    Returns:
        The same summary `extract_corpus` gives for the same store.

    Raises:
        Whatever a batch raised on its worker (e.g. `ModelUnavailable`), after
        the batches already finished are stored; a rerun resumes from there.
    """
    from .kb import load_kb

    kb = load_kb(options.kb_paths)
    fingerprint = pipeline_fingerprint(kb)
    plan = _plan(store, options, fingerprint)
    total = len(plan.todo)
    if on_progress:
        on_progress(0, total)
    if not total:
        return ExtractSummary(unchanged=plan.unchanged)

    counts: Counter[str] = Counter()
    failures: list[tuple[str, str]] = []
    done = 0
    batches = _work_batches(store, plan.todo, fingerprint, options.batch_size)
    # closing(): if a write fails (disk full), the batches still on the cluster
    # are cancelled at once rather than whenever the generator is collected.
    with connect(scheduler) as client, \
            contextlib.closing(_run_batches(client, batches, kb, fingerprint, options)) as results:
        for result in results:
            store.save_annotations(result.rows, result.vectors)
            counts.update(_outcome(status) for _, _, _, status, _ in result.rows)
            failures.extend(result.failures)
            done += len(result.rows)
            if on_progress:
                on_progress(done, total)
    # Batches finish in any order; id order is what the local run reports.
    return ExtractSummary(annotated=counts["annotated"], skipped=counts["skipped"], unchanged=plan.unchanged,
                          failed=counts["failed"], failures=tuple(sorted(failures)))


def annotate_batch_on_worker(items: Sequence[WorkItem], kb: "KnowledgeBase", fingerprint: str,
                             options: ExtractOptions) -> BatchResult:
    """The task each worker runs: parse, annotate and embed one batch with the process's cached models."""
    batch = [(item.article(), item.digest) for item in items]
    with _PIPELINE_LOCK:
        rows, vectors, failures = _annotate_batch(batch, kb, fingerprint, options)
    return BatchResult(tuple(rows), tuple(vectors), tuple(failures), pipeline.PIPELINE_VERSION)


def _annotate_batch(batch: Sequence[tuple[Article, str]], kb: "KnowledgeBase", fingerprint: str,
                    options: ExtractOptions) -> tuple[list[AnnotationRow], list[VectorRow], list[tuple[str, str]]]:
    # Thin wrapper until extract.pipeline exposes a public `annotate_batch`:
    # the local and distributed runs must share one implementation.
    return pipeline._annotate_batch(batch, kb, fingerprint, options)


def _plan(store: Store, options: ExtractOptions, fingerprint: str) -> _Plan:
    """Which articles need work: the same rule as `extract_corpus`, keeping only ids in memory."""
    stored = store.annotation_hashes()
    todo: set[str] = set()
    unchanged = 0
    for article in store.iter_articles(statuses=(Status.OK,)):
        if not options.force and stored.get(article.id, (None, None))[1] == input_hash(article, fingerprint):
            unchanged += 1
        else:
            todo.add(article.id)
    return _Plan(frozenset(todo), unchanged)


def _work_batches(store: Store, todo: frozenset[str], fingerprint: str, size: int) -> Iterator[list[WorkItem]]:
    # The hash is taken again from the text actually sent, so a row edited
    # between the two passes is stored under the hash of what was annotated.
    items = (WorkItem.of(a, input_hash(a, fingerprint))
             for a in store.iter_articles(statuses=(Status.OK,)) if a.id in todo)
    while batch := list(itertools.islice(items, max(1, size))):
        yield batch


def _run_batches(client: "Client", batches: Iterator[list[WorkItem]], kb: "KnowledgeBase", fingerprint: str,
                 options: ExtractOptions) -> Iterator[BatchResult]:
    """Yield batch results as they complete, keeping a bounded window of batches on the cluster."""
    from distributed import as_completed

    # Client-side paths mean nothing on a worker, and spaCy's own process pool
    # cannot start inside a worker process.
    worker_options = replace(options, workers=1, kb_paths=())
    # Sent once to every worker rather than pickled into every task.
    [kb_future] = client.scatter([kb], broadcast=True, hash=False)
    pending: set["Future"] = set()
    # The loop must be given: this client is deliberately not the default one.
    finished = as_completed(loop=client.loop)

    def submit(batch: list[WorkItem]) -> None:
        future = client.submit(annotate_batch_on_worker, batch, kb_future, fingerprint, worker_options, pure=False)
        pending.add(future)
        finished.add(future)

    try:
        for batch in itertools.islice(batches, _window(client)):
            submit(batch)
        for future in finished:
            pending.discard(future)
            result: BatchResult = future.result()
            _check_version(result)
            if (batch := next(batches, None)) is not None:
                submit(batch)
            yield result
    finally:
        if pending:
            client.cancel(list(pending))


def _window(client: "Client") -> int:
    threads = sum(client.nthreads().values())
    return max(MIN_WINDOW, BATCHES_PER_THREAD * threads)


def _check_version(result: BatchResult) -> None:
    if result.pipeline_version != pipeline.PIPELINE_VERSION:
        raise WorkerVersionMismatch(
            f"a Dask worker runs extractor version {result.pipeline_version}, this client "
            f"{pipeline.PIPELINE_VERSION}: install the same newstrace on the workers")


def _outcome(status: str) -> str:
    return "annotated" if status == "annotated" else "skipped" if status == "nlp_skipped" else "failed"


@contextlib.contextmanager
def connect(scheduler: "str | Client") -> Iterator["Client"]:
    """A client for `scheduler`: the given one, left open, or a new one for an address, closed afterwards."""
    from distributed import Client

    if isinstance(scheduler, Client):
        yield scheduler
        return
    # Not the default client: nothing else in this process should start
    # sending work to the cluster just because extract connected to it.
    with Client(scheduler, set_as_default=False) as client:
        yield client
