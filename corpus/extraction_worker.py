"""A killable extraction process (`ExtractionWorker`), the handles of the jobs sent to it
(`PendingCall`, `wait_for_calls`), and the job itself (`extract_job`: `extract_html` there).

Who starts and closes workers is corpus/extraction_pool.py's business.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Any

from .clean_records import CleanOptions, ExtractedPage
from .errors import NewstraceError
from .html_extract import extract_html


class ExtractionTimeout(NewstraceError):
    """The extractor ran past its wall-clock limit and its process was killed."""

    reason = "extraction_timeout"


class ExtractorCrashed(NewstraceError):
    """The extractor process died (segfault, abort, OOM kill) before answering."""

    reason = "extractor_crash"


class ExtractionCancelled(NewstraceError):
    """The job waited behind one that overran or crashed, and never ran: send it again."""

    reason = "extraction_cancelled"


# Why a process and not a thread: trafilatura/lxml segfault when extract()
# runs concurrently in threads (adbar/trafilatura#840, again #925), a thread
# cannot be stopped when a page makes extraction run for minutes
# (adbar/trafilatura#704: no library-mode timeout), and a native crash in a
# thread takes the whole CLI down with it. A child process can be killed at
# its deadline and replaced, and its crash is just an exception here.
# Not a plain fork: the parent may hold open database connections and
# threads, which must never be duplicated into a child. "forkserver" forks
# each worker from a small server process that has imported trafilatura once
# and holds nothing of ours, so a worker (and each replacement after an
# overrun) starts ready without importing it again; "spawn", a fresh
# interpreter per worker, where the platform has no forkserver.

START_METHOD = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"

DEFAULT_EXTRACT_TIMEOUT_S = 20.0
WORKER_START_TIMEOUT_S = 120.0


def _worker_main(conn: Any) -> None:
    # Load the heavy modules before announcing readiness, so a job's deadline
    # measures extraction, not start-up. Not the language model: it takes
    # longer to load than trafilatura and ingest detects languages itself;
    # other callers load it with their first job.
    import trafilatura  # noqa: F401

    conn.send(("ready", None))
    jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
    # Jobs are taken off the pipe the moment they arrive, by a thread of their
    # own: the parent sends the next page while this process sends its last
    # answer, and with both bigger than the pipe's buffer each send would
    # otherwise wait for the other side to read, forever.
    threading.Thread(target=_receive_jobs, args=(conn, jobs), daemon=True).start()
    while True:
        job = jobs.get()
        if job is None:
            return
        func, args, kwargs = job
        try:
            conn.send(("ok", func(*args, **kwargs)))
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the parent
            conn.send(("error", _picklable(exc)))


def _receive_jobs(conn: Any, jobs: "queue.SimpleQueue[Any]") -> None:
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            job = None
        jobs.put(job)
        if job is None:
            return


def _picklable(exc: BaseException) -> BaseException:
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - fall back to a plain description
        return RuntimeError(f"{type(exc).__name__}: {exc}")


class ExtractionWorker:
    """One long-lived extraction process, replaced whenever it dies or overruns.

    The process runs one job at a time, but up to `depth` jobs can be sent
    ahead: the next one waits in the pipe, so the worker starts it the moment
    it answers the last, instead of idling until the caller (busy storing the
    previous page) gets round to sending more. With `submit` the caller
    collects answers later, so its own work overlaps with the extraction.
    Use several workers for parallelism. Programs using it with the "spawn"
    context must guard their entry point with `if __name__ == "__main__":`,
    because "spawn" re-imports the main module.
    """

    def __init__(self, context: str = START_METHOD, start_timeout_s: float = WORKER_START_TIMEOUT_S,
                 depth: int = 2) -> None:
        if depth < 1:
            raise ValueError("depth must be at least 1")
        self.context = context
        self.start_timeout_s = start_timeout_s
        self.depth = depth
        self._process: Any = None
        self._conn: Any = None
        self._ready = False
        self._started_at = 0.0
        # Sent and not yet answered, oldest first; the process works on the first.
        self._calls: deque[PendingCall] = deque()
        self._lock = threading.Lock()

    @property
    def queued(self) -> int:
        """Jobs sent and not answered yet (the running one included)."""
        return len(self._calls)

    def start(self) -> None:
        """Begin starting the process without waiting for it, so its imports overlap with the caller's."""
        with self._lock:
            if self._process is None or not self._process.is_alive():
                self._spawn()

    def call(self, func: Callable[..., Any], *args: Any, timeout_s: float, **kwargs: Any) -> Any:
        """Run a picklable top-level `func(*args, **kwargs)` in the worker, within `timeout_s` seconds."""
        return self.submit(func, *args, timeout_s=timeout_s, **kwargs).result()

    def submit(self, func: Callable[..., Any], *args: Any, timeout_s: float, **kwargs: Any) -> "PendingCall":
        """Send `func(*args, **kwargs)` to the worker.

        Its `timeout_s` counts from when the worker starts it: from now if
        nothing is ahead of it, else from when the answer before it is taken.
        """
        with self._lock:
            if len(self._calls) >= self.depth:
                raise RuntimeError(f"the extraction worker holds at most {self.depth} jobs; collect one first")
            conn = self._ensure_started()
            try:
                conn.send((func, args, kwargs))
            except (BrokenPipeError, EOFError, OSError) as exc:
                self._stop(grace_s=0.0, failure=_died)
                raise ExtractorCrashed(f"extraction worker died: {exc}") from exc
            pending = PendingCall(self, timeout_s)
            if not self._calls:
                pending.deadline = time.monotonic() + timeout_s
            self._calls.append(pending)
            return pending

    def _advance(self, *, wait: bool) -> None:
        """Take the answers that have arrived, oldest first; with `wait`, wait for the oldest one.

        An overrun or a dead process is settled here too: the job it was
        running fails, the jobs queued behind it are cancelled (they never ran).
        """
        with self._lock:
            while self._calls:
                head = self._calls[0]
                conn = self._conn
                try:
                    # An answer that arrived while the caller was busy is taken even past the deadline.
                    ready = conn.poll(max(0.0, head.deadline - time.monotonic()) if wait else 0.0)
                except (BrokenPipeError, EOFError, OSError):
                    self._stop(grace_s=0.0, failure=_died)
                    return
                if not ready:
                    if time.monotonic() >= head.deadline:
                        self._stop(grace_s=0.0, failure=_overran(head.timeout_s))
                    return
                try:
                    status, payload = conn.recv()
                except (EOFError, OSError):
                    self._stop(grace_s=0.0, failure=_died)
                    return
                self._calls.popleft()
                head._settle(status, payload)
                if self._calls:
                    following = self._calls[0]
                    following.deadline = time.monotonic() + following.timeout_s
                # Past the first answer, only what is already there.
                wait = False

    def _wait_handles(self) -> tuple[Any, ...]:
        """What becomes readable when the oldest job is answered or the process dies."""
        if self._process is None or self._conn is None:
            return ()
        return self._conn, self._process.sentinel

    def _next_deadline(self) -> float:
        return self._calls[0].deadline if self._calls else float("inf")

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None and self._process.is_alive() else None

    def close(self) -> None:
        with self._lock:
            idle = self._ready and not self._calls
            if self._conn is not None and idle:
                try:
                    self._conn.send(None)
                except (BrokenPipeError, OSError):
                    pass
            # A worker still busy with an abandoned job (an interrupted batch) is not waited for.
            self._stop(grace_s=2.0 if idle else 0.0)

    def __enter__(self) -> "ExtractionWorker":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _spawn(self) -> None:
        self._stop(grace_s=0.0)
        # Any: typeshed's BaseContext has no Process; every concrete context has.
        ctx: Any = multiprocessing.get_context(self.context)
        if self.context == "forkserver":
            # Only these: the server must not import the caller's __main__ (the default).
            ctx.set_forkserver_preload([__name__, "trafilatura"])
        parent_conn, child_conn = ctx.Pipe(duplex=True)
        process = ctx.Process(target=_worker_main, args=(child_conn,), daemon=True,
                              name="newstrace-extract")
        process.start()
        child_conn.close()
        self._process, self._conn, self._ready = process, parent_conn, False
        self._started_at = time.monotonic()

    def _ensure_started(self) -> Any:
        if self._process is None or not self._process.is_alive():
            # A process that died with jobs on board: they are settled before a new one takes its place.
            self._stop(grace_s=0.0, failure=_died)
            self._spawn()
        if self._ready:
            return self._conn
        conn = self._conn
        if not conn.poll(max(0.0, self._started_at + self.start_timeout_s - time.monotonic())):
            self._stop(grace_s=0.0)
            raise ExtractorCrashed(f"extraction worker did not start within {self.start_timeout_s:g} s")
        try:
            conn.recv()
        except (EOFError, OSError) as exc:
            code = self._stop(grace_s=0.0)
            raise ExtractorCrashed(f"extraction worker failed to start (exit code {code})") from exc
        self._ready = True
        return conn

    def _stop(self, grace_s: float, failure: Callable[[int | None], NewstraceError] | None = None) -> int | None:
        """Stop the process; the job it was running gets `failure(exit code)`, those queued are cancelled.

        The replacement starts lazily on the next job, so a batch that ends
        on a bad page does not pay for a process it never uses.
        """
        process, conn = self._process, self._conn
        self._process = self._conn = None
        self._ready = False
        code = None
        if process is not None:
            process.join(grace_s)
            if process.is_alive():
                process.kill()
                process.join(5.0)
            if conn is not None:
                conn.close()
            code = process.exitcode
        calls, self._calls = self._calls, deque()
        for index, call in enumerate(calls):
            if index == 0 and failure is not None:
                call._settle("error", failure(code))
            else:
                call._settle("error", ExtractionCancelled(
                    "the job was queued behind one that failed and never ran; send it again"))
        return code


def _died(code: int | None) -> ExtractorCrashed:
    return ExtractorCrashed(f"extraction worker died (exit code {code})")


def _overran(timeout_s: float) -> Callable[[int | None], NewstraceError]:
    def failure(_code: int | None) -> NewstraceError:
        return ExtractionTimeout(f"extraction took longer than {timeout_s:g} s; worker restarted")

    return failure


class PendingCall:
    """A job sent to an ExtractionWorker; `result()` gives its answer.

    A handle, not a record: the worker sets its deadline when the job
    reaches the front of the queue and its outcome when the answer arrives.
    """

    __slots__ = ("worker", "timeout_s", "deadline", "_status", "_payload")

    def __init__(self, worker: ExtractionWorker, timeout_s: float) -> None:
        self.worker = worker
        self.timeout_s = timeout_s
        self.deadline = float("inf")  # time.monotonic() by which the answer must have arrived
        self._status: str | None = None
        self._payload: Any = None

    def done(self) -> bool:
        """True when `result()` will not block."""
        return self._status is not None

    def result(self) -> Any:
        """The job's return value; raises what the job raised, ExtractionTimeout, ExtractorCrashed
        or ExtractionCancelled (queued behind a job that failed: it never ran)."""
        while self._status is None:
            if self not in self.worker._calls:
                raise RuntimeError("this job was never sent, or its worker lost track of it")
            self.worker._advance(wait=True)
        if self._status == "error":
            raise self._payload
        return self._payload

    def _settle(self, status: str, payload: Any) -> None:
        self._status, self._payload = status, payload


def wait_for_calls(calls: Sequence[PendingCall], timeout_s: float | None = None) -> list[PendingCall]:
    """The calls whose `result()` will not block: answered, worker gone, past their deadline or cancelled.

    Waits until at least one is, or `timeout_s` has passed (then returns an
    empty list). With several workers this lets the caller take results as
    they come, so a page that hangs in one worker does not hold up the others.
    """
    from multiprocessing.connection import wait

    if not calls:
        return []
    until = None if timeout_s is None else time.monotonic() + timeout_s
    workers = list({id(call.worker): call.worker for call in calls}.values())
    while True:
        for worker in workers:
            worker._advance(wait=False)
        ready = [call for call in calls if call.done()]
        if ready:
            return ready
        now = time.monotonic()
        if until is not None and until <= now:
            return []
        busy = [worker for worker in workers if worker.queued]
        if not busy:
            raise RuntimeError("waiting for jobs no worker holds")
        limit = min(worker._next_deadline() for worker in busy) - now
        if until is not None:
            limit = min(limit, until - now)
        wait([handle for worker in busy for handle in worker._wait_handles()], timeout=max(0.0, limit))





def extract_job(html: str, url: str | None, options: CleanOptions) -> ExtractedPage:
    """The job a worker runs for `start_extraction`: top-level, so it pickles by name."""
    return extract_html(html, url, options=options)
