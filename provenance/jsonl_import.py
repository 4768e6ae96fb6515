"""`newstrace import`: read an annotated JSONL export back into a store.

Strict by default: every line is validated first and, if any line is bad,
nothing is imported and each bad line is reported as `line N: reason`; the
valid lines are then stored in ONE transaction, so a failure in the
database itself also leaves the store as it was. With `skip_invalid`, good
lines are imported and the bad ones returned.

Parsing is defensive (RELIABILITY.md G1, I1-I17): a line-length cap before
`json.loads`, NaN/Infinity and duplicate keys rejected, nesting depth capped,
lone surrogates rejected wherever they are, a UTF-8 BOM on the first line
tolerated, every field checked against the type the store and the records
hold (so a string `value` or `"links": 5` is a `line N:` error, never a
TypeError in a later report), `content_hash` recomputed from the text, the
same `id` twice refused, control characters stripped from metadata.
"""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Iterable, Iterator
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from newstrace.corpus.errors import UsageError
from newstrace.corpus.ingest import text_hash
from newstrace.corpus.records import Article, Link, Status
from newstrace.corpus.store import Store
from newstrace.extract.records import Annotations

MAX_LINE_BYTES = 20 * 2**20
MAX_DEPTH = 64
_ARTICLE_FIELDS = {"id": str, "text": str}
_OPTIONAL_STR = ("url", "final_url", "source_path", "title", "outlet", "author", "published", "language",
                 "reason", "content_hash", "fetched_at")
# Control characters (C0, DEL, C1) are stripped from metadata at import as ingest strips them from
# pages: an imported id or outlet must never send an escape sequence to a terminal (I8).
_METADATA_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


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
    """Validate one decoded line against the types the store and the records hold (I4, I11, I17)."""
    for name, kind in _ARTICLE_FIELDS.items():
        if not isinstance(data.get(name), kind):
            raise ValueError(f"field {name!r} must be a {kind.__name__}")
    for name in _OPTIONAL_STR:
        if data.get(name) is not None and not isinstance(data[name], str):
            raise ValueError(f"field {name!r} must be a string or null")
    _check_strings(data, "")
    text: str = data["text"]
    if "\x00" in text:
        # D8: PostgreSQL cannot store NUL in text, and stripping it would move every annotation offset.
        raise ValueError("text contains NUL characters")
    meta = {name: _strip_controls(data.get(name)) for name in _OPTIONAL_STR}
    article_id = _strip_controls(data["id"]) or ""
    if not article_id.strip():
        raise ValueError("field 'id' is empty")
    try:
        status = Status(data.get("status") or "ok")
    except ValueError as exc:
        raise ValueError(f"unknown status {data.get('status')!r}") from exc
    for flag in ("auto_generated", "is_primary"):
        if data.get(flag) is not None and not isinstance(data[flag], bool):
            raise ValueError(f"field {flag!r} must be true, false or null")
    links = [_link(number, link) for number, link in enumerate(_list(data, "links"))]
    for number, span in enumerate(_list(data, "spans")):
        if not isinstance(span, dict):
            raise ValueError(f"spans[{number}] must be an object")
        start, end = span.get("start"), span.get("end")
        if not (_is_int(start) and _is_int(end) and 0 <= start <= end <= len(text)):
            raise ValueError(f"spans[{number}] offsets {start!r}..{end!r} are outside the text")
        if "text" in span and text[start:end] != span["text"]:
            raise ValueError(f"spans[{number}] text does not match the article text at its offsets")
    content_hash = _content_hash(text, meta["content_hash"], status)
    article = Article(
        id=article_id, url=meta["url"], final_url=meta["final_url"], canonical_url=meta["url"],
        source_path=meta["source_path"], status=status, reason=meta["reason"], title=meta["title"],
        author=meta["author"], published=meta["published"], outlet=meta["outlet"],
        language=meta["language"], text=text, links=tuple(links),
        auto_generated=bool(data.get("auto_generated")), is_primary=bool(data.get("is_primary")),
        content_hash=content_hash, fetched_at=meta["fetched_at"])
    annotations = None
    if data.get("annotations") is not None:
        check_record(Annotations, data["annotations"], "annotations")
        if data["annotations"]["article_id"] != data["id"]:
            raise ValueError("annotations.article_id is not the line's id")
        annotations = Annotations.from_dict(data["annotations"])
        if article_id != data["id"]:
            annotations = replace(annotations, article_id=article_id)
        _check_spans_unedited(_list(data, "spans"), annotations, text)
    return _Row(article, annotations)


def _check_spans_unedited(given: list[Any], annotations: Annotations, text: str) -> None:
    """Refuse a line whose `spans` no longer match its `annotations` (issue 16).

    Only `annotations` is stored; `spans` is a derived view for spaCy/Prodigy/doccano. Until edited spans
    are imported as human annotations, an edited span must fail loudly, never count as "unchanged".
    """
    if not given:
        return  # a line without spans (hand-written, or an older export) says nothing to compare
    from .export import spans_of  # lazy: export pulls in the report modules

    def key(span: dict[str, Any]) -> tuple[Any, Any, Any]:
        return span.get("start"), span.get("end"), span.get("label")

    expected = {key(span) for span in spans_of(annotations, text)}
    edited = sorted({key(span) for span in given} ^ expected, key=repr)
    if edited:
        start, end, label = edited[0]
        raise ValueError(f"spans differ from annotations ({len(edited)} span(s), first {label} at {start}..{end}): "
                         "edited spans are not imported yet; edit `annotations` or drop `spans`")


def _content_hash(text: str, given: str | None, status: Status) -> str | None:
    """The hash is recomputed from the text, never trusted (I1): the store finds duplicates by it, so a
    wrong one would turn this line into a `duplicate` of another article and throw its text away."""
    if not text:
        # A duplicate row has no text; its hash names the copy it points to.
        return given if status is Status.DUPLICATE else None
    actual = text_hash(text)
    if given is not None and given != actual:
        raise ValueError(f"content_hash {given[:16]!r} does not match the text (whose hash starts "
                         f"{actual[:16]}); drop the field to have it computed")
    return actual


def _link(number: int, link: Any) -> Link:
    if not isinstance(link, dict) or not isinstance(link.get("href"), str):
        raise ValueError(f"links[{number}] needs an href string")
    for name in ("start", "end"):
        if link.get(name) is not None and not _is_int(link[name]):
            raise ValueError(f"links[{number}].{name} must be an integer")
    for name in ("text", "kind"):
        if link.get(name) is not None and not isinstance(link[name], str):
            raise ValueError(f"links[{number}].{name} must be a string")
    start, end = link.get("start"), link.get("end")
    return Link(link["href"], link.get("text") or "", -1 if start is None else start,
                -1 if end is None else end, link.get("kind") or "hyperlink")


def _list(data: dict[str, Any], name: str) -> list[Any]:
    value = data.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"field {name!r} must be a list")
    return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _strip_controls(value: str | None) -> str | None:
    return None if value is None else _METADATA_CONTROL.sub("", value)


def _check_strings(value: Any, where: str) -> None:
    """Every string, however deep, must be storable as UTF-8: a lone surrogate passes json.loads and
    would fail later in the database driver, halfway through the file (I4)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(f"{where or 'a key'} contains an invalid code point (a lone surrogate) "
                             f"at {exc.start}") from exc
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key, where)
            _check_strings(item, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        for number, item in enumerate(value):
            _check_strings(item, f"{where}[{number}]")


def check_record(cls: type, data: Any, where: str) -> None:
    """Check a JSON object against the field types of a record dataclass, nested records included."""
    if not isinstance(data, dict):
        raise ValueError(f"{where} must be an object, not {_json_type(data)}")
    hints = _hints(cls)
    for item in fields(cls):
        if item.name not in data:
            if item.default is MISSING and item.default_factory is MISSING:
                raise ValueError(f"{where}.{item.name} is missing")
            continue
        _check_type(hints[item.name], data[item.name], f"{where}.{item.name}")


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _check_type(hint: Any, value: Any, where: str) -> None:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return
        options = [arg for arg in args if arg is not type(None)]
        problems = []
        for option in options:
            try:
                _check_type(option, value, where)
                return
            except ValueError as exc:
                problems.append(str(exc))
        raise ValueError(problems[0] if len(problems) == 1 else f"{where} has the wrong type")
    if hint is Any:
        return
    if origin is tuple:
        if not isinstance(value, list):
            raise ValueError(f"{where} must be a list, not {_json_type(value)}")
        if len(args) == 2 and args[1] is Ellipsis:
            for number, item in enumerate(value):
                _check_type(args[0], item, f"{where}[{number}]")
            return
        if len(value) != len(args):
            raise ValueError(f"{where} must hold {len(args)} items")
        for number, (arg, item) in enumerate(zip(args, value)):
            _check_type(arg, item, f"{where}[{number}]")
        return
    if origin is dict:
        if not isinstance(value, dict):
            raise ValueError(f"{where} must be an object, not {_json_type(value)}")
        return
    if is_dataclass(hint):
        check_record(hint, value, where)
        return
    if hint is bool:
        ok = isinstance(value, bool)
    elif hint is int:
        ok = _is_int(value)
    elif hint is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    else:
        ok = isinstance(value, hint)
    if not ok:
        raise ValueError(f"{where} must be {_NAMES.get(hint, getattr(hint, '__name__', str(hint)))}, "
                         f"not {_json_type(value)}")


_NAMES = {bool: "true or false", int: "an integer", float: "a number", str: "a string"}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "a list",
            dict: "an object"}.get(type(value), type(value).__name__)


def read_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(number, raw line) pairs; a line is never read past MAX_LINE_BYTES + 1 bytes, so one endless
    line costs bounded memory and is reported as too long."""
    with path.open("rb") as handle:
        number = 0
        while True:
            raw = handle.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            number += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                while True:  # skip the rest of the over-long line
                    rest = handle.readline(1 << 20)
                    if not rest or rest.endswith(b"\n"):
                        break
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            yield number, raw


def import_jsonl(path: Path, store: Store, *, skip_invalid: bool = False) -> ImportResult:
    if not path.is_file():
        raise UsageError(f"cannot read {path}: no such file; give the path of a newstrace JSONL export")
    rows: list[_Row] = []
    problems: list[str] = []
    first_line: dict[str, int] = {}
    for number, raw in read_lines(path):
        try:
            row = parse_line(raw)
        except (ValueError, RecursionError) as exc:
            problems.append(f"line {number}: {exc}")
            continue
        earlier = first_line.setdefault(row.article.id, number)
        if earlier != number:
            # The last would win silently, and the first line's text would be lost (I5).
            problems.append(f"line {number}: id {row.article.id!r} was already given on line {earlier}")
            continue
        rows.append(row)
    if problems and not skip_invalid:
        raise InvalidJSONL(problems)
    return ImportResult(*_store_rows(rows, store), rejected=tuple(problems))


def _store_rows(rows: Iterable[_Row], store: Store) -> tuple[int, int]:
    """Store the rows in one transaction: all of them, or (on any database error) none."""
    imported = unchanged = 0
    with store.transaction():
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
