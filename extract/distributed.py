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

A batch that raises on its worker, or whose worker keeps dying under it
(`KilledWorker`), is retried once as single articles; an article that fails
alone is stored as an `nlp_failed` row with the reason, as the local run
stores its failures, and the run goes on. Errors of the environment (a
worker without the models or without newstrace) stop the run instead: every
article would fail the same way.

Before any batch, and again with every result, the client compares what
decides a worker's output besides the article (extractor version, the KB
fingerprint as the worker's code computes it, model packages) with its own,
and refuses a worker that differs.

Texts are never all in memory on the client: the store is read twice (once
to select the to-do articles, keeping only their ids, once to send them),
and only a bounded window of batches is in flight at a time.
"""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from newstrace.corpus.errors import NewstraceError
from newstrace.corpus.records import Article, Link, Status
from newstrace.corpus.store import Store

from . import pipeline
from .models import ModelUnavailable
from .pipeline import (
    BatchResult,
    ExtractOptions,
    ExtractSummary,
    Plan,
    annotate_batch,
    run_extraction,
    work_batches,
)
from .records import Annotations

if TYPE_CHECKING:  # pragma: no cover
    from distributed import Client, Future

    from .kb import KnowledgeBase

# Batches queued per worker thread: enough that a worker never idles while the
# client is writing, few enough that client memory does not grow with the corpus.
BATCHES_PER_THREAD = 2
MIN_WINDOW = 4
FAILED = "nlp_failed"

# The spaCy pipeline is one object per process and `kb_pipeline` may rebuild
# its ruler in place; a worker with several threads must not run two batches
# through it at once. One batch at a time per process is also what spaCy and
# torch want on CPU: scale with worker processes, not threads.
_PIPELINE_LOCK = threading.Lock()


@dataclass(frozen=True)
class WorkItem:
    """What a worker needs to annotate one article, and nothing else from the store."""

    article_id: str
    title: str | None
    text: str
    language: str | None
    links: tuple[Link, ...]
    digest: str
    # The publication date resolves relative periods ("last month"); an estimated one resolves nothing.
    published: str | None = None
    date_estimated: bool = False

    @classmethod
    def of(cls, article: Article, digest: str) -> "WorkItem":
        return cls(article.id, article.title, article.text, article.language, article.links, digest,
                   article.published, article.date_estimated)

    def article(self) -> Article:
        # The extractors read only these fields; the rest stays on the client.
        return Article(id=self.article_id, url=None, final_url=None, canonical_url=None, source_path=None,
                       status=Status.OK, title=self.title, language=self.language, text=self.text,
                       links=self.links, published=self.published, date_estimated=self.date_estimated)


@dataclass(frozen=True)
class Identity:
    """Everything besides the article that decides what a process's annotations are."""

    pipeline_version: str
    kb_fingerprint: str
    models: tuple[tuple[str, str], ...]  # (package, installed version)

    def differences(self, other: "Identity") -> list[str]:
        """'what mine vs theirs' for each part that differs."""
        out = []
        if self.pipeline_version != other.pipeline_version:
            out.append(f"extractor version {self.pipeline_version} vs {other.pipeline_version}")
        if self.kb_fingerprint != other.kb_fingerprint:
            out.append(f"KB fingerprint {self.kb_fingerprint} vs {other.kb_fingerprint}")
        theirs = dict(other.models)
        out.extend(f"{name} {version} vs {theirs.get(name, 'missing')}"
                   for name, version in self.models if theirs.get(name) != version)
        return out


@dataclass(frozen=True)
class WorkerResult:
    """One batch's `BatchResult`, and who produced it."""

    batch: BatchResult
    identity: Identity
    worker: str = ""


class WorkerVersionMismatch(NewstraceError):
    """A worker runs other extractor code, KB code or models than the client; its rows would be mislabelled."""


def extract_corpus_distributed(store: Store, options: ExtractOptions, scheduler: "str | Client", *,
                               on_progress: Callable[[int, int], None] | None = None) -> ExtractSummary:
    """Annotate every article whose stored annotations are missing, stale or failed, on a Dask cluster.

    Args:
        store: the corpus; only this process reads or writes it.
        options: as for `extract_corpus`. `workers` is ignored: parallelism
            comes from the cluster's worker processes.
        scheduler: a scheduler address ("tcp://host:8786") or a connected
            `distributed.Client` (left open for the caller).
        on_progress: called with (articles done, articles to do).

    Returns:
        The same summary `extract_corpus` gives for the same store; articles
        that failed on the cluster are counted in `failed` with their reasons.

    Raises:
        WorkerVersionMismatch: a worker differs from this client (code, KB,
            models) or cannot import newstrace; nothing it produced is stored.
        ModelUnavailable: a worker lacks a model package.
        Whatever stops the client talking to the cluster. In every case the
        batches already finished are stored; a rerun resumes from there.
    """
    def on_cluster(work: Plan, kb: "KnowledgeBase") -> Generator[BatchResult, None, None]:
        expected = identity(kb)
        with connect(scheduler) as client:
            _check_workers(client, kb, expected)
            # Closed by run_extraction when a write fails (disk full): the close reaches
            # _run_batches, which cancels the batches still on the cluster at once.
            yield from _run_batches(client, store, work, kb, options, expected)

    return run_extraction(store, options, on_cluster, on_progress=on_progress)


def annotate_batch_on_worker(items: Sequence[WorkItem], kb: "KnowledgeBase", fingerprint: str,
                             options: ExtractOptions) -> WorkerResult:
    """The task each worker runs: parse, annotate and embed one batch with the process's cached models."""
    batch = [(item.article(), item.digest) for item in items]
    with _PIPELINE_LOCK:
        result = annotate_batch(batch, kb, fingerprint, options)
    return WorkerResult(result, identity(kb), _worker_address())


def identity(kb: "KnowledgeBase") -> Identity:
    """This process's `Identity` for annotating with `kb`."""
    from .kb import KnowledgeBase
    from .models import EMBEDDING_PACKAGE, SPACY_MODEL

    # Recomputed rather than read from the cached property: a KB arrives on a
    # worker pickled with the client's value cached, and the question is what
    # this process's own code makes of its entries.
    fresh = KnowledgeBase.fingerprint.func(kb)  # type: ignore[attr-defined]
    # Read from the module at call time: that is the worker's own code's version.
    return Identity(pipeline.PIPELINE_VERSION, fresh,
                    tuple((name, _installed(name)) for name in (SPACY_MODEL, EMBEDDING_PACKAGE)))


def _installed(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "missing"


def _worker_address() -> str:
    try:
        from distributed import get_worker

        return get_worker().address
    except (ImportError, ValueError):
        return ""


def _run_batches(client: "Client", store: Store, work: Plan, kb: "KnowledgeBase", options: ExtractOptions,
                 expected: Identity) -> Generator[BatchResult, None, None]:
    """Yield batch results as they complete, keeping a bounded window of batches on the cluster."""
    from distributed import as_completed

    fingerprint = work.fingerprint
    batches = ([WorkItem.of(article, digest) for article, digest in batch]
               for batch in work_batches(store, work, options.batch_size))

    # Client-side paths mean nothing on a worker, and spaCy's own process pool
    # cannot start inside a worker process.
    worker_options = replace(options, workers=1, kb_paths=())
    # Sent once rather than pickled into every batch, and as a task rather than
    # scattered: scattered data is gone for good when the workers holding it
    # die, a task's result is recomputed, and a poison article may kill any
    # worker.
    kb_future = client.submit(_kb_value, kb, pure=False)
    window = _window(client)
    # Singles of a failed batch go first and count against the window like
    # any batch, so a retry neither waits behind the corpus nor floods a
    # worker that may be about to die again.
    retries: deque[list[WorkItem]] = deque()
    pending: dict["Future", list[WorkItem]] = {}
    # The loop must be given: this client is deliberately not the default one.
    finished = as_completed(loop=client.loop)

    def fill() -> None:
        while len(pending) < window:
            batch = retries.popleft() if retries else next(batches, None)
            if batch is None:
                return
            future = client.submit(annotate_batch_on_worker, batch, kb_future, fingerprint, worker_options,
                                   pure=False)
            pending[future] = batch
            finished.add(future)

    try:
        fill()
        for future in finished:
            batch = pending.pop(future)
            result = _collect(future, batch, fingerprint, expected)
            if result is None:
                retries.extend([item] for item in batch)
            fill()
            if result is not None:
                yield result
    finally:
        if pending:
            client.cancel(list(pending))


def _kb_value(kb: "KnowledgeBase") -> "KnowledgeBase":
    return kb


def _collect(future: "Future", batch: Sequence[WorkItem], fingerprint: str, expected: Identity) -> BatchResult | None:
    """A finished task's result; a failure row for a single article that failed; None: retry as singles."""
    if future.status != "error":
        result: WorkerResult = future.result()  # a cancelled or lost task raises here: the cluster is gone
        _check_identity(result.identity, expected, result.worker)
        return result.batch
    exc = future.exception()
    if isinstance(exc, ImportError):
        raise WorkerVersionMismatch(f"a Dask worker cannot import what newstrace needs ({exc}): install this "
                                    "newstrace and its model packages on every worker") from exc
    if isinstance(exc, ModelUnavailable):
        raise exc
    if len(batch) > 1:
        return None
    item = batch[0]
    reason = _failure_reason(exc)
    failed = Annotations(article_id=item.article_id, pipeline_version=fingerprint, skipped=reason)
    return BatchResult(rows=((item.article_id, fingerprint, item.digest, FAILED, failed.to_dict()),),
                       failures=((item.article_id, reason),))


def _failure_reason(exc: BaseException | None) -> str:
    from distributed.scheduler import KilledWorker

    if isinstance(exc, KilledWorker):
        # Its own message names a task key and a worker address: neither is
        # stable across reruns, and the row should say what happened.
        detail = f"a Dask worker process died each of the {exc.allowed_failures + 1} times it ran this article"
    else:
        detail = str(exc)
    # The local pipeline's form, so `status` and reruns treat both alike.
    return f"{FAILED}({type(exc).__name__}: {detail})"[:500]


def _check_workers(client: "Client", kb: "KnowledgeBase", expected: Identity) -> None:
    """Refuse the cluster before any model is loaded if a worker already connected differs from this client."""
    found = client.run(identity, kb, on_error="return")
    for worker, theirs in sorted(found.items()):
        if isinstance(theirs, ImportError):
            raise WorkerVersionMismatch(f"Dask worker {worker} cannot import newstrace ({theirs}): install this "
                                        "client's newstrace and model packages on every worker") from theirs
        # A worker that went away while asked is no reason to stop: the check
        # on every result still covers whichever workers run the batches.
        if isinstance(theirs, Identity):
            _check_identity(theirs, expected, worker)


def _window(client: "Client") -> int:
    threads = sum(client.nthreads().values())
    return max(MIN_WINDOW, BATCHES_PER_THREAD * threads)


def _check_identity(theirs: Identity, expected: Identity, worker: str) -> None:
    if theirs == expected:
        return
    differences = "; ".join(expected.differences(theirs))
    raise WorkerVersionMismatch(
        f"Dask worker {worker or '?'} differs from this client ({differences}; client first): install this "
        f"client's newstrace and model package versions on every worker, then restart the workers")


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
