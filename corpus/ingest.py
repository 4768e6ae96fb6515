"""Ingest: turn sources (URLs, files, folders, WARC archives, URL lists) into stored articles.

One source becomes exactly one row (an article, a duplicate pointer, a
no-article page or a failure with its reason) committed in its own
transaction, so a batch never stops on a bad item and a rerun after a crash
resumes where it stopped: sources already stored are skipped without any
network or extraction work.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import stat
import sys
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from .article_check import is_article
from .clean_records import CleanOptions
from .decode import decode_body
from .errors import FetchError, StoreError, UsageError
from .extraction_pool import ExtractionPool, claim_pool, default_worker_count, start_extraction
from .extraction_worker import (
    ExtractionCancelled,
    ExtractionTimeout,
    ExtractionWorker,
    ExtractorCrashed,
    PendingCall,
    wait_for_calls,
)
from .fetch import Fetcher, FetchOptions
from .filetypes import file_kind, looks_binary, response_kind
from .language import detect_language
from .records import Article, Extracted, IngestSummary, RawResponse, Status
from .store import ArticleState, Store, now
from .text_file import parse_text_file
from .urls import InvalidURL, canonical_url, content_id, looks_like_url, outlet_from_url, strip_userinfo, url_id

# /2: one precise trafilatura pass in fast mode, links placed from the page's own anchors.
# /3: dates with their source and estimated flag (corpus/dates.py); no year read from the body as the date.
# Documents an older extractor stored are redone on their next ingest (`_stale`), fetched pages from
# their stored response.
EXTRACTOR_VERSION = "newstrace-clean/3"
_WORKER_CLEAN_OPTIONS = CleanOptions(detect_language=False)
# Documents read ahead of the store, across all workers: enough for a free
# worker to keep going while another one sits on a slow page, few enough
# (with the byte budget) that memory stays bounded whatever the pages are.
IN_FLIGHT_PER_WORKER = 8
IN_FLIGHT_BYTES = 64 * 1024 * 1024
# An input-list line longer than this is no URL (4096 at most) and no path: a failure row, not a read
# without end. Past MAX_SKIPPED_LINE characters with no line break the list is not a list at all.
MAX_INPUT_LINE = 8192
MAX_SKIPPED_LINE = 16 * 2**20


@dataclass(frozen=True)
class Source:
    """One input as the user gave it; `error` is set when it is unusable."""

    ref: str
    kind: str  # url | file | invalid
    path: Path | None = None
    line: int | None = None
    error: str | None = None

    @property
    def label(self) -> str:
        return f"{self.ref} (line {self.line})" if self.line else self.ref


@dataclass(frozen=True)
class IngestOptions:
    primary: bool = False
    fetch: FetchOptions = field(default_factory=FetchOptions)
    extract_timeout: float = 20.0
    # Retrying once in a fresh worker separates a flaky crash from a page that always kills the parser.
    crash_retries: int = 1
    # Extraction processes for local files and WARC records (URLs are fetched and extracted one at a time).
    extract_workers: int = field(default_factory=default_worker_count)


# Which command-line flag lifts each fetch policy (BlockedError reasons in corpus/fetch.py).
# Scheme refusals have none: ingest fetches http(s) only, whatever the flags.
UNBLOCKING_FLAGS = {
    "non_public_address": "--allow-private",
    "redirect_to_non_public": "--allow-private",
    "robots": "--ignore-robots",
}


def unblock_hint(status: str | None, reason: str | None) -> str | None:
    """What a blocked row's message adds: the flag that would let ingest fetch it, or None."""
    if status != Status.BLOCKED.value:
        return None
    flag = UNBLOCKING_FLAGS.get(reason or "")
    return f"pass {flag} to fetch it" if flag else None


def _flag_is_set(options: IngestOptions, flag: str) -> bool:
    if flag == "--allow-private":
        return options.fetch.allow_private
    if flag == "--ignore-robots":
        return not options.fetch.respect_robots
    return False


@dataclass(frozen=True)
class ItemResult:
    source: Source
    status: str  # ok | duplicate | unchanged | no_article | failed_* | blocked | invalid_input
    reason: str | None = None
    article_id: str | None = None


def expand_sources(sources: Sequence[str], input_files: Sequence[str | IO[str]] = ()) -> Iterator[Source]:
    """Yield Sources from arguments and `-i` lists, expanding folders recursively in sorted order.

    Duplicate inputs are collapsed; bad lines become `invalid` Sources (never an exception),
    so one typo does not cost the rest of the list.
    """
    seen: set[str] = set()

    def emit(ref: str, line: int | None) -> Iterator[Source]:
        ref = ref.strip()
        if not ref or ref.startswith("#"):
            return
        for src in _classify(ref, line):
            key = str(src.path) if src.path else src.ref
            if key in seen:
                continue
            seen.add(key)
            yield src

    for ref in sources:
        yield from emit(ref, None)
    for item in input_files:
        handle: IO[str]
        if isinstance(item, str):
            if item == "-":
                handle = sys.stdin
            else:
                try:
                    mode = os.stat(item).st_mode
                    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISDIR(mode):
                        # /dev/zero never ends and never has a line; a folder is not a list. One row, and
                        # the other sources go on.
                        yield Source(item, "invalid", error="not_a_regular_file: an input list must be a text "
                                     "file (or a pipe) with one URL or path per line")
                        continue
                    handle = open(item, encoding="utf-8-sig", errors="replace")
                except OSError as exc:
                    raise UsageError(f"cannot read input list {item}: {exc.strerror}; check the -i path") from exc
        else:
            handle = item
        with handle if handle is not sys.stdin else contextlib.nullcontext(handle):
            for number, text, problem in _bounded_lines(handle):
                if problem is not None:
                    yield Source(_list_name(item), "invalid", line=number, error=problem)
                    continue
                yield from emit(text, number)


def _list_name(item: str | IO[str]) -> str:
    return item if isinstance(item, str) else getattr(item, "name", "input list")


def _bounded_lines(handle: IO[str]) -> Iterator[tuple[int, str, str | None]]:
    """(number, line, problem) from an input list, each line read with a cap: an over-long line (an
    HTML file given to -i, a stream with no newline) comes with a problem, is skipped to its end, and
    the list goes on (I12, I16). A line still going past MAX_SKIPPED_LINE characters ends the list:
    nothing would ever follow it."""
    number = 0
    while True:
        text = handle.readline(MAX_INPUT_LINE + 1)
        if not text:
            return
        number += 1
        if len(text) <= MAX_INPUT_LINE or text.endswith("\n"):
            yield number, text, None
            continue
        skipped = len(text)
        while text and not text.endswith("\n") and skipped <= MAX_SKIPPED_LINE:
            text = handle.readline(1 << 16)
            skipped += len(text)
        if skipped > MAX_SKIPPED_LINE:
            yield number, "", (f"invalid_input: no line break in the first {MAX_SKIPPED_LINE} characters; "
                               "stopped reading this list (is it a text file with one URL or path per line?)")
            return
        yield number, "", f"invalid_input: line longer than {MAX_INPUT_LINE} characters"


def _classify(ref: str, line: int | None) -> Iterator[Source]:
    if looks_like_url(ref):
        ref = strip_userinfo(ref)  # credentials are kept nowhere: not in a row, an alias, the log or an export
        try:
            canonical_url(ref)
        except (InvalidURL, ValueError) as exc:
            yield Source(ref, "invalid", line=line, error=f"invalid_url: {exc}")
            return
        yield Source(ref, "url", line=line)
        return
    try:
        yield from _classify_path(ref, line)
    except (OSError, ValueError) as exc:
        # ENAMETOOLONG (a line of HTML given to -i), a NUL in the name, a folder we may not list: one row,
        # and the batch goes on (I12).
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        shown = ref if len(ref) <= 200 else ref[:200] + "..."
        yield Source(shown, "invalid", line=line, error=f"invalid_input: {reason}")


def _classify_path(ref: str, line: int | None) -> Iterator[Source]:
    path = Path(ref).expanduser()
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if file_kind(child) is None or any(part.startswith(".") for part in child.relative_to(path).parts):
                continue
            problem = _not_readable(child)
            if problem:
                # A row for every skipped path: a dangling link or a FIFO must not vanish (I22).
                yield Source(str(child), "invalid", line=line, error=problem)
            elif not child.is_dir():
                yield Source(str(child), "file", path=child.resolve(), line=line)
        return
    problem = _not_readable(path)
    if problem and problem != "not_found":
        yield Source(ref, "invalid", line=line, error=problem)
        return
    if path.is_file():
        if file_kind(path) is None:
            yield Source(ref, "invalid", line=line,
                         error="unsupported_file_type: give .html, .txt or .warc(.gz) files")
            return
        yield Source(ref, "file", path=path.resolve(), line=line)
        return
    if len(ref) > 255 and not looks_like_url(ref):
        yield Source(ref[:200] + "...", "invalid", line=line,
                     error="invalid_input: longer than a file name can be and not a URL")
        return
    if re.match(r"^[\w.-]+\.[a-z]{2,}(/|$)", ref):
        yield Source(ref, "invalid", line=line, error="invalid_url: no scheme; write https://" + ref)
        return
    yield Source(ref, "invalid", line=line, error="not_found: no such file or folder")


def _not_readable(path: Path) -> str | None:
    """Why ingest cannot read `path` as a file or folder (None when it can, or it is a folder)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "dangling_symlink: the link points to nothing" if path.is_symlink() else "not_found"
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return None
    return "not_a_regular_file: a FIFO, socket or device is never read (it may never end)"


class _TooLarge(Exception):
    pass


def read_capped(path: Path, limit: int) -> bytes:
    """The file's bytes, refused past `limit` (--max-bytes, the cap a URL's body has): a 200 MB file
    must not become a 200 MB blob in the store and a gigabyte of memory (I22). Opened without
    following into a FIFO's endless wait: only regular files are read."""
    # O_NONBLOCK: opening a FIFO that replaced the file since it was listed must not wait for a writer.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise _TooLarge("not_a_regular_file: a FIFO, socket or device is never read")
        body = handle.read(limit + 1)
    if len(body) > limit:
        raise _TooLarge(f"too_large: the file is over --max-bytes ({limit} bytes)")
    return body


def text_hash(text: str) -> str:
    """Hash of the normalised text: exact duplicates differ only in whitespace."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def ingest(sources: Iterable[Source], store: Store, options: IngestOptions = IngestOptions(), *,
           on_item: Callable[[ItemResult], None] | None = None, run_id: str | None = None,
           pool: ExtractionPool | None = None) -> IngestSummary:
    """Ingest every source into `store`; return the counts. Never raises for a single bad item.

    Pages are extracted by `pool`'s workers; the caller that passes a pool owns it (and may go on
    using it). Without one, ingest takes `options.extract_workers` workers (those started ahead
    by `start_workers`, if any) and closes them when it is done.
    """
    run_id = run_id or uuid.uuid4().hex[:12]
    counts = {"ok": 0, "duplicate": 0, "unchanged": 0, "no_article": 0, "failed": 0}
    failures: list[tuple[str, str, str]] = []

    def report(result: ItemResult) -> None:
        bucket = result.status if result.status in counts else "failed"
        counts[bucket] += 1
        if bucket == "failed":
            failures.append((result.source.label, result.status, result.reason or ""))
        if on_item:
            on_item(result)

    owned = None
    if pool is None:
        pool = owned = claim_pool(max(1, options.extract_workers))
    try:
        with Fetcher(options.fetch) as fetcher:
            runner = _Runner(store, options, fetcher, run_id, pool.workers())
            for source in sources:
                for result in runner.run(source):
                    report(result)
            for result in runner.flush():
                report(result)
    finally:
        if owned is not None:
            owned.close()
    return IngestSummary(ok=counts["ok"], duplicate=counts["duplicate"], unchanged=counts["unchanged"],
                         no_article=counts["no_article"], failed=counts["failed"], failures=tuple(failures))


@dataclass(frozen=True)
class _Document:
    """A decoded input on its way to the store, with what its row needs besides the extraction."""

    source: Source
    base: Article
    text: str
    url: str | None
    raw: RawResponse | None
    body: bytes
    alias: str | None


class _Slot:
    """A document in the reorder buffer: its job, then its outcome once collected.

    Mutable on purpose: it lives only inside one _Runner and changes as the
    job is retried and finished.
    """

    __slots__ = ("document", "worker", "call", "crashes", "outcome")

    def __init__(self, document: _Document, worker: ExtractionWorker) -> None:
        self.document = document
        self.worker = worker
        self.call: PendingCall | None = None
        self.crashes = 0
        self.outcome: Extracted | ExtractionTimeout | ExtractorCrashed | None = None


class _Runner:
    """Per-run state: the store, options, the shared fetcher and the extraction pipeline.

    Local files and WARC records are pipelined over the workers: each worker
    extracts one document at a time with the next one already waiting in its
    pipe, results are taken as they come, and meanwhile this process stores
    finished documents and reads, hashes, looks up and decodes the next ones.
    A small reorder buffer keeps the stores in input order, one committed
    transaction per document before it is reported, so duplicates, resume
    after kill -9 and the report order are as without the pipeline. Every
    other path drains the buffer first.
    """

    def __init__(self, store: Store, options: IngestOptions, fetcher: Fetcher, run_id: str,
                 workers: Sequence[ExtractionWorker]):
        self.store = store
        self.options = options
        self.fetcher = fetcher
        self.run_id = run_id
        self.workers = list(workers)
        self._buffer: deque[_Slot] = deque()
        self._buffer_bytes = 0
        self._max_in_flight = IN_FLIGHT_PER_WORKER * len(self.workers)
        self._warm = False
        self._started = 0

    def run(self, source: Source) -> Iterator[ItemResult]:
        if source.kind == "file" and source.path is not None and file_kind(source.path) == "warc":
            yield from self._warc(source)
        elif source.kind == "file":
            yield from self._file(source)
        else:
            # URL aliases of the document in flight are not stored yet, so a
            # URL is looked up only once nothing is in flight.
            yield from self.flush()
            if source.kind == "invalid":
                yield self._invalid(source, source.error or "invalid_input")
            else:
                yield from self._url(source)

    def flush(self) -> Iterator[ItemResult]:
        """Finish and store every document in flight, in input order."""
        while self._buffer:
            if self._buffer[0].outcome is None:
                self._harvest(block=True)
            yield from self._store_finished()

    # -- URLs ---------------------------------------------------------------------------

    def _url(self, source: Source) -> Iterator[ItemResult]:
        canonical = canonical_url(source.ref)
        article_id = url_id(canonical)
        existing = self.store.find_alias(source.ref) or self.store.find_alias(canonical)
        misread = existing is not None and self._misread_as_html(existing)
        if (existing is not None and existing.status is not Status.FAILED_TRANSIENT and not self._upgrade(existing)
                and not self._unblocked(existing) and not misread):
            yield ItemResult(source, "unchanged", existing.reason, existing.id)
            return
        if existing is not None and (self._stale(existing) or misread):
            raw = self.store.raw_response(existing.id)
            if raw is not None:
                base = replace(existing, extractor_version=EXTRACTOR_VERSION, status=Status.OK, reason=None,
                               duplicate_of=None, is_primary=existing.is_primary or self.options.primary)
                yield from self._from_bytes(source, base, raw.body, raw.header("content-type"),
                                            response_kind(raw.header("content-type")), raw=raw)
                return
        previous_attempts = existing.attempts if existing else 0
        base = Article(id=article_id, url=source.ref, final_url=None, canonical_url=canonical, source_path=None,
                       status=Status.FAILED_TRANSIENT, is_primary=self.options.primary, fetched_at=now(),
                       extractor_version=EXTRACTOR_VERSION)
        try:
            raw = self.fetcher.fetch(source.ref)
        except FetchError as exc:
            failed = replace(base, status=exc.status, reason=exc.reason,
                             attempts=previous_attempts + exc.attempts,
                             redirect_chain=tuple(strip_userinfo(hop) for hop in exc.redirect_chain),
                             next_attempt_at=_retry_at(exc) if exc.status is Status.FAILED_TRANSIENT else None)
            yield self._save(source, failed)
            return
        raw = replace(raw, requested_url=strip_userinfo(raw.requested_url), final_url=strip_userinfo(raw.final_url),
                      redirect_chain=tuple(strip_userinfo(hop) for hop in raw.redirect_chain))
        base = replace(base, status=Status.OK, final_url=raw.final_url, redirect_chain=raw.redirect_chain,
                       attempts=previous_attempts + raw.attempts, fetched_at=raw.fetched_at)
        yield from self._from_bytes(source, base, raw.body, raw.header("content-type"),
                                    response_kind(raw.header("content-type")), raw=raw)

    # -- files --------------------------------------------------------------------------

    def _file(self, source: Source) -> Iterator[ItemResult]:
        assert source.path is not None
        try:
            body = read_capped(source.path, self.options.fetch.max_bytes)
        except OSError as exc:
            yield from self.flush()
            yield self._invalid(source, f"unreadable: {exc.strerror}")
            return
        except _TooLarge as exc:
            yield from self.flush()
            yield self._invalid(source, str(exc))
            return
        article_id = content_id(body)
        alias = "file:" + str(source.path)
        yield from self._settle(article_id)
        existing = self.store.article_state(article_id)
        if existing is not None and not self._upgrade(existing):
            yield from self.flush()
            yield ItemResult(source, "unchanged", existing.reason, article_id)
            return
        base = Article(id=article_id, url=None, final_url=None, canonical_url=None, source_path=str(source.path),
                       status=Status.OK, is_primary=self.options.primary, fetched_at=now(),
                       extractor_version=EXTRACTOR_VERSION)
        kind = file_kind(source.path) or "html"
        yield from self._from_bytes(source, base, body, None, kind, alias=alias)

    def _warc(self, source: Source) -> Iterator[ItemResult]:
        assert source.path is not None
        from .warc import WarcDamage, iter_warc

        try:
            for item in iter_warc(source.path):
                if isinstance(item, WarcDamage):
                    # The file cannot be read past here; what came before is stored, the batch goes on.
                    yield from self.flush()
                    yield self._invalid(source, f"bad_warc: {item.reason}")
                    continue
                where = f"{source.path} record {item.number}"
                if item.response is None:
                    yield from self.flush()
                    shown = strip_userinfo(item.target_uri) if item.target_uri else where
                    yield self._invalid(Source(f"{shown} ({where})", "invalid", line=source.line),
                                        item.reason or "invalid_input")
                    continue
                raw = replace(item.response, requested_url=strip_userinfo(item.response.requested_url),
                              final_url=strip_userinfo(item.response.final_url))
                record_source = Source(raw.requested_url, "url", line=source.line)
                try:
                    canonical = canonical_url(raw.requested_url)
                except (InvalidURL, ValueError) as exc:
                    yield from self.flush()
                    yield self._invalid(record_source, f"invalid_url: {exc}")
                    continue
                article_id = url_id(canonical)
                yield from self._settle(article_id)
                state = self.store.article_state(article_id)
                if state is not None and not self._stale(state):
                    yield from self.flush()
                    yield ItemResult(record_source, "unchanged", None, article_id)
                    continue
                base = Article(id=article_id, url=raw.requested_url, final_url=raw.final_url,
                               canonical_url=canonical, source_path=str(source.path), status=Status.OK,
                               is_primary=self.options.primary, fetched_at=raw.fetched_at,
                               extractor_version=EXTRACTOR_VERSION)
                yield from self._from_bytes(record_source, base, raw.body, raw.header("content-type"),
                                            response_kind(raw.header("content-type")), raw=raw)
        except (OSError, ValueError) as exc:
            yield from self.flush()
            yield self._invalid(source, f"bad_warc: {exc}")

    def _invalid(self, source: Source, reason: str) -> ItemResult:
        self.store.log_input(run_id=self.run_id, input_ref=source.label, status="invalid_input", reason=reason)
        return ItemResult(source, "invalid_input", reason)

    def _misread_as_html(self, existing: Article) -> bool:
        """A plain-text page that ingest before text/plain support stored as no_article(empty_body):
        redone from its stored response, not fetched again."""
        if existing.status is not Status.NO_ARTICLE or existing.reason != "empty_body":
            return False
        raw = self.store.raw_response(existing.id)
        return raw is not None and response_kind(raw.header("content-type")) == "text" and bool(raw.body.strip())

    def _unblocked(self, existing: "ArticleState | Article") -> bool:
        """Blocked by a policy this run's options no longer apply: fetched again, not reported unchanged."""
        if existing.status is not Status.BLOCKED:
            return False
        flag = UNBLOCKING_FLAGS.get(existing.reason or "")
        return flag is not None and _flag_is_set(self.options, flag)

    def _upgrade(self, existing: "ArticleState | Article") -> bool:
        """A stored document is redone to mark it primary when asked now, or when an older extractor stored it."""
        return (self.options.primary and not existing.is_primary and existing.status is Status.OK) or self._stale(existing)

    @staticmethod
    def _stale(existing: "ArticleState | Article") -> bool:
        """Extracted by an older extractor: redone so it carries what this one records (e.g. date sources)."""
        version = getattr(existing, "extractor_version", None) or ""
        return existing.status in (Status.OK, Status.DUPLICATE) and not version.startswith(EXTRACTOR_VERSION)

    def _settle(self, article_id: str) -> Iterator[ItemResult]:
        """Store the documents in flight first if this one is among them, so the lookup sees it (same bytes twice)."""
        if any(slot.document.base.id == article_id for slot in self._buffer):
            yield from self.flush()

    # -- shared tail: decode, extract, decide, store -------------------------------------

    def _from_bytes(self, source: Source, base: Article, body: bytes, content_type: str | None, kind: str, *,
                    raw: RawResponse | None = None, alias: str | None = None) -> Iterator[ItemResult]:
        if looks_binary(body):
            # Never decoded into mojibake and sent to NLP; the bytes are kept, as for every no_article (I18).
            yield from self.flush()
            yield self._save(source, replace(base, status=Status.NO_ARTICLE, reason="binary"), raw, body, alias)
            return
        decoded = decode_body(body, content_type)
        base = replace(base, encoding=decoded.encoding, encoding_source=decoded.source)
        document = _Document(source, base, decoded.text, base.final_url or base.url, raw, body, alias)
        if not decoded.text.strip() or kind == "text":
            yield from self.flush()
            if not decoded.text.strip():
                yield self._save(source, replace(base, status=Status.NO_ARTICLE, reason="empty_body"), raw, body,
                                 alias)
            else:
                yield self._complete(document, parse_text_file(decoded.text))
            return
        # Fetched URLs go through one at a time (see run), so they start only one worker.
        self._warm_up(1 if base.source_path is None else len(self.workers))
        while True:
            self._harvest(block=False)
            worker = self._free_worker()
            if worker is not None and self._has_room(len(body)):
                break
            if self._buffer[0].outcome is not None:
                yield from self._store_finished(limit=1)
            else:
                self._harvest(block=True)
        slot = _Slot(document, worker)
        self._buffer.append(slot)
        self._buffer_bytes += len(body)
        self._submit(slot)
        # While a worker has room, feeding it the next document comes first; stores can wait.
        if self._free_worker() is None:
            yield from self._store_finished()

    def _warm_up(self, workers: int) -> None:
        """Start `workers` workers and load the language model side by side when the first page needs them.

        Not earlier: a rerun with nothing new must not pay for either.
        """
        for worker in self.workers[self._started:workers]:
            worker.start()
        self._started = max(self._started, workers)
        if self._warm:
            return
        self._warm = True
        try:
            detect_language("Load the language model while the extraction worker imports trafilatura.")
        except OSError as exc:
            # py3langid unpacks its model into a temporary file first.
            if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
                raise StoreError("disk full or write error while unpacking the language model; free space and "
                                 "rerun (committed articles are kept)") from exc
            raise

    def _has_room(self, size: int) -> bool:
        if not self._buffer:
            return True
        return len(self._buffer) < self._max_in_flight and self._buffer_bytes + size <= IN_FLIGHT_BYTES

    def _free_worker(self) -> ExtractionWorker | None:
        """A started worker with room for one more job, the least loaded first (None when all are full)."""
        free = [worker for worker in self.workers[:self._started] if worker.queued < worker.depth]
        return min(free, key=lambda worker: worker.queued) if free else None

    def _submit(self, slot: _Slot) -> None:
        """Hand the slot's document to its worker; a crash there is counted and retried."""
        while slot.outcome is None:
            try:
                # The language is detected here (_with_extracted), off the
                # workers' critical path.
                slot.call = start_extraction(slot.document.text, slot.document.url, self.options.extract_timeout,
                                             options=_WORKER_CLEAN_OPTIONS, worker=slot.worker)
                return
            except ExtractorCrashed as exc:
                slot.call = None
                self._count_crash(slot, exc)

    def _count_crash(self, slot: _Slot, exc: ExtractorCrashed) -> None:
        """One more crash on this document; past `crash_retries` it is the document's outcome."""
        slot.crashes += 1
        if slot.crashes > self.options.crash_retries:
            slot.outcome = exc

    def _harvest(self, *, block: bool) -> None:
        """Collect the jobs that have finished (with `block`, wait for at least one)."""
        running = [slot for slot in self._buffer if slot.outcome is None and slot.call is not None]
        done = {id(call) for call in wait_for_calls([slot.call for slot in running if slot.call],
                                                    None if block else 0.0)}
        for slot in running:
            if slot.call is None or id(slot.call) not in done:
                continue
            try:
                slot.outcome = slot.call.result()
            except ExtractionTimeout as exc:
                # Only this worker was killed; it restarts with its next job.
                slot.outcome = exc
            except ExtractionCancelled:
                # Queued behind a page that overran or crashed: it never ran, so no retry is spent.
                self._submit(slot)
            except ExtractorCrashed as exc:
                self._count_crash(slot, exc)
                self._submit(slot)  # does nothing once the crash became the outcome

    def _store_finished(self, limit: int | None = None) -> Iterator[ItemResult]:
        """Store the finished documents at the head of the buffer, in input order."""
        stored = 0
        while self._buffer and self._buffer[0].outcome is not None and (limit is None or stored < limit):
            slot = self._buffer.popleft()
            self._buffer_bytes -= len(slot.document.body)
            outcome = slot.outcome
            assert outcome is not None
            stored += 1
            yield self._complete(slot.document, outcome)

    def _complete(self, document: _Document, outcome: Extracted | ExtractionTimeout | ExtractorCrashed) -> ItemResult:
        base = document.base
        if isinstance(outcome, ExtractionTimeout):
            article = replace(base, status=Status.FAILED_PERMANENT, reason="extraction_timeout")
        elif isinstance(outcome, ExtractorCrashed):
            article = replace(base, status=Status.FAILED_TRANSIENT, reason="extractor_crash")
        else:
            article = _with_extracted(base, outcome)
            missing = is_article(outcome)
            if missing:
                article = replace(article, status=Status.NO_ARTICLE, reason=missing)
        return self._save(document.source, article, document.raw, document.body, document.alias)

    def _save(self, source: Source, article: Article, raw: RawResponse | None = None,
              body: bytes | None = None, alias: str | None = None) -> ItemResult:
        saved = self.store.save_article(article, raw=raw, raw_body=None if raw else body, alias=alias,
                                        run_id=self.run_id, input_ref=source.label)
        reason = article.reason if saved.status == article.status.value else f"same text as {saved.article_id}"
        return ItemResult(source, saved.status, reason, saved.article_id)


def _with_extracted(base: Article, ex: Extracted) -> Article:
    language = ex.language or detect_language(ex.text)
    return replace(base, title=ex.title, author=ex.author, published=ex.published,
                   date_source=ex.date_source, date_estimated=ex.date_estimated,
                   outlet=ex.outlet or outlet_from_url(base.final_url or base.url), language=language,
                   text=ex.text, links=ex.links, auto_generated=ex.auto_generated,
                   content_hash=text_hash(ex.text) if ex.text else None)


def _retry_at(exc: FetchError) -> str:
    import datetime as dt

    delay = exc.retry_after if exc.retry_after is not None else 300.0
    when = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=delay)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")
