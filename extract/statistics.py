"""Statistics: every figure a text states, as a structured record.

A statistic is more than a number token. `find_statistics(doc)` returns
`extract.records.Statistic` records with the value normalised, its unit (one of
`records.UNITS`), an approximation cue, what it measures, whom it is about, the period,
and links between figures the text compares. Everything is read from spaCy tokens:
numbers come from `extract.numbers.find_numbers`, unit words and cue phrases from
`Matcher`/`PhraseMatcher` patterns, and roles (measure, holder, period) from the
dependency parse.

This module assembles the record; each stage lives in a module named for what it holds:
`stat_amounts` (stage 1, and the token helpers the stages share), `stat_filters` (stage 2),
`stat_ranks` (stage 3), `stat_roles` (measure and holder), `stat_timing` (period, period key,
forecast) and `stat_compare` (comparison links). Importers use `find_statistics`,
`find_amounts` and `Amount` from here.

The stages, each a small function over the doc:

1. `find_amounts`: numbers with their unit attached ("17%", "$2.2bn", "17X", "8 out
   of 10", "one in five") and every other number, years included. The numbers
   benchmark scores this layer.
2. `is_statistic`: drop what is not a figure. Dates and years ("On December 22", "in
   2025", "the 1990s"), clock times, ages ("aged 45", "45-year-old", "Jane Doe, 45,"),
   durations ("every six months", "three days": a stretch of time is context, read
   as a `period`, never a figure of its own), list numbering ("1." opening a line),
   identifiers and names ("Voyager 2", "COVID-19", "English 101", codes with leading
   zeros, 9+ digit ids), bare "one" used as a pronoun or article ("one notable
   example"), the group size in "one of the four giants" (it describes a person; it
   measures nothing), the M of "top M" (it bounds a ranking and becomes the `of` of a
   count instead), and number pairs and grids with no unit: scores and ranges ("beat
   Hungary 2-0", "5-6 minutes"), table cells, footnote marks ("(5)").
3. Ranks: ordinals only count with a ranking cue ("ranks first", "ranked second and
   ninth", "came 2nd", "second place", "third-largest") plus cue phrases with no
   digit at all ("the top spot", "the top position", "No. 1", "topped the list").
   "The first time" and "its first model" are not ranks.
4. Roles: `measure`, `holder`, `period` from the parse (see `roles_of`), `of` from "N of
   the top M" / "N ... in the top M", and `compared_with` from comparison cues in the
   sentence, or in the next sentence when it opens with "this figure ...".
5. Confidence (`stat_confidence`): a model trained on hand-labelled samples scores each
   figure left, from its record, its parse and its sentence, and drops those below its
   threshold: the panel of a survey, the parts of a small set, a price in an anecdote.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from newstrace.extract.numbers import find_numbers
from newstrace.extract.periods import parse_reference
from newstrace.extract.records import Statistic
from newstrace.extract.stat_amounts import (
    Amount,
    amounts_of,
    find_amounts,
    match_table,
    number_token,
    require_parse,
    sentence_index,
    sentence_span,
    word_list,
)
from newstrace.extract.stat_compare import link_comparisons
from newstrace.extract.stat_confidence import confident
from newstrace.extract.stat_filters import is_statistic
from newstrace.extract.stat_ranks import counts_in_top, find_ranks, top_number_tokens
from newstrace.extract.stat_roles import anchor_of, roles_of
from newstrace.extract.stat_timing import (
    carry_anaphoric_periods,
    is_forecast,
    is_period_phrase,
    period_of,
    with_period_key,
)

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span

__all__ = ["Amount", "find_amounts", "find_statistics"]


def find_statistics(doc: "Doc", *, published: str | None = None, screen: bool = True) -> list[Statistic]:
    """Every statistic in `doc`, in text order.

    Args:
        doc: a parsed spaCy `Doc` (tagger, parser and NER are used).
        published: the article's publication date (ISO), against which relative periods
            ("this year", "last month", "in July") are resolved into `period_key`. Pass None
            when the date is unknown or only an estimate: such periods then keep their text
            in `period` and get no key.
        screen: drop the figures the confidence model (`stat_confidence`) scores below its
            threshold. False keeps every figure the rules keep: what that model is trained on.

    Returns:
        `Statistic` records anchored by character offsets (`doc.text[s.start:s.end] ==
        s.text`); `compared_with` holds indices into the returned list and
        `attribution` is left None for the attribution stage to fill.
    """
    require_parse(doc)
    mentions = find_numbers(doc)
    table = match_table(doc)
    amounts = amounts_of(doc, mentions, table)
    top = top_number_tokens(mentions, table)
    sentence_of = sentence_index(doc)
    ranks = find_ranks(doc, amounts, table)
    kept = [a for a in amounts if is_statistic(doc, a, top_numbers=set(top))
            and not any(r.start <= a.start and a.end <= r.end for r in ranks)]
    kept.extend(ranks)
    kept = counts_in_top(doc, kept, top, sentence_of)
    kept = sorted(_dedupe(kept), key=lambda a: (a.start, a.end))
    records = _shared_measures([_record(doc, amount, sentence_of) for amount in kept])
    if screen:
        records = confident(doc, records)
    reference = parse_reference(published)
    linked = carry_anaphoric_periods(link_comparisons(doc, records, sentence_of))
    return [with_period_key(r, reference) for r in linked]


def _shared_measures(records: list[Statistic]) -> list[Statistic]:
    """A figure the parse names no measure for takes the measure of the nearest figure of its sentence
    in the same unit: a list or a contrast states one quantity for several holders ("China accounts for 60%
    of sales, while Europe and the US represent 25% and 10%"; "Spain has the highest rate (12%), Malta the
    lowest (3%)"), and the parse only ties the measure to one of them. An earlier figure is preferred;
    a superlative ("highest", "lowest") is the first figure's own and is not passed on."""
    out = list(records)
    for index, record in enumerate(records):
        if record.measure is not None or record.unit in ("rank", "multiplier"):
            continue
        peers = [(abs(i - index) + (0.5 if i > index else 0), other) for i, other in enumerate(records)
                 if i != index and other.sentence_start == record.sentence_start and other.unit == record.unit
                 and other.measure is not None and other.currency == record.currency]
        if not peers:
            continue
        measure = min(peers, key=lambda p: p[0])[1].measure or ""
        words = measure.split()
        while words and words[0].lower() in word_list("superlatives"):
            words.pop(0)
        if words:
            out[index] = dataclasses.replace(record, measure=" ".join(words))
    return out


def _dedupe(amounts: Iterable[Amount]) -> list[Amount]:
    seen: dict[tuple[int, int], Amount] = {}
    for amount in amounts:
        seen.setdefault((amount.start, amount.end), amount)
    return list(seen.values())


_PRONOUN_HOLDERS = frozenset({"it", "they", "he", "she", "this", "that", "these", "those", "we", "i", "you"})


def _record(doc: "Doc", amount: Amount, sentence_of: dict[int, "Span"]) -> Statistic:
    token = number_token(doc, amount)
    sentence = sentence_span(token, sentence_of)
    unit = amount.unit
    if unit == "number":
        unit = "count"
    measure, holder = roles_of(doc, amount, token, unit)
    if holder is not None and holder.lower() in _PRONOUN_HOLDERS:
        holder = None  # "It scored 61": whom "it" means is not ours to guess here
    if holder is not None and _is_document(holder):
        holder = None  # "the report", "a study": the source of the figure, not whom it is about
    anchor = anchor_of(doc, amount, token)
    period = period_of(amount, sentence, anchor)
    if holder is not None and is_period_phrase(holder):
        # "May's job gains", "2024's sales": a possessive date is the period, not a holder
        period = period or holder.removesuffix("'s").removesuffix("’s").strip()
        holder = None
    return Statistic(
        start=amount.start,
        end=amount.end,
        text=amount.text,
        value=amount.value,
        unit=unit,
        of=amount.of,
        currency=amount.currency,
        approx=amount.approx,
        measure=measure,
        holder=holder,
        period=period,
        sentence_start=sentence.start_char,
        sentence_end=sentence.end_char,
        forecast=is_forecast(doc, anchor, sentence, period),
        scale=_scale_word(amount),
    )


def _is_document(phrase: str) -> bool:
    words = phrase.lower().replace("’", "'").split()
    # "the report", "a small study in 50 adults": a document opens or closes the phrase
    return bool(words) and (words[-1] in word_list("document_nouns") or any(w in word_list("document_nouns")
                                                                         for w in words[:2]))


_SCALE_WORDS = {"thousand": "thousand", "k": "thousand", "million": "million", "m": "million", "mn": "million",
                "mm": "million", "mln": "million", "billion": "billion", "bn": "billion", "b": "billion",
                "bln": "billion", "trillion": "trillion", "tn": "trillion", "trn": "trillion", "t": "trillion"}


def _scale_word(amount: Amount) -> str | None:
    """The scale as stated ("$2.2bn" -> "billion"), so the report shows "2.2 billion", not 2.2e9."""
    mention = amount.number
    if mention is None or abs(mention.value) < 1000:
        return None
    for word in reversed(re.findall(r"[A-Za-z]+", mention.text)):
        found = _SCALE_WORDS.get(word.lower().rstrip("s") if len(word) > 3 else word.lower())
        if found is not None:
            return found
    return None
