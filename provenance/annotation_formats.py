"""Exports in the annotation tools' own import formats: doccano, Label Studio, Prodigy (and spaCy).

Each article with text becomes one task. Its spans are what extract found:
named entities, statistics, sources (attribution phrases, citations, quote
speakers), quotes and claims. These overlap by nature (a claim holds a
statistic, a source sits inside a quote's sentence), so a consumer must put
them in span groups (spaCy `doc.spans`, Prodigy spancat, Label Studio's
overlapping labels), never all in `doc.ents`: `spacy_doc` shows the intended
reading, with `doc.ents` holding only a non-overlapping subset of the entities.

Label Studio needs a labelling config naming the same tags as the tasks:
`<View><Labels name="label" toName="text"><Label value="ORG"/>...</Labels>
<Text name="text" value="$text"/></View>` (`label_studio_config` writes one).
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import quoteattr

from newstrace.extract.records import Annotations

if TYPE_CHECKING:  # report.py loads corrections through human_annotations.py, which reads spans from here
    from .coverage import Corpus
    from .records import Report

FORMATS = ("doccano", "label-studio", "prodigy")

# Span groups (spaCy `doc.spans` keys) by what a span is; entity labels are spaCy's own (ORG, PERSON, ...).
GROUP_ENTITIES = "entities"
GROUP_STATISTICS = "statistics"
GROUP_SOURCES = "sources"
GROUP_QUOTES = "quotes"
GROUP_CLAIMS = "claims"
STAT_PREFIX = "STAT_"
LABEL_GROUPS = {"SOURCE": GROUP_SOURCES, "CITATION": GROUP_SOURCES, "SPEAKER": GROUP_SOURCES,
                "QUOTE": GROUP_QUOTES, "CLAIM": GROUP_CLAIMS}

# Label Studio's tag names in `label_studio_config` and every prediction.
LS_FROM_NAME = "label"
LS_TO_NAME = "text"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    label: str


def span_group(label: str) -> str:
    if label.startswith(STAT_PREFIX):
        return GROUP_STATISTICS
    return LABEL_GROUPS.get(label, GROUP_ENTITIES)


def annotation_spans(ann: Annotations | None, text: str) -> list[Span]:
    """Every span extract found in `text`, trimmed of surrounding whitespace, deduplicated, sorted.

    Spans whose offsets do not fit the text (an inferred source has -1) are left out: a tool
    rejects the whole task over one bad span.
    """
    if ann is None:
        return []
    raw: list[tuple[int, int, str]] = [(e.start, e.end, e.label) for e in ann.entities]
    attributions = [s.attribution for s in ann.statistics] + [c.attribution for c in ann.claims]
    raw += [(s.start, s.end, STAT_PREFIX + s.unit.upper()) for s in ann.statistics]
    raw += [(a.start, a.end, "SOURCE") for a in attributions
            if a is not None and not a.inferred and a.resolved]
    raw += [(c.start, c.end, "CITATION") for c in ann.citations]
    raw += [(q.start, q.end, "QUOTE") for q in ann.quotes]
    raw += [(q.speaker_start, q.speaker_end, "SPEAKER") for q in ann.quotes]
    raw += [(c.start, c.end, "CLAIM") for c in ann.claims]
    spans: set[Span] = set()
    for start, end, label in raw:
        if not (0 <= start < end <= len(text)):
            continue
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.add(Span(start, end, label))
    return sorted(spans, key=lambda s: (s.start, -s.end, s.label))


@dataclass(frozen=True)
class Task:
    article: Mapping[str, Any]  # the report's article row
    text: str
    spans: tuple[Span, ...]
    pipeline_version: str | None


def tasks(report: Report, corpus: Corpus) -> Iterator[Task]:
    """One task per article with text (failures have none to annotate), in the report's order."""
    for row in report.articles:
        article = corpus.articles.get(row["id"])
        if article is None or not article.text:
            continue
        ann = corpus.annotations.get(row["id"])
        yield Task(row, article.text, tuple(annotation_spans(ann, article.text)),
                   ann.pipeline_version if ann is not None else None)


def _meta(task: Task) -> dict[str, Any]:
    row = task.article
    return {"article_id": row["id"], "url": row.get("url"), "title": row.get("title"), "outlet": row.get("outlet"),
            "date": row.get("published"), "language": row.get("language"), "cluster": row.get("cluster")}


def doccano_lines(items: Iterable[Task]) -> Iterator[str]:
    """doccano's sequence-labelling JSONL: `text`, `label: [[start, end, LABEL]]`; other keys are metadata."""
    for task in items:
        line = {"text": task.text, "label": [[s.start, s.end, s.label] for s in task.spans], **_meta(task)}
        yield json.dumps(line, ensure_ascii=False) + "\n"


def label_studio_chunks(items: Iterable[Task]) -> Iterator[str]:
    """A Label Studio task list (one JSON array), extract's spans as the `predictions` of one model version."""
    yield "["
    for n, task in enumerate(items):
        result = [{"id": f"s{i}", "from_name": LS_FROM_NAME, "to_name": LS_TO_NAME, "type": "labels",
                   "value": {"start": s.start, "end": s.end, "text": task.text[s.start:s.end], "labels": [s.label]}}
                  for i, s in enumerate(task.spans)]
        entry = {"data": {"text": task.text, **_meta(task)},
                 "predictions": [{"model_version": f"newstrace {task.pipeline_version or 'unannotated'}",
                                  "result": result}]}
        yield ("," if n else "") + "\n" + json.dumps(entry, ensure_ascii=False)
    yield "\n]\n"


def label_studio_config(labels: Iterable[str]) -> str:
    """The labelling config that accepts the tasks' labels (Label Studio drops labels it does not know)."""
    names = "".join(f"<Label value={quoteattr(label)}/>" for label in sorted(set(labels)))
    return (f'<View><Labels name="{LS_FROM_NAME}" toName="{LS_TO_NAME}">{names}</Labels>'
            f'<Text name="{LS_TO_NAME}" value="${LS_TO_NAME}"/></View>\n')


def prodigy_lines(items: Iterable[Task]) -> Iterator[str]:
    """Prodigy's JSONL: `tokens` (text, start, end, id, ws) and `spans` with token_start/token_end (inclusive)."""
    for task in items:
        tokens = tokenize(task.text, str(task.article.get("language") or ""), task.spans)
        first = {t["start"]: t["id"] for t in tokens}
        last = {t["end"]: t["id"] for t in tokens}
        spans = [{"start": s.start, "end": s.end, "label": s.label, "text": task.text[s.start:s.end],
                  "token_start": first[s.start], "token_end": last[s.end]} for s in task.spans]
        line = {"text": task.text, "tokens": tokens, "spans": spans, "answer": "accept", "meta": _meta(task)}
        yield json.dumps(line, ensure_ascii=False) + "\n"


def tokenize(text: str, language: str, spans: Iterable[Span] = ()) -> list[dict[str, Any]]:
    """spaCy's tokens for `text`, split further wherever a span starts or ends inside one.

    Prodigy and spaCy index spans by token, so every span edge must be a token edge; extract's
    offsets come from several tokenizers (and regexes), so some edges fall inside a spaCy token
    ("$4bn" for the statistic "4bn"). Whitespace is kept as spaCy keeps it (one trailing
    space per token, longer runs as tokens), so the tokens rebuild the text exactly.
    """
    edges = sorted({s.start for s in spans} | {s.end for s in spans})
    out: list[dict[str, Any]] = []
    doc = _tokenizer(language)(text)
    for token in doc:
        start, end = token.idx, token.idx + len(token.text)
        cuts = edges[bisect.bisect_right(edges, start):bisect.bisect_left(edges, end)]
        bounds = [start, *cuts, end]
        for i, (a, b) in enumerate(zip(bounds, bounds[1:])):
            out.append({"text": text[a:b], "start": a, "end": b, "id": len(out),
                        "ws": bool(token.whitespace_) and i == len(bounds) - 2})
    return out


@lru_cache(maxsize=16)
def _tokenizer(language: str):
    import spacy

    try:
        nlp = spacy.blank(language or "xx")
        nlp("a test")  # some languages (ja, ko, th, vi) need an extra package only at first use
    except Exception:  # noqa: BLE001 - any missing language support falls back to the multilingual rules
        nlp = spacy.blank("xx")
    return nlp.tokenizer


def spacy_doc(record: Mapping[str, Any], vocab):
    """A spaCy Doc from one Prodigy line: every span in its `doc.spans` group, `doc.ents` non-overlapping.

    `doc.ents` gets the entity-group spans that `spacy.util.filter_spans` keeps (longest first);
    all spans, overlapping or not, stay in `doc.spans`.
    """
    from spacy.tokens import Doc
    from spacy.tokens import Span as SpacySpan
    from spacy.util import filter_spans

    doc = Doc(vocab, words=[t["text"] for t in record["tokens"]], spaces=[bool(t["ws"]) for t in record["tokens"]])
    groups: dict[str, list] = {}
    for span in record["spans"]:
        groups.setdefault(span_group(span["label"]), []).append(
            SpacySpan(doc, span["token_start"], span["token_end"] + 1, label=span["label"]))
    for name, members in groups.items():
        doc.spans[name] = members
    doc.ents = filter_spans(groups.get(GROUP_ENTITIES, []))
    return doc


def export_chunks(fmt: str, report: Report, corpus: Corpus) -> Iterator[str]:
    items = tasks(report, corpus)
    if fmt == "doccano":
        return doccano_lines(items)
    if fmt == "label-studio":
        return label_studio_chunks(items)
    if fmt == "prodigy":
        return prodigy_lines(items)
    raise ValueError(f"unknown annotation format {fmt!r}; choose one of {', '.join(FORMATS)}")


# -- reading the tools' files back (newstrace import) ------------------------------------------------


@dataclass(frozen=True)
class ToolRecord:
    """One task as an annotation tool gives it back: the text, the spans a person left, and our id."""

    number: int  # the line (JSONL) or the task's position in the array (Label Studio), from 1
    article_id: str | None  # None when the tool dropped our metadata: the text then finds the article
    text: str
    spans: tuple[Span, ...]
    skipped: str | None = None  # why the person's answer says not to use it (Prodigy reject/ignore)


def _article_id(*places: Any) -> str | None:
    for place in places:
        if isinstance(place, Mapping) and isinstance(place.get("article_id"), str) and place["article_id"]:
            return place["article_id"]
    return None


def _span(start: Any, end: Any, label: Any, text: str, where: str) -> Span:
    if not (isinstance(start, int) and isinstance(end, int) and not isinstance(start, bool)
            and not isinstance(end, bool) and 0 <= start < end <= len(text)):
        raise ValueError(f"{where} offsets {start!r}..{end!r} are outside the text")
    if not isinstance(label, str) or not label:
        raise ValueError(f"{where} needs a label string")
    return Span(start, end, label)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{where} must be a string")
    return value


def read_doccano(record: Mapping[str, Any], number: int) -> ToolRecord:
    """doccano's JSONL export: `text`, `label: [[start, end, LABEL]]` (older versions: `labels`), metadata
    keys beside them (doccano numbers its own `id`, so ours travels as `article_id`)."""
    text = _text(record.get("text"), "field 'text'")
    labels = record.get("label", record.get("labels"))
    if not isinstance(labels, list):
        raise ValueError("field 'label' must be a list of [start, end, label]")
    spans = []
    for i, item in enumerate(labels):
        if isinstance(item, Mapping):  # doccano 1.x relation-style export: {start_offset, end_offset, label}
            item = [item.get("start_offset"), item.get("end_offset"), item.get("label")]
        if not isinstance(item, list) or len(item) != 3:
            raise ValueError(f"label[{i}] must be [start, end, label]")
        start, end, label = item
        spans.append(_span(start, end, label, text, f"label[{i}]"))
    return ToolRecord(number, _article_id(record, record.get("meta")), text, tuple(spans))


def read_label_studio(task: Mapping[str, Any], number: int) -> ToolRecord:
    """A Label Studio task: the newest annotation that was not cancelled, else the task's predictions
    (our own export, not yet opened), as `labels` results on `data.text`."""
    data = task.get("data")
    if not isinstance(data, Mapping):
        raise ValueError("task has no 'data' object")
    text = _text(data.get("text"), "data.text")
    annotations = [a for a in task.get("annotations") or () if isinstance(a, Mapping) and not a.get("was_cancelled")]
    chosen = annotations[-1] if annotations else next(iter(task.get("predictions") or ()), None)
    if chosen is not None and not isinstance(chosen, Mapping):
        raise ValueError("predictions[0] must be an object")
    spans = []
    for i, result in enumerate((chosen or {}).get("result") or ()):
        if not isinstance(result, Mapping) or result.get("type") not in ("labels", None):
            continue  # choices, ratings, relations: not spans
        value = result.get("value")
        if not isinstance(value, Mapping):
            raise ValueError(f"result[{i}] has no 'value' object")
        labels = value.get("labels")
        if not isinstance(labels, list) or not labels:
            raise ValueError(f"result[{i}].value.labels must be a non-empty list")
        spans += [_span(value.get("start"), value.get("end"), label, text, f"result[{i}]") for label in labels]
    return ToolRecord(number, _article_id(data, task.get("meta")), text, tuple(spans))


def read_prodigy(record: Mapping[str, Any], number: int) -> ToolRecord:
    """Prodigy's JSONL (`db-out` or our export): `spans` with character offsets; `answer` reject/ignore skips it."""
    text = _text(record.get("text"), "field 'text'")
    spans = record.get("spans")
    if not isinstance(spans, list):
        raise ValueError("field 'spans' must be a list")
    out = []
    for i, span in enumerate(spans):
        if not isinstance(span, Mapping):
            raise ValueError(f"spans[{i}] must be an object")
        out.append(_span(span.get("start"), span.get("end"), span.get("label"), text, f"spans[{i}]"))
        if "text" in span and text[span["start"]:span["end"]] != span["text"]:
            raise ValueError(f"spans[{i}] text does not match the text at its offsets")
    answer = record.get("answer", "accept")
    skipped = None if answer == "accept" else f"answer is {answer!r}"
    return ToolRecord(number, _article_id(record.get("meta"), record), text, tuple(out), skipped)


READERS = {"doccano": read_doccano, "label-studio": read_label_studio, "prodigy": read_prodigy}
