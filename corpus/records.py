"""Typed records passed out of the corpus stage.

Every record is a frozen dataclass: later stages may read them but never
mutate them, so a value seen in a report is the value that was stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum


class Status(str, Enum):
    """Outcome of ingesting one input. Stored as text in the `articles` table."""

    OK = "ok"
    DUPLICATE = "duplicate"
    NO_ARTICLE = "no_article"
    FAILED_TRANSIENT = "failed_transient"
    FAILED_PERMANENT = "failed_permanent"
    BLOCKED = "blocked"

    @property
    def is_failure(self) -> bool:
        return self in (Status.FAILED_TRANSIENT, Status.FAILED_PERMANENT, Status.BLOCKED)


@dataclass(frozen=True)
class Link:
    """A hyperlink or origin reference found in an article.

    `start`/`end` are character offsets into `Article.text`; origin links
    (a "Original: <url>" line of a text file) sit outside the body text and
    carry -1 for both.
    """

    href: str
    text: str
    start: int
    end: int
    kind: str = "hyperlink"  # hyperlink | origin_link | source_line


@dataclass(frozen=True)
class RawResponse:
    """Bytes exactly as received, with what is needed to audit the fetch later."""

    requested_url: str
    final_url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    peer_address: str | None = None
    redirect_chain: tuple[str, ...] = ()
    attempts: int = 1
    fetched_at: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    def header(self, name: str) -> str | None:
        name = name.lower()
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None


@dataclass(frozen=True)
class Extracted:
    """What the cleaner found in one document, before it gets an identity."""

    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None  # ISO date
    outlet: str | None = None
    language: str | None = None
    links: tuple[Link, ...] = ()
    auto_generated: bool = False
    encoding: str | None = None
    encoding_source: str | None = None
    # Where `published` came from: metadata | json-ld | dateline | url | text | None (corpus/dates.py),
    # and whether it is only an estimate (never used to order articles).
    date_source: str | None = None
    date_estimated: bool = False


@dataclass(frozen=True)
class Article:
    """One stored document: an article, a primary source, or a failure row."""

    id: str
    url: str | None
    final_url: str | None
    canonical_url: str | None
    source_path: str | None
    status: Status
    reason: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None
    outlet: str | None = None
    language: str | None = None
    text: str = ""
    links: tuple[Link, ...] = ()
    auto_generated: bool = False
    is_primary: bool = False
    content_hash: str | None = None
    duplicate_of: str | None = None
    fetched_at: str | None = None
    encoding: str | None = None
    encoding_source: str | None = None
    redirect_chain: tuple[str, ...] = ()
    extractor_version: str | None = None
    attempts: int = 0
    next_attempt_at: str | None = None
    date_source: str | None = None  # see Extracted
    date_estimated: bool = False

    @property
    def is_article(self) -> bool:
        return self.status is Status.OK

    @property
    def ordering_date(self) -> str | None:
        """The publication date to order articles by: None when it is only an estimate."""
        return None if self.date_estimated else self.published


@dataclass(frozen=True)
class IngestSummary:
    """Counts for one ingest run; the CLI turns these into the exit code."""

    ok: int = 0
    duplicate: int = 0
    unchanged: int = 0
    no_article: int = 0
    failed: int = 0
    failures: tuple[tuple[str, str, str], ...] = field(default=())  # (input, status, reason)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0
