"""Who owns the extraction workers: an `ExtractionPool` per run or ingest, closed by its owner, and a
process-wide default worker for library callers that pass none.

`newstrace.runner.run` and `corpus.ingest.ingest` each hold a pool for as long as they extract and
close it when they are done: an idle worker still holds an interpreter with trafilatura and whatever
heap its pages left, about 100 MB each. The CLI starts a pool ahead (`start_workers`) before its own
slow imports, and the next owner takes it over (`claim_pool`). Nothing is started at import.
"""

from __future__ import annotations

import atexit
import os
import threading

from .clean_records import CleanOptions, ExtractedPage
from .extraction_worker import (
    DEFAULT_EXTRACT_TIMEOUT_S,
    START_METHOD,
    WORKER_START_TIMEOUT_S,
    ExtractionWorker,
    PendingCall,
    extract_job,
)


def default_worker_count() -> int:
    # Two on a machine with two cores or more: the main process needs a core
    # too, so more workers would only share the same cores.
    return min(2, os.cpu_count() or 1)


class ExtractionPool:
    """The extraction workers of one owner (a run, an ingest), started lazily and closed by that owner.

    `workers()` gives the pool's `size` ExtractionWorkers, made on first use; each starts its process
    with its first job, or all of them at once on a background thread with `start()`, for an owner
    whose own set-up can run beside their start (the forkserver forks a worker only once it has
    imported trafilatura). Using a worker still starting is safe: its lock makes the job wait for
    the start. `close()` stops the processes; a worker used after that starts one again. As a
    context manager the pool closes on exit.
    """

    def __init__(self, size: int | None = None, *, context: str = START_METHOD,
                 start_timeout_s: float = WORKER_START_TIMEOUT_S, depth: int = 2) -> None:
        self.size = max(1, default_worker_count() if size is None else size)
        self.context = context
        self.start_timeout_s = start_timeout_s
        self.depth = depth
        self._workers: list[ExtractionWorker] = []
        self._lock = threading.Lock()

    def workers(self) -> list[ExtractionWorker]:
        """The pool's workers, made (not started) on first use."""
        with self._lock:
            while len(self._workers) < self.size:
                self._workers.append(ExtractionWorker(self.context, self.start_timeout_s, self.depth))
            return list(self._workers)

    def start(self) -> None:
        """Begin starting every worker on a background thread, without waiting for them."""
        threading.Thread(target=_start_each, args=(self.workers(),), name="newstrace-start-workers",
                         daemon=True).start()

    def close(self) -> None:
        """Stop the workers' processes (a worker used again later starts a new one)."""
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            worker.close()

    def __enter__(self) -> ExtractionPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _start_each(workers: list[ExtractionWorker]) -> None:
    for worker in workers:
        try:
            worker.start()
        except Exception:  # noqa: BLE001 - the worker's first job reports why it cannot start
            return


# The process-wide defaults: a one-worker pool for callers that pass no worker, and the pool the
# CLI started ahead until an owner claims it. Both are closed by `close_workers`, and at exit once
# either exists (registered then, not at import).
_default_pool: ExtractionPool | None = None
_started_ahead: ExtractionPool | None = None
_lock = threading.Lock()
_exit_hook = False


def _close_at_exit() -> None:
    global _exit_hook
    if not _exit_hook:
        atexit.register(close_workers)
        _exit_hook = True


def default_worker() -> ExtractionWorker:
    """The process-wide worker used by `extract_in_worker` and `start_extraction` when given none."""
    global _default_pool
    with _lock:
        if _default_pool is None:
            _default_pool = ExtractionPool(1)
            _close_at_exit()
        pool = _default_pool
    return pool.workers()[0]


def start_workers(count: int) -> ExtractionPool:
    """Start a pool of `count` workers in the background, for the next `claim_pool(count)` to take over.

    For a caller that will extract after slow set-up of its own (the CLI, before it imports and
    opens the store): the workers' start then runs beside that set-up.
    """
    global _started_ahead
    with _lock:
        previous = _started_ahead
        if previous is not None and previous.size == count:
            pool, previous = previous, None
        else:
            pool = _started_ahead = ExtractionPool(count)
        _close_at_exit()
    if previous is not None:
        previous.close()
    pool.start()
    return pool


def claim_pool(size: int) -> ExtractionPool:
    """The pool `start_workers(size)` started ahead, else a new one of `size` workers; the caller owns
    it and closes it."""
    global _started_ahead
    with _lock:
        ahead, _started_ahead = _started_ahead, None
    if ahead is not None and ahead.size == size:
        return ahead
    if ahead is not None:
        ahead.close()
    return ExtractionPool(size)


def close_workers() -> None:
    """Stop the process-wide worker and a pool started ahead that nobody claimed; a later job starts
    the worker again."""
    global _started_ahead
    with _lock:
        ahead, _started_ahead = _started_ahead, None
        pool = _default_pool
    for each in (ahead, pool):
        if each is not None:
            each.close()


def extract_in_worker(html: str, url: str | None = None, timeout_s: float = DEFAULT_EXTRACT_TIMEOUT_S,
                      *, options: CleanOptions = CleanOptions(),
                      worker: ExtractionWorker | None = None) -> ExtractedPage:
    """`extract_html` in a separate process with a wall-clock limit.

    Raises ExtractionTimeout or ExtractorCrashed; either way the worker is
    replaced and the next call works, so a batch can record the failure and go on.
    """
    result: ExtractedPage = start_extraction(html, url, timeout_s, options=options, worker=worker).result()
    return result


def start_extraction(html: str, url: str | None = None, timeout_s: float = DEFAULT_EXTRACT_TIMEOUT_S,
                     *, options: CleanOptions = CleanOptions(),
                     worker: ExtractionWorker | None = None) -> PendingCall:
    """Send `extract_html` to the worker and return at once; `.result()` gives the ExtractedPage.

    The wall-clock limit counts from this call. Raises ExtractorCrashed if
    the worker cannot take the job.
    """
    return (worker or default_worker()).submit(extract_job, html, url, options, timeout_s=timeout_s)
