"""Corrections a person made in an annotation tool, laid over what `extract` found.

A correction is the complete set of statistic spans (`STAT_<UNIT>`), source spans (`SOURCE`) and,
from the annotation tools, quote and speaker spans (`QUOTE`, `SPEAKER`) a person left on one article. It is stored apart from extract's annotations (the store's
`human_annotations` table) with the hash of the text it was made on, and applied each time the
corpus is loaded for a report, so it outlives `extract --force` and is dropped, never misapplied,
once the article's text changes.

Applying it: extract's statistics whose span the person kept stay (with the unit the label now
names); the ones they removed go; a span they added becomes a statistic read from its own text,
taking measure, holder, period and source from an extract statistic it overlaps (a corrected
boundary, "17%" -> "17.1%"). Each statistic keeps its source when the person kept that source's
span; otherwise it takes the person's source span in its sentence (the nearest before it, else
after), and loses a source whose span the person deleted. What changed is listed in
`Annotations.extra["human_annotation"]`, which the exports read as "marked by a person".

Quotes, when the correction holds them: the person's QUOTE spans are the article's quotes (extract's
quote of the same span keeps its cue), each spoken by the person's SPEAKER span nearest to it within
`SPEAKER_REACH` characters (extract's speaker when the person kept that span), else by nobody.
A correction stored before quotes could be corrected (or from a JSONL line, which carries only
statistics) leaves extract's quotes as they are.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, TypeGuard

import numpy as np

from newstrace.extract.records import UNITS, Annotations, Attribution, Quote, Statistic

from .annotation_formats import STAT_PREFIX, Span, annotation_spans

HUMAN_KEY = "human_annotation"
SOURCE_LABEL = "SOURCE"
QUOTE_LABEL = "QUOTE"
SPEAKER_LABEL = "SPEAKER"
# A speaker is named in the quote's sentence or the one next to it ('"...," she said.'); further away a
# SPEAKER span belongs to another quote.
SPEAKER_REACH = 200
HUMAN_CUE = "human annotation"  # the cue of a source a person marked: no cue word was found for it


def is_correctable(label: str) -> bool:
    """Statistics, the sources they are attributed to, quotes and their speakers are what an import corrects."""
    return label.startswith(STAT_PREFIX) or label in (SOURCE_LABEL, QUOTE_LABEL, SPEAKER_LABEL)


@dataclass(frozen=True)
class Correction:
    statistics: tuple[Span, ...]
    sources: tuple[tuple[int, int], ...]
    # None: the correction says nothing about quotes (extract's stay); else the person's spans.
    quotes: tuple[tuple[int, int], ...] | None = None
    speakers: tuple[tuple[int, int], ...] | None = None

    @classmethod
    def from_spans(cls, spans: Iterable[Span]) -> "Correction":
        spans = sorted(set(spans), key=lambda s: (s.start, s.end, s.label))

        def of(label: str) -> tuple[tuple[int, int], ...]:
            return tuple(sorted({(s.start, s.end) for s in spans if s.label == label}))

        return cls(tuple(s for s in spans if s.label.startswith(STAT_PREFIX)), of(SOURCE_LABEL),
                   of(QUOTE_LABEL), of(SPEAKER_LABEL))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"statistics": [[s.start, s.end, s.label] for s in self.statistics],
                               "sources": [list(s) for s in self.sources]}
        if self.quotes is not None:
            out["quotes"] = [list(q) for q in self.quotes]
            out["speakers"] = [list(q) for q in self.speakers or ()]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Correction":
        def spans(key: str) -> tuple[tuple[int, int], ...]:
            return tuple((int(a), int(b)) for a, b in data.get(key) or ())

        return cls(tuple(Span(int(a), int(b), str(label)) for a, b, label in data.get("statistics") or ()),
                   spans("sources"), spans("quotes") if "quotes" in data else None,
                   spans("speakers") if "quotes" in data else None)


def current_view(ann: Annotations | None, text: str) -> Correction:
    """The statistic and source spans an export shows for these annotations (what a person starts from)."""
    return Correction.from_spans(s for s in annotation_spans(ann, text) if is_correctable(s.label))


def check_correction(correction: Correction, text: str, ann: Annotations | None = None) -> None:
    """Refuse what cannot become a statistic: an unknown unit, or a new span holding no readable number
    (extract's own statistics keep the value it read, "top spot" as rank 1)."""
    known = {_trim(text, s.start, s.end) for s in ann.statistics} if ann is not None else set()
    for span in correction.statistics:
        unit = span.label[len(STAT_PREFIX):].lower()
        if unit not in UNITS:
            raise ValueError(f"label {span.label!r} at {span.start}..{span.end} names no unit; use one of "
                             + ", ".join(STAT_PREFIX + u.upper() for u in UNITS))
        if (span.start, span.end) not in known and read_value(text[span.start:span.end], unit) is None:
            raise ValueError(f"{span.label} span {text[span.start:span.end]!r} at {span.start}..{span.end} "
                             "holds no number to read; mark the figure itself")
    for label, found in ((SOURCE_LABEL, correction.sources), (QUOTE_LABEL, correction.quotes or ()),
                         (SPEAKER_LABEL, correction.speakers or ())):
        for start, end in found:
            if not 0 <= start < end <= len(text) or not text[start:end].strip():
                raise ValueError(f"{label} span at {start}..{end} is blank or outside the text")


_OF = re.compile(r"^(?P<a>.+?)\s+(?:of|in|out of)\s+(?P<b>.+)$", re.IGNORECASE)
_EDGE = re.compile(r"^[^\w.]+|[^\w]+$")


def read_value(text: str, unit: str) -> tuple[float, float | None] | None:
    """(value, of) of a figure as a person marked it: "17.1%", "$4bn", "8 of 10", "No. 3", "fifth"."""
    from newstrace.extract.numbers import parse_number, parse_ordinal

    text = " ".join(text.split())
    match = _OF.match(text)
    if match and unit not in ("rank",):
        left, right = read_value(match["a"], unit), read_value(match["b"], unit)
        if left is not None and right is not None:
            return left[0], right[0]
    words = _EDGE.sub("", text).split()
    # Drop unit and hedge words from either end ("17.1 per cent", "about 40", "No. 3") until a number is left.
    for first in range(len(words)):
        for last in range(len(words), first, -1):
            piece = " ".join(words[first:last])
            value = parse_number(_EDGE.sub("", piece))
            if value is None and unit == "rank":
                ordinal = parse_ordinal(_EDGE.sub("", piece))
                value = None if ordinal is None else float(ordinal)
            if value is not None:
                return value, None
    return None


def _sentence_of(ann: Annotations, start: int, text: str) -> tuple[int, int]:
    for a, b in ann.sentences:
        if a <= start < b:
            return a, b
    return 0, len(text)


def apply_correction(ann: Annotations, text: str, correction: Correction, origin: str,
                     ) -> tuple[Annotations, list[int | None]]:
    """The annotations with the person's statistics and sources, and for each new statistic the index of
    extract's statistic it continues (None for one only the person found)."""
    old = list(ann.statistics)
    by_span = {(s.start, s.end): i for i, s in enumerate(old)}
    by_trimmed = {_trim(text, s.start, s.end): i for i, s in enumerate(old)}
    human_sources = set(correction.sources)
    entities = {(e.start, e.end): e for e in ann.entities}
    new: list[Statistic] = []
    origins: list[int | None] = []
    edited: list[list[int]] = []
    for span in correction.statistics:
        unit = span.label[len(STAT_PREFIX):].lower()
        index = by_span.get((span.start, span.end), by_trimmed.get((span.start, span.end)))
        if index is not None:
            stat, changed = old[index], old[index].unit != unit
            if changed:
                stat = replace(stat, unit=unit)
        else:
            index = next((i for i, s in enumerate(old) if s.start < span.end and span.start < s.end), None)
            value, of = read_value(text[span.start:span.end], unit) or (0.0, None)
            sentence = _sentence_of(ann, span.start, text)
            donor = old[index] if index is not None else None
            stat = Statistic(start=span.start, end=span.end, text=text[span.start:span.end], value=value, unit=unit,
                             of=of, sentence_start=sentence[0], sentence_end=sentence[1],
                             measure=donor.measure if donor else None, holder=donor.holder if donor else None,
                             period=donor.period if donor else None, period_key=donor.period_key if donor else None,
                             forecast=donor.forecast if donor else False,
                             attribution=donor.attribution if donor else None)
            changed = True
        attribution = _attribution(stat, text, human_sources, entities)
        if attribution != stat.attribution:
            stat, changed = replace(stat, attribution=attribution), True
        new.append(stat)
        origins.append(index)
        if changed:
            edited.append([stat.start, stat.end])
    remap = {old_i: new_i for new_i, old_i in enumerate(origins) if old_i is not None}
    new = [replace(s, compared_with=tuple(remap[i] for i in s.compared_with if i in remap)) for s in new]
    claims = tuple(replace(c, statistics=tuple(remap[i] for i in c.statistics if i in remap),
                           attribution=_kept(c.attribution, text, human_sources)) for c in ann.claims)
    removed = [[s.start, s.end] for i, s in enumerate(old) if i not in origins]
    mark: dict[str, Any] = {"origin": origin, "edited": edited, "removed": removed,
                            "sources": [list(s) for s in correction.sources]}
    quotes = ann.quotes
    if correction.quotes is not None:
        quotes = _corrected_quotes(ann, text, correction, entities)
        mark["quotes"] = [[q.start, q.end] for q in quotes if q not in ann.quotes]
        mark["removed_quotes"] = [[q.start, q.end] for q in ann.quotes if q not in quotes]
    extra = {**ann.extra, HUMAN_KEY: mark}
    return replace(ann, statistics=tuple(new), claims=claims, quotes=quotes, extra=extra), origins


def _corrected_quotes(ann: Annotations, text: str, correction: Correction,
                      entities: Mapping[tuple[int, int], Any]) -> tuple[Quote, ...]:
    """The person's quotes, each with the speaker span nearest to it (see the module docstring)."""
    old = {_trim(text, q.start, q.end): q for q in ann.quotes}
    speakers = sorted(correction.speakers or ())
    out = []
    for start, end in correction.quotes or ():
        kept = old.get(_trim(text, start, end))
        if kept is not None and kept.speaker_start >= 0 and _trim(text, kept.speaker_start, kept.speaker_end) in speakers:
            out.append(kept)
            continue
        near = [(max(s - end, start - e, 0), (s, e)) for s, e in speakers]
        near = [pair for pair in near if pair[0] <= SPEAKER_REACH]
        speaker = min(near)[1] if near else None
        entity = entities.get(speaker) if speaker else None
        words = text[start:end].strip().strip("\"'“”‘’«»„").strip()
        out.append(Quote(start=start, end=end, text=words or text[start:end],
                         speaker=" ".join(text[speaker[0]:speaker[1]].split()) if speaker else None,
                         kb_id=getattr(entity, "kb_id", None),
                         speaker_start=speaker[0] if speaker else -1, speaker_end=speaker[1] if speaker else -1,
                         cue=kept.cue if kept is not None else None))
    return tuple(sorted(out, key=lambda q: (q.start, q.end)))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _has_span(attribution: Attribution | None, text: str) -> TypeGuard[Attribution]:
    return (attribution is not None and not attribution.inferred and attribution.resolved
            and 0 <= attribution.start < attribution.end <= len(text))


def _kept(attribution: Attribution | None, text: str, human_sources: set[tuple[int, int]]) -> Attribution | None:
    """A source with a span survives only when the person kept that span; one without a span is not theirs to judge."""
    if _has_span(attribution, text) and _trim(text, attribution.start, attribution.end) not in human_sources:
        return None
    return attribution


def _attribution(stat: Statistic, text: str, human_sources: set[tuple[int, int]],
                 entities: Mapping[tuple[int, int], Any]) -> Attribution | None:
    current = stat.attribution
    if _has_span(current, text) and _trim(text, current.start, current.end) in human_sources:
        return current
    lo, hi = stat.sentence_start, stat.sentence_end if stat.sentence_end > stat.sentence_start else len(text)
    inside = [s for s in human_sources if lo <= s[0] and s[1] <= hi]
    if inside:
        before = [s for s in inside if s[1] <= stat.start]
        start, end = max(before) if before else min(inside)
        entity = entities.get((start, end))
        return Attribution(name=" ".join(text[start:end].split()), kind=getattr(entity, "kind", None),
                           cue=current.cue if current is not None and current.cue else HUMAN_CUE,
                           start=start, end=end, kb_id=getattr(entity, "kb_id", None), raw=text[start:end])
    return None if _has_span(current, text) else current


def human_spans(ann: Annotations | None) -> list[tuple[int, int]]:
    """The (start, end) of the statistics a person added or changed in this article."""
    if ann is None:
        return []
    return [tuple(span) for span in (ann.extra.get(HUMAN_KEY) or {}).get("edited") or ()]


def apply_corrections(annotations: dict[str, Annotations], texts: Mapping[str, tuple[str, str | None]],
                      stored: Mapping[str, tuple[str, str, dict[str, Any]]],
                      figure_vectors: dict[str, Any] | None = None) -> None:
    """Lay each stored correction over its article's annotations, in place.

    `texts` maps article id -> (text, content_hash); a correction made on another text is skipped.
    `figure_vectors` (one row per statistic, from the sentence that states it) is re-indexed to the
    corrected statistics; an article with a statistic no vector fits loses its vectors (the families
    then match its figures by value and words alone).
    """
    for article_id, (content_hash, origin, data) in stored.items():
        ann = annotations.get(article_id)
        text, current_hash = texts.get(article_id, ("", None))
        if ann is None or current_hash != content_hash:
            continue
        corrected, origins = apply_correction(ann, text, Correction.from_dict(data), origin)
        annotations[article_id] = corrected
        if figure_vectors is None or article_id not in figure_vectors:
            continue
        vectors = figure_vectors[article_id]
        rows = []
        for stat, index in zip(corrected.statistics, origins):
            same_sentence = next((i for i, s in enumerate(ann.statistics) if (s.sentence_start, s.sentence_end)
                                  == (stat.sentence_start, stat.sentence_end)), None)
            row = index if index is not None and (ann.statistics[index].sentence_start ==
                                                  stat.sentence_start) else same_sentence
            rows.append(row)
        picked = [r for r in rows if r is not None and r < len(vectors)]
        if rows and len(picked) == len(rows):
            figure_vectors[article_id] = np.asarray(vectors)[picked]
        else:
            figure_vectors.pop(article_id)


def corrected_article(ann: Annotations | None, text: str, content_hash: str | None,
                      stored: tuple[str, str, dict[str, Any]] | None) -> Annotations | None:
    """One article's annotations as the report sees them: its stored correction laid over extract's, when
    the correction was made on this text (`newstrace show` uses it; `load_corpus` does all at once)."""
    if ann is None or stored is None or stored[0] != content_hash:
        return ann
    corrected, _ = apply_correction(ann, text, Correction.from_dict(stored[2]), stored[1])
    return corrected


def human_marks(ann: Annotations | None) -> dict[str, Any]:
    """What a person changed in this article: edited and removed statistic spans, their source spans, and
    which tool file it came from; empty when nobody corrected it."""
    if ann is None:
        return {}
    return dict(ann.extra.get(HUMAN_KEY) or {})
