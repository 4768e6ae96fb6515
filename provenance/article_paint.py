"""An article's text as HTML with its cited passages marked: figures, conflicts, quotes, sentences.

Offsets index the raw text, so the text is sliced first and each slice is
cleaned and escaped on its own; escaping first would shift every offset. The
result is Markup (safe for a template) built only from escaped slices and
literal tags. Every passage the report cites gets an id (`anchor`), which the
family, cluster and list pages link to.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from .display import clean_text
from .views import EvidenceView, FigureView, MentionView, ReportView

_ANCHOR_UNSAFE = re.compile(r"[^A-Za-z0-9_.:-]")


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _e(value: Any, keep_newlines: bool = False) -> Markup:
    return escape(clean_text(value, keep_newlines=keep_newlines, keep_spacing=True))


def anchor(prefix: str, article: Any, start: Any) -> str:
    """The id of a cited passage: s (statistic), e (sentence/evidence), c (conflict), q (quote)."""
    return f"{prefix}-{_ANCHOR_UNSAFE.sub('-', clean_text(article))}-{_int(start)}"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    anchor: str
    cls: str
    tip: str


def sentence_with_mark(sentence: Any, text: Any, start: Any = None, sentence_start: Any = None) -> Markup:
    """The sentence with the figure `text` marked; each piece escaped on its own.

    `start` and `sentence_start` (offsets in the article) place the mark when they agree with the
    sentence; else the first occurrence of the text is marked.
    """
    sentence = str(sentence or "")
    text = str(text or "")
    if not sentence:
        return Markup("")
    lo = _int(start) - _int(sentence_start)
    if not (0 <= lo and sentence[lo:lo + len(text)] == text and text):
        lo = sentence.find(text) if text else -1
    if lo < 0:
        return _e(sentence)
    hi = lo + len(text)
    return _e(sentence[:lo]) + Markup("<mark>") + _e(sentence[lo:hi]) + Markup("</mark>") + _e(sentence[hi:])


def mention_sentence(mention: MentionView) -> Markup:
    """A mention's sentence with its figure marked."""
    return sentence_with_mark(mention.sentence, mention.text, mention.start, mention.sentence_start)


def spans_by_article(report: ReportView) -> tuple[dict[str, list[Span]], dict[str, list[Span]]]:
    """Highlights (figures, conflicts, quotes) and sentence wrappers per article, from the report's offsets."""
    marks: dict[str, list[Span]] = defaultdict(list)
    sentences: dict[str, list[Span]] = defaultdict(list)
    for figure in report.figures:
        said = figure.said(keep_spacing=True)
        for m in figure.mentions:
            article = clean_text(m.article)
            marks[article].append(Span(_int(m.start), _int(m.end), anchor("s", article, m.start), "fig", said))
            sentences[article].append(Span(_int(m.sentence_start), _int(m.sentence_end),
                                           anchor("e", article, m.sentence_start), "sent", ""))
        evidence = _evidence(figure)
        if evidence is not None:
            article = clean_text(evidence.article)
            sentences[article].append(Span(_int(evidence.start), _int(evidence.end),
                                           anchor("e", article, evidence.start), "sent evidence", ""))
    for conflict in report.conflicts:
        for v in conflict.values:
            if v.start is not None:
                article = clean_text(v.article)
                marks[article].append(Span(_int(v.start), _int(v.end), anchor("c", article, v.start), "conflict",
                                           clean_text(conflict.what)))
    for q in report.quotes:
        article = clean_text(q.article)
        marks[article].append(Span(_int(q.start), _int(q.end), anchor("q", article, q.start),
                                   "quote", f"quote: {clean_text(q.speaker)}"))
    return marks, sentences


def _evidence(figure: FigureView) -> EvidenceView | None:
    return figure.primary_source.evidence if figure.primary_source is not None else None


def cited_index(report: ReportView) -> dict[str, list[tuple[int, str, Markup]]]:
    """Article id -> (offset, anchor, html) of every passage the report cites from it, in one pass.

    Used for an article whose text the report does not carry, so every link to it still lands.
    """
    out: dict[str, list[tuple[int, str, Markup]]] = defaultdict(list)
    for figure in report.figures:
        for mention in figure.mentions:
            article_id = clean_text(mention.article)
            shown = mention_sentence(mention)
            out[article_id].append((_int(mention.start), anchor("s", article_id, mention.start), shown))
            out[article_id].append((_int(mention.sentence_start), anchor("e", article_id, mention.sentence_start),
                                    shown))
        evidence = _evidence(figure)
        if evidence is not None:
            article_id = clean_text(evidence.article)
            out[article_id].append((_int(evidence.start), anchor("e", article_id, evidence.start),
                                    _e(evidence.sentence)))
    for conflict in report.conflicts:
        for value in conflict.values:
            if value.start is not None:
                article_id = clean_text(value.article)
                shown = sentence_with_mark(value.sentence or value.text, value.text)
                out[article_id].append((_int(value.start), anchor("c", article_id, value.start), shown))
    for quote in report.quotes:
        article_id = clean_text(quote.article)
        shown = Markup("“") + _e(quote.text) + Markup("” — ") + _e(quote.speaker or "unknown speaker")
        out[article_id].append((_int(quote.start), anchor("q", article_id, quote.start), shown))
    return out


def cited_items(cited: Iterable[tuple[int, str, Markup]]) -> list[tuple[str, Markup]]:
    """(anchor, html) once per anchor, in text order."""
    items, seen = [], set()
    for _, name, body in sorted(cited, key=lambda item: item[:2]):
        if name not in seen:
            seen.add(name)
            items.append((name, body))
    return items


class Painter:
    """Writes an article's text with sentence wrappers and non-overlapping highlights."""

    def __init__(self, text: str, marks: Sequence[Span]) -> None:
        self.text = text
        self.marks, self.points = _non_overlapping(marks, len(text))
        self.done: set[str] = set()

    def paint(self, sentences: Sequence[Span]) -> Markup:
        out, pos = [], 0
        for sentence in _merged(sentences, len(self.text)):
            out.append(self.range(pos, sentence.start))
            ident = f' id="{_e(sentence.anchor)}"' if self.claim(sentence.anchor) else ""
            out.append(f'<span class="{sentence.cls}"{ident}>{self.range(sentence.start, sentence.end)}</span>')
            pos = sentence.end
        out.append(self.range(pos, len(self.text) + 1))
        return Markup("".join(out))

    def claim(self, name: str) -> bool:
        """Each id is written once, even when a span is split across sentences."""
        if name in self.done:
            return False
        self.done.add(name)
        return True

    def range(self, lo: int, hi: int) -> str:
        out, pos = [], lo
        for mark in self.marks:
            start, end = max(mark.start, lo), min(mark.end, hi)
            if start >= end:
                continue
            out.append(self.plain(pos, start))
            ident = f' id="{_e(mark.anchor)}"' if self.claim(mark.anchor) else ""
            out.append(f'<mark class="{mark.cls}"{ident} title="{_e(mark.tip)}">{self.plain(start, end)}</mark>')
            pos = end
        out.append(self.plain(pos, hi))
        return "".join(out)

    def plain(self, lo: int, hi: int) -> str:
        out: list[str] = []
        pos = lo
        for point in self.points:
            if lo <= point.start < hi and self.claim(point.anchor):
                out.append(_e(self.text[pos:point.start], keep_newlines=True))
                out.append(f'<span class="pt" id="{_e(point.anchor)}" title="{_e(point.tip)}"></span>')
                pos = point.start
        out.append(_e(self.text[pos:hi], keep_newlines=True))
        return "".join(out)


def painted_text(text: str, marks: Sequence[Span], sentences: Sequence[Span]) -> Markup:
    return Painter(text, marks).paint(sentences)


def _non_overlapping(marks: Sequence[Span], length: int) -> tuple[list[Span], list[Span]]:
    """Figures win over conflicts, conflicts over quotes; a loser keeps its anchor as a point."""
    priority = {"fig": 0, "conflict": 1, "quote": 2}
    chosen: list[Span] = []
    points: list[Span] = []
    for mark in sorted(marks, key=lambda m: (priority.get(m.cls, 3), m.start, -m.end, m.anchor)):
        start, end = min(max(0, mark.start), length), min(length, mark.end)
        if start >= end or any(start < c.end and c.start < end for c in chosen):
            points.append(Span(start, start, mark.anchor, mark.cls, mark.tip))
        else:
            chosen.append(Span(start, end, mark.anchor, mark.cls, mark.tip))
    return sorted(chosen, key=lambda m: m.start), sorted(points, key=lambda p: (p.start, p.anchor))


def _merged(sentences: Iterable[Span], length: int) -> list[Span]:
    """Sentence ranges sorted and de-overlapped; bad offsets are dropped rather than trusted.

    A sentence swallowed by another keeps its anchor as a point, so links to it still land.
    """
    valid = sorted((s for s in sentences if 0 <= s.start < s.end <= length), key=lambda s: (s.start, -s.end))
    out: list[Span] = []
    for sentence in valid:
        if out and sentence.start < out[-1].end:
            last = out[-1]
            out[-1] = Span(last.start, max(last.end, sentence.end), last.anchor,
                           "sent evidence" if "evidence" in sentence.cls + last.cls else last.cls, "")
            continue
        out.append(sentence)
    return out
