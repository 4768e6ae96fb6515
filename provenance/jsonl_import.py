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
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any, TypeGuard

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
    notes: tuple[str, ...] = field(default=())  # accepted lines with something not imported, `line N: ...`
    corrected: int = 0  # articles whose statistics or sources a person corrected


@dataclass(frozen=True)
class _Row:
    article: Article
    annotations: Annotations | None
    spans: tuple[Any, ...] = ()  # the line's `spans` as given (a person may have edited them)


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
    spans: tuple[Any, ...] = ()
    if annotations is not None and _list(data, "spans"):
        spans = _edited_spans(_list(data, "spans"), annotations, text)
    return _Row(article, annotations, spans)


def _edited_spans(given: list[Any], annotations: Annotations, text: str) -> tuple[Any, ...]:
    """The line's spans when a person changed them from what its `annotations` show, else ().

    `spans` is a view of `annotations` (export.spans_of: entities and statistics). Edited statistic
    spans are imported as a correction (human_annotations.py), checked here so a bad one is a
    `line N:` error before anything is stored.
    """
    from .annotation_formats import Span
    from .export import spans_of  # lazy: export pulls in the report modules
    from .human_annotations import Correction, check_correction

    def key(span: Mapping[str, Any]) -> tuple[Any, Any, Any]:
        return span.get("start"), span.get("end"), span.get("label")

    if {key(span) for span in given} == {key(span) for span in spans_of(annotations, text)}:
        return ()
    for number, span in enumerate(given):
        if not isinstance(span.get("label"), str):
            raise ValueError(f"spans[{number}] needs a label string")
    spans = tuple(Span(s["start"], s["end"], s["label"]) for s in given if s["end"] > s["start"])
    check_correction(Correction.from_spans(spans), text, annotations)
    return spans


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


def _is_int(value: object) -> TypeGuard[int]:
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
    if isinstance(hint, type) and is_dataclass(hint):  # a record class (is_dataclass also takes instances)
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
                    # a line has edited spans only beside its annotations (_row)
                    if not row.spans or row.annotations is None \
                            or _save_correction(store, row.article, row.annotations, row.spans, "jsonl") == 0:
                        unchanged += 1
                    else:
                        imported += 1
                    continue
            store.save_article(row.article)
            if row.annotations is not None:
                store.save_annotations([(row.article.id, row.annotations.pipeline_version, "imported",
                                         "annotated" if not row.annotations.skipped else "nlp_skipped",
                                         row.annotations.to_dict())])
                if row.spans:
                    _save_correction(store, row.article, row.annotations, row.spans, "jsonl")
                else:
                    _keep_correction(store, row.article, row.annotations)
            imported += 1
    return imported, unchanged


def _save_correction(store: Store, article: Article, annotations: Annotations, spans: tuple[Any, ...],
                     origin: str) -> int:
    """Store the statistics of a JSONL line's edited `spans` as a correction (its sources stay as they are);
    0 when it is the correction already stored."""
    from .human_annotations import HUMAN_KEY, Correction, current_view

    given = Correction.from_spans(spans)
    shown = current_view(annotations, article.text)
    # A JSONL line corrects statistics only: its sources stay as shown, and its quotes are extract's.
    view = Correction(shown.statistics, shown.sources)
    correction = Correction(given.statistics, view.sources)
    before = store.human_annotations().get(article.id)
    if before is not None and before[0] == article.content_hash and Correction.from_dict(before[2]) == correction:
        return 0
    if before is None and correction == view and not annotations.extra.get(HUMAN_KEY):
        return 0  # only entity spans were edited: those are extract's to find
    store.save_human_annotations([(article.id, article.content_hash or "", origin, correction.to_dict())])
    return 1


def _keep_correction(store: Store, article: Article, annotations: Annotations) -> None:
    """An export of a corrected article carries the correction in its annotations; stored as a correction
    again, it outlives the next `extract --force` in this store too."""
    from .annotation_formats import Span
    from .human_annotations import HUMAN_KEY, current_view

    mark = annotations.extra.get(HUMAN_KEY)
    if not isinstance(mark, dict):
        return
    view = current_view(annotations, article.text)
    spans = [*view.statistics, *(Span(a, b, "SOURCE") for a, b in view.sources)]
    _save_correction(store, article, annotations, tuple(spans), str(mark.get("origin") or "jsonl"))


# -- the annotation tools' files: doccano, Label Studio, Prodigy -------------------------------------

IMPORT_FORMATS = ("auto", "jsonl", "doccano", "label-studio", "prodigy")
MAX_ARRAY_BYTES = 2 * 2**30


def detect_format(path: Path) -> str:
    """Which export a file is, from its first record: a JSON array is Label Studio's; a line with `tokens`
    and `spans` is Prodigy's; one with `label` is doccano's; anything else our own JSONL."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"[") and head[1:].lstrip()[:1] in (b"{", b"]"):
        return "label-studio"  # an array of task objects; a JSONL line starting "[[" stays a JSONL error
    first = head.split(b"\n", 1)[0]
    try:
        record = json.loads(first)
    except ValueError:
        return "jsonl"  # a line too long to sniff, or broken: the JSONL reader reports it by number
    if not isinstance(record, dict) or "export_version" in record or "annotations" in record and "data" not in record:
        return "jsonl"
    if "tokens" in record and "spans" in record:
        return "prodigy"
    if "label" in record or "labels" in record:
        return "doccano"
    return "jsonl"


def import_file(path: Path, store: Store, *, fmt: str = "auto", skip_invalid: bool = False) -> ImportResult:
    """`newstrace import`: our JSONL export, or a doccano, Label Studio or Prodigy file of our tasks."""
    if not path.is_file():
        raise UsageError(f"cannot read {path}: no such file; give the path of a newstrace export")
    if fmt == "auto":
        fmt = detect_format(path)
    if fmt == "jsonl":
        return import_jsonl(path, store, skip_invalid=skip_invalid)
    if fmt not in IMPORT_FORMATS:
        raise UsageError(f"unknown import format {fmt!r}; choose one of {', '.join(IMPORT_FORMATS)}")
    return import_annotations(path, store, fmt, skip_invalid=skip_invalid)


def _tool_records(path: Path, fmt: str) -> Iterator[tuple[int, Any]]:
    """(number, decoded record or the ValueError it raised), with the same defences as the JSONL reader."""
    if fmt == "label-studio":
        if path.stat().st_size > MAX_ARRAY_BYTES:
            raise UsageError(f"{path} is larger than {MAX_ARRAY_BYTES >> 30} GB; export the tasks in parts")
        raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
        try:
            text = raw.decode("utf-8")
            if _depth(text) > MAX_DEPTH:
                raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
            tasks = json.loads(text, parse_constant=_no_constants, object_pairs_hook=_no_duplicates)
        except (ValueError, RecursionError) as exc:
            raise UsageError(f"{path} is not a Label Studio task list (a JSON array): {exc}; "
                             "export the project as JSON") from exc
        if not isinstance(tasks, list):
            raise UsageError(f"{path} is not a Label Studio task list (a JSON array); export the project as JSON")
        yield from enumerate(tasks, 1)
        return
    for number, raw in read_lines(path):
        try:
            if len(raw) > MAX_LINE_BYTES:
                raise ValueError(f"line longer than {MAX_LINE_BYTES} bytes")
            text = raw.decode("utf-8").rstrip("\r\n")
            if not text.strip():
                continue  # a trailing blank line is what editors leave
            if _depth(text) > MAX_DEPTH:
                raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
            yield number, json.loads(text, parse_constant=_no_constants, object_pairs_hook=_no_duplicates)
        except UnicodeDecodeError as exc:
            yield number, ValueError(f"not UTF-8 at byte {exc.start}")
        except (ValueError, RecursionError) as exc:
            yield number, ValueError(f"bad JSON: {exc}")


def import_annotations(path: Path, store: Store, fmt: str, *, skip_invalid: bool = False) -> ImportResult:
    """Import the statistic, source, quote and speaker spans of a doccano, Label Studio or Prodigy file as
    corrections.

    Each task must be an article in this store with the same text (the spans index it); it is found by
    `article_id` or, when the tool dropped it, by its text. A task whose spans are what the store's
    annotations (with any earlier correction) already show is unchanged. Edits to other labels
    (entities, citations, claims) are listed as notes, not imported: those are extract's to find.
    """
    from newstrace.extract.records import Annotations as _Annotations

    from .annotation_formats import READERS, annotation_spans
    from .human_annotations import Correction, apply_correction, check_correction, current_view, is_correctable

    reader = READERS[fmt]
    stored = store.human_annotations()
    problems: list[str] = []
    notes: list[str] = []
    rows: list[tuple[str, str, str, dict[str, Any]]] = []
    unchanged = 0
    seen: dict[str, int] = {}
    where = "task" if fmt == "label-studio" else "line"
    for number, record in _tool_records(path, fmt):
        try:
            if isinstance(record, Exception):
                raise record
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
            _check_strings(record, "")
            task = reader(record, number)
            if task.skipped:
                notes.append(f"{where} {number}: skipped, {task.skipped}")
                continue
            article = _find_article(store, task)
            if article.id in seen:
                raise ValueError(f"article {article.id!r} was already given in {where} {seen[article.id]}")
            seen[article.id] = number
            saved = store.get_annotations(article.id)
            if saved is None or saved[0] != "annotated":
                raise ValueError(f"article {article.id!r} has no annotations to correct; run newstrace extract first")
            ann = _Annotations.from_dict(saved[1])
            before = stored.get(article.id)
            if before is not None and before[0] == article.content_hash:
                ann = apply_correction(ann, article.text, Correction.from_dict(before[2]), before[1])[0]
            correction = Correction.from_spans(s for s in task.spans if is_correctable(s.label))
            check_correction(correction, article.text, ann)
            others = {s for s in task.spans if not is_correctable(s.label)}
            shown = {s for s in annotation_spans(ann, article.text) if not is_correctable(s.label)}
            if others != shown:
                labels = sorted({s.label for s in others ^ shown})
                notes.append(f"{where} {number}: edits to {', '.join(labels[:6])} spans are not imported "
                             "(only STAT_*, SOURCE, QUOTE and SPEAKER spans correct the report)")
            same_as_stored = before is not None and Correction.from_dict(before[2]) == correction
            if correction == current_view(ann, article.text) or same_as_stored:
                unchanged += 1
                continue
            rows.append((article.id, article.content_hash or "", fmt, correction.to_dict()))
        except (ValueError, RecursionError) as exc:
            problems.append(f"{where} {number}: {exc}")
    if problems and not skip_invalid:
        raise InvalidJSONL(problems)
    if rows:
        store.save_human_annotations(rows)
    return ImportResult(len(rows), unchanged, tuple(problems), tuple(notes), corrected=len(rows))


def _find_article(store: Store, task: Any) -> Article:
    if task.article_id is not None:
        article = store.get_article(task.article_id)
        if article is None:
            raise ValueError(f"article {task.article_id!r} is not in this store; import into the store it was "
                             "exported from")
    else:
        found = store.article_id_for_hash(text_hash(task.text)) if task.text else None
        article = store.get_article(found) if found else None
        if article is None:
            raise ValueError("no article_id and no stored article has this text; keep the task's metadata "
                             "when exporting from the tool")
    if article.text != task.text:
        raise ValueError(f"the text differs from stored article {article.id!r}, so its spans index another text; "
                         "annotate a fresh export")
    return article
