"""Comparisons: links between figures a sentence compares ("up from", "compared with"), also with the
sentence before when it opens with "this figure" (stage 4 of `extract.statistics`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from newstrace.extract.records import Statistic
from newstrace.extract.stat_amounts import ANAPHORA_NOUNS, COMPARE_CUES

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span


def link_comparisons(doc: "Doc", records: list[Statistic], sentence_of: dict[int, "Span"]) -> list[Statistic]:
    links: dict[int, set[int]] = {i: set() for i in range(len(records))}
    by_sentence: dict[int, list[int]] = {}
    for index, record in enumerate(records):
        by_sentence.setdefault(record.sentence_start, []).append(index)
    sentences = sorted(by_sentence)
    for sentence_start in sentences:
        members = by_sentence[sentence_start]
        sentence = doc.char_span(sentence_start, records[members[0]].sentence_end, alignment_mode="expand")
        if sentence is None or not _has_compare_cue(sentence, [records[i] for i in members]):
            continue
        for a in members:
            for b in members:
                if a < b and _comparable(records[a], records[b]):
                    links[a].add(b)
                    links[b].add(a)
    # "This figure exceeded ..., which was 15.8%": the figure is in the sentence before
    for sentence_start in sentences:
        members = by_sentence[sentence_start]
        sentence = doc.char_span(sentence_start, records[members[0]].sentence_end, alignment_mode="expand")
        if sentence is None or not _opens_with_anaphora(sentence) \
                or not _has_compare_cue(sentence, [records[i] for i in members]):
            continue
        previous = _previous_sentence_stats(doc, sentence, by_sentence, sentence_of)
        for a in members:
            for b in previous:
                if _comparable(records[a], records[b]):
                    links[a].add(b)
                    links[b].add(a)
    updated: list[Statistic] = []
    for index, record in enumerate(records):
        linked = tuple(sorted(links[index]))
        # a period is borrowed from a figure of the same time, never from the base the figure is compared
        # with: "38% ..., up from 29% in 2017" -- 2017 is the base's year
        # (and a base borrows none: "from 40 buses today to 120 by 2030" -- 2030 is not the 40's)
        period = record.period or (None if linked and _is_base(doc, record) else next(
            (records[j].period for j in linked if records[j].period and not _is_base(doc, records[j])), None))
        # a measure is borrowed only within the figure's own clause: "July revised up from +73,000 to
        # +79,000, leaving combined employment 21,000 lower" -- the later clause measures something else
        clause = _clause_root(doc, record)
        measure = record.measure or next((records[j].measure for j in linked if records[j].measure
                                          and _parallel(doc, clause, _clause_root(doc, records[j]))), None)
        updated.append(replace(record, compared_with=linked, period=period, measure=measure))
    return updated


_BASE_CUES = ({"from", "than", "since", "versus", "vs", "vs.", "over"}, {("compared", "with"), ("compared", "to"),
              ("relative", "to"), ("up", "from"), ("down", "from")})


def _is_base(doc: "Doc", record: Statistic) -> bool:
    """Is the figure the base of a comparison ("up from 29%", "than $40", "compared with 2.1%")?"""
    span = doc.char_span(record.start, record.end, alignment_mode="expand")
    if span is None:
        return False
    before = [t.lower_ for t in doc[max(0, span.start - 4):span.start]
              if not (t.idx >= record.start - len(record.approx or "") - 1 and record.approx)]
    return bool(before) and (before[-1] in _BASE_CUES[0] or tuple(before[-2:]) in _BASE_CUES[1])


_CLAUSE_DEPS = {"ROOT", "ccomp", "advcl", "relcl", "parataxis", "conj", "xcomp"}


def _clause_root(doc: "Doc", record: Statistic) -> int:
    """The verb heading the clause a figure is in (its token index), for "same clause" tests."""
    span = doc.char_span(record.start, record.end, alignment_mode="expand")
    token = span.root if span is not None else doc[0]
    for _ in range(12):
        if token.pos_ in ("VERB", "AUX") and token.dep_ in _CLAUSE_DEPS or token.head == token:
            return token.i
        token = token.head
    return token.i


# Marks of a clause that states a parallel figure ("..., while Americans took 16%"): the figure there
# shares the measure of the main clause. A participial clause ("..., leaving employment 21,000 lower")
# states a consequence with its own measure.
_PARALLEL_MARKS = {"while", "whereas", "but", "and"}


def _parallel(doc: "Doc", a: int, b: int) -> bool:
    """Are clause roots `a` and `b` one clause, or two joined as parallel statements?"""
    if a == b:
        return True
    for child, parent in ((doc[a], doc[b]), (doc[b], doc[a])):
        if child.head == parent and child.dep_ == "conj":
            return True
        if child.head == parent and child.dep_ == "advcl" and any(
                c.dep_ in ("mark", "cc") and c.lower_ in _PARALLEL_MARKS for c in child.children):
            return True
    return False


def _has_compare_cue(sentence: "Span", stats: Sequence[Statistic]) -> bool:
    """A comparison word or comparative outside the approximation cues ("more than 17%")."""
    cue_chars = [(s.start - len(s.approx) - 2, s.start) for s in stats if s.approx]
    for token in sentence:
        if any(start <= token.idx < end for start, end in cue_chars):
            continue
        if token.lemma_.lower() in COMPARE_CUES or token.lower_ in COMPARE_CUES or token.tag_ in ("JJR", "RBR"):
            return True
    return False


def _comparable(a: Statistic, b: Statistic) -> bool:
    if a.unit != b.unit or a.unit == "rank":
        return False
    if a.unit == "money" and a.currency != b.currency:
        return False
    return not (a.start < b.end and b.start < a.end)


def _opens_with_anaphora(sentence: "Span") -> bool:
    words = [t for t in sentence if not t.is_punct][:3]
    if not words:
        return False
    if words[0].lower_ in ("this", "that", "the") and len(words) > 1 and words[1].lemma_.lower() in ANAPHORA_NOUNS:
        return True
    return words[0].lower_ in ("this", "that", "it") and words[0].dep_ in ("nsubj", "nsubjpass")


def _previous_sentence_stats(doc: "Doc", sentence: "Span", by_sentence: dict[int, list[int]],
                             sentence_of: dict[int, "Span"]) -> list[int]:
    index = sentence.start - 1
    while index >= 0 and index not in sentence_of:
        index -= 1
    if index < 0:
        return []
    return by_sentence.get(sentence_of[index].start_char, [])
