"""`newstrace import`: read an annotated JSONL export back into a store.

Strict by default: every line is validated first and, if any line is bad,
nothing is imported and each bad line is reported as `line N: reason`.
With `skip_invalid`, good lines are imported and the bad ones returned.
Parsing is defensive (RELIABILITY.md G1): a line-length cap before
`json.loads`, NaN/Infinity and duplicate keys rejected, nesting depth capped,
lone surrogates rejected, a UTF-8 BOM on the first line tolerated.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.errors import UsageError
from corpus.records import Article, Link, Status
from corpus.store import Store
from extract.records import Annotations

MAX_LINE_BYTES = 20 * 2**20
MAX_DEPTH = 64
_ARTICLE_FIELDS = {"id": str, "text": str}
_OPTIONAL_STR = ("url", "final_url", "source_path", "title", "outlet", "author", "published", "language",
                 "reason", "content_hash", "fetched_at")


class InvalidJSONL(UsageError):
    """The file cannot be imported as it is; `problems` lists `line N: reason` entries."""

    def __init__(self, problems: list[str]):
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        super().__init__(f"{len(problems)} invalid line(s), nothing imported: {shown}. "
                         "Fix them or pass --skip-invalid to import the valid lines")
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    imported: int
    unchanged: int
    rejected: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class _Row:
    article: Article
    annotations: Annotations | None


def _no_constants(value: str) -> Any:
    raise ValueError(f"{value} is not allowed in JSON")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"duplicate key {key!r}")
        seen[key] = value
    return seen


def _depth(text: str) -> int:
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def parse_line(raw: bytes) -> _Row:
    if len(raw) > MAX_LINE_BYTES:
        raise ValueError(f"line longer than {MAX_LINE_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 at byte {exc.start}") from exc
    text = text.rstrip("\r\n")
    if not text.strip():
        raise ValueError("blank line")
    if _depth(text) > MAX_DEPTH:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
    try:
        data = json.loads(text, parse_constant=_no_constants, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise ValueError(f"bad JSON at column {exc.colno}: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return _row(data)


def _row(data: dict[str, Any]) -> _Row:
    for name, kind in _ARTICLE_FIELDS.items():
        if not isinstance(data.get(name), kind):
            raise ValueError(f"field {name!r} must be a {kind.__name__}")
    for name in _OPTIONAL_STR:
        if data.get(name) is not None and not isinstance(data[name], str):
            raise ValueError(f"field {name!r} must be a string or null")
    text: str = data["text"]
    _check_text(text)
    try:
        status = Status(data.get("status") or "ok")
    except ValueError as exc:
        raise ValueError(f"unknown status {data.get('status')!r}") from exc
    links = []
    for number, link in enumerate(data.get("links") or []):
        if not isinstance(link, dict) or not isinstance(link.get("href"), str):
            raise ValueError(f"links[{number}] needs an href string")
        links.append(Link(link["href"], str(link.get("text") or ""), int(link.get("start", -1)),
                          int(link.get("end", -1)), str(link.get("kind") or "hyperlink")))
    for number, span in enumerate(data.get("spans") or []):
        start, end = span.get("start"), span.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)):
            raise ValueError(f"spans[{number}] offsets {start}..{end} are outside the text")
        if "text" in span and text[start:end] != span["text"]:
            raise ValueError(f"spans[{number}] text does not match the article text at its offsets")
    article = Article(
        id=data["id"], url=data.get("url"), final_url=data.get("final_url"), canonical_url=data.get("url"),
        source_path=data.get("source_path"), status=status, reason=data.get("reason"), title=data.get("title"),
        author=data.get("author"), published=data.get("published"), outlet=data.get("outlet"),
        language=data.get("language"), text=text, links=tuple(links),
        auto_generated=bool(data.get("auto_generated")), is_primary=bool(data.get("is_primary")),
        content_hash=data.get("content_hash"), fetched_at=data.get("fetched_at"))
    annotations = None
    if isinstance(data.get("annotations"), dict):
        try:
            annotations = Annotations.from_dict(data["annotations"])
        except (KeyError, TypeError) as exc:
            raise ValueError(f"annotations are malformed: {exc}") from exc
    return _Row(article, annotations)


def _check_text(text: str) -> None:
    if "\x00" in text:
        raise ValueError("text contains NUL characters")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"text contains an invalid code point at {exc.start}") from exc


def read_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            yield number, raw


def import_jsonl(path: Path, store: Store, *, skip_invalid: bool = False) -> ImportResult:
    if not path.is_file():
        raise UsageError(f"cannot read {path}: no such file; give the path of a newstrace JSONL export")
    rows: list[_Row] = []
    problems: list[str] = []
    for number, raw in read_lines(path):
        try:
            rows.append(parse_line(raw))
        except (ValueError, RecursionError) as exc:
            problems.append(f"line {number}: {exc}")
    if problems and not skip_invalid:
        raise InvalidJSONL(problems)
    return ImportResult(*_store_rows(rows, store), rejected=tuple(problems))


def _store_rows(rows: Iterable[_Row], store: Store) -> tuple[int, int]:
    imported = unchanged = 0
    for row in rows:
        existing = store.get_article(row.article.id)
        if existing is not None and existing.text == row.article.text and existing.status == row.article.status:
            stored = store.get_annotations(row.article.id)
            # Compare as JSON: the stored copy has lists where the record has tuples.
            wanted = json.loads(json.dumps(row.annotations.to_dict())) if row.annotations is not None else None
            if wanted is None or (stored is not None and stored[1] == wanted):
                unchanged += 1
                continue
        store.save_article(row.article)
        if row.annotations is not None:
            store.save_annotations([(row.article.id, row.annotations.pipeline_version, "imported",
                                     "annotated" if not row.annotations.skipped else "nlp_skipped",
                                     row.annotations.to_dict())])
        imported += 1
    return imported, unchanged
