"""Statistics: every figure a text states, as a structured record.

A statistic is more than a number token. `find_statistics(doc)` returns
`extract.records.Statistic` records with the value normalised, its unit (one of
`records.UNITS`), an approximation cue, what it measures, whom it is about, the period,
and links between figures the text compares. Everything is read from spaCy tokens:
numbers come from `extract.numbers.find_numbers`, unit words and cue phrases from
`Matcher`/`PhraseMatcher` patterns, and roles (measure, holder, period) from the
dependency parse.

The stages, each a small function over the doc:

1. `find_amounts`: numbers with their unit attached ("17%", "$2.2bn", "17X", "8 out
   of 10", "one in five") and every other number, years included. The numbers
   benchmark scores this layer.
2. `_is_statistic`: drop what is not a figure. Dates and years ("On December 22", "in
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
4. Roles: `measure`, `holder`, `period` from the parse (see `_roles`), `of` from "N of
   the top M" / "N ... in the top M", and `compared_with` from comparison cues in the
   sentence, or in the next sentence when it opens with "this figure ...".
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from newstrace.extract.claims import entities_in, entity_span, sentences
from newstrace.extract.langdata import DEFAULT_LANGUAGE, table
from newstrace.extract.numbers import NumberMention, find_numbers, parse_number, parse_ordinal, text_between
from newstrace.extract.periods import parse_reference, period_key
from newstrace.extract.records import Statistic

if TYPE_CHECKING:  # pragma: no cover
    import datetime as dt

    from spacy.matcher import Matcher, PhraseMatcher
    from spacy.tokens import Doc, Span, Token
    from spacy.vocab import Vocab

__all__ = ["Amount", "find_amounts", "find_statistics"]


@dataclass(frozen=True)
class Amount:
    """A number with its unit attached, before deciding whether it is a statistic."""

    start: int
    end: int
    text: str
    value: float
    unit: str  # records.UNITS, or "number" for a bare number whose role is not known yet
    token_start: int
    token_end: int
    number: NumberMention | None = None
    of: float | None = None
    currency: str | None = None
    approx: str | None = None


# --- vocabularies ----------------------------------------------------------------------

_CURRENCY_SIGNS = {
    "$": "USD", "US$": "USD", "A$": "AUD", "C$": "CAD", "HK$": "HKD", "S$": "SGD", "NZ$": "NZD",
    "R$": "BRL", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₽": "RUB", "₺": "TRY",
    "₪": "ILS", "₫": "VND", "฿": "THB",
}
_CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "usd": "USD", "euro": "EUR", "euros": "EUR", "eur": "EUR",
    "gbp": "GBP", "sterling": "GBP", "yuan": "CNY", "renminbi": "CNY", "rmb": "CNY", "cny": "CNY",
    "yen": "JPY", "jpy": "JPY", "won": "KRW", "krw": "KRW", "rupee": "INR", "rupees": "INR",
    "inr": "INR", "rs": "INR", "francs": "CHF", "chf": "CHF", "roubles": "RUB", "rubles": "RUB",
}
_APPROX_CUES = (
    "about", "around", "approximately", "roughly", "nearly", "almost", "some", "close to",
    "more than", "over", "less than", "under", "fewer than", "at least", "at most", "up to",
    "as many as", "as much as", "as few as", "just over", "just under", "upwards of", "an estimated",
    "estimated", "circa", "~", "≈", "below", "above", "in excess of", "well over", "nearly all",
    "approx.", "around about", "about half", "just about", "no more than", "no fewer than",
    "not quite", "barely", "only about", "almost exactly",
)
_RANK_VERBS = {"rank", "place", "finish", "come", "land", "sit", "stand", "slot", "end", "score", "rate"}
_RANK_NOUNS = {"place", "spot", "position", "rank", "ranking", "slot", "seat", "berth"}
_TOP_LISTS = {"list", "ranking", "rankings", "chart", "charts", "leaderboard", "table", "index", "poll",
              "league", "standings", "evaluation", "benchmark"}
_TIME_UNITS = {"second", "minute", "hour", "day", "week", "fortnight", "month", "quarter", "year",
               "decade", "century", "millennium", "weekend", "night", "season", "semester", "yr", "yrs",
               "hr", "hrs", "min", "mins"}
_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
           "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep",
           "sept", "oct", "nov", "dec"}
_MEASURE_UNITS = {
    "km", "kilometre", "kilometer", "mile", "metre", "meter", "m", "cm", "mm", "foot", "feet", "inch",
    "kg", "kilogram", "gram", "g", "tonne", "ton", "t", "pound", "lb", "lbs", "ounce", "oz",
    "litre", "liter", "l", "gallon", "barrel", "bpd", "hectare", "acre", "sq", "square",
    "gw", "mw", "kw", "w", "watt", "gwh", "mwh", "kwh", "twh", "volt", "degree", "°c", "°f",
    "celsius", "fahrenheit", "byte", "gb", "tb", "mb", "pb", "kb", "flop", "flops", "parameter",
    "ghz", "mhz", "mph", "kph", "km/h", "knot", "calorie", "kcal", "ppm", "petaflop", "exaflop",
    "nanometer", "nanometre", "nm", "token", "teraflop", "cup", "tsp", "tbsp", "teaspoon", "tablespoon",
    "pint", "quart", "ml", "gigawatt", "megawatt", "kilowatt", "terawatt", "mile", "yard", "metric",
}
_COMPARE_CUES = {
    "than", "versus", "vs", "vs.", "against", "compared", "compare", "surpass", "exceed", "outpace",
    "overtake", "outstrip", "trail", "beat", "whereas", "while", "from", "up", "down", "eclipse",
    "outperform", "behind", "ahead",
}
_ANAPHORA_NOUNS = {"figure", "number", "share", "percentage", "proportion", "rate", "total", "amount", "level"}
_MEASURE_NOUNS = {
    "share", "proportion", "percentage", "portion", "fraction", "rate", "ratio", "number", "amount",
    "level", "price", "value", "revenue", "sales", "growth", "figure", "total", "count", "sum",
    "downloads", "output", "budget", "cost", "income", "profit", "loss", "spending", "investment",
    "stake", "majority", "minority", "half", "score", "index", "turnover", "volume", "market",
}
_ACTOR_LABELS = {"GPE", "NORP", "ORG", "PERSON", "PRODUCT", "FAC", "LOC"}


@functools.lru_cache(maxsize=4)
def _words(name: str, lang: str = DEFAULT_LANGUAGE) -> frozenset[str]:
    """A word list of `extract/lang/<lang>/stat_nonstatistics.yaml` or `stat_forecast.yaml`, as a set."""
    source = "stat_forecast" if name.startswith("forecast_") else "stat_nonstatistics"
    key = name.removeprefix("forecast_")
    return frozenset(str(w).lower() for w in table(lang, source)[key])


@functools.lru_cache(maxsize=4)
def _mapping(name: str, lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """A word mapping of `stat_nonstatistics.yaml` (e.g. event verb -> participle), lower-cased."""
    return {str(k).lower(): str(v) for k, v in table(lang, "stat_nonstatistics")[name].items()}


_EXAMPLE_PREPS = {"including", "like", "such", "incl", "incl."}
_NAME_LABELS = {"PRODUCT", "WORK_OF_ART", "LAW", "EVENT", "FAC"}


# --- matchers --------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _matchers(vocab: "Vocab") -> tuple["Matcher", "PhraseMatcher", "PhraseMatcher"]:
    """Token patterns for units, rank phrases and ratio shapes; one set per vocab."""
    from spacy.matcher import Matcher, PhraseMatcher

    matcher = Matcher(vocab)
    matcher.add("PERCENT", [
        [{"ORTH": "%"}],
        [{"LOWER": {"IN": ["percent", "percents", "pct", "percentage", "per-cent"]}},
         {"LOWER": {"IN": ["point", "points"]}, "OP": "?"}],
        [{"LOWER": "per"}, {"LOWER": "cent"}],
    ])
    matcher.add("CURRENCY_AFTER", [
        [{"LOWER": {"IN": sorted(_CURRENCY_WORDS)}}],
        [{"LOWER": {"IN": ["us", "u.s.", "hong", "singapore", "australian", "canadian", "new"]}, "OP": "?"},
         {"LOWER": {"IN": ["dollar", "dollars"]}}],
        [{"LOWER": "pounds"}, {"LOWER": "sterling"}],
    ])
    matcher.add("MULTIPLIER", [
        [{"LOWER": "times"}],
        [{"ORTH": "-", "OP": "?"}, {"LOWER": "fold"}],
    ])
    matcher.add("TOP_RANK", [
        [{"LOWER": "top"}, {"ORTH": "-", "OP": "?"}, {"LEMMA": {"IN": sorted(_RANK_NOUNS)}}],
        [{"LOWER": "pole"}, {"LOWER": "position"}],
        [{"LOWER": "number"}, {"LOWER": "one"}],
    ])
    matcher.add("NUMBER_SIGN", [
        # "No. 1", "No 1"; "no one" is a pronoun, so a bare "no" needs digits
        [{"LOWER": {"IN": ["no", "nr"]}}, {"ORTH": "."}, {"LIKE_NUM": True}],
        [{"LOWER": {"IN": ["no", "nr"]}}, {"IS_DIGIT": True}],
        [{"LOWER": {"IN": ["no.", "nr."]}}, {"LIKE_NUM": True}],
        [{"ORTH": "#"}, {"LIKE_NUM": True}],
    ])
    matcher.add("OF_GROUP", [
        [{"LOWER": {"IN": ["of", "among", "from"]}}, {"LOWER": "the", "OP": "?"},
         {"POS": "ADJ", "OP": "*"}, {"LOWER": "top", "OP": "?"}, {"LIKE_NUM": True}],
    ])
    matcher.add("TOP_N", [[{"LOWER": "top"}, {"ORTH": "-", "OP": "?"}, {"LIKE_NUM": True}]])
    approx = PhraseMatcher(vocab, attr="LOWER")
    approx.add("APPROX", [_make_doc(vocab, cue) for cue in _APPROX_CUES])
    ages = PhraseMatcher(vocab, attr="LOWER")
    ages.add("AGE", [_make_doc(vocab, cue) for cue in ("aged", "age", "ages", "at the age of", "age of")])
    return matcher, approx, ages


def _make_doc(vocab: "Vocab", text: str) -> "Doc":
    from spacy.tokens import Doc

    return Doc(vocab, words=text.split())


def _match_table(doc: "Doc") -> dict[str, list[tuple[int, int]]]:
    """All pattern matches of the doc, by label, longest first among overlaps (one pass)."""
    matcher = _matchers(doc.vocab)[0]
    found: dict[str, list[tuple[int, int]]] = {}
    for match_id, start, end in matcher(doc):
        found.setdefault(doc.vocab.strings[match_id], []).append((start, end))
    return {label: _longest(spans) for label, spans in found.items()}


def _longest(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Keep the longest of overlapping matches."""
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        if all(end <= s or start >= e for s, e in kept):
            kept.append((start, end))
    return sorted(kept)


# --- stage 1: amounts ------------------------------------------------------------------


def find_amounts(doc: "Doc", *, numbers: Sequence[NumberMention] | None = None) -> list[Amount]:
    """Every number in `doc` with the unit its words give it.

    Units read here: `percent` ("17%", "17 per cent", "percentage points"), `money`
    (a currency sign before or after, a currency word after), `multiplier` ("17X", "17
    times", "3-fold"), `ratio` (fractions, "one in five"), `count` with `of` ("8 out of
    10", "eight of the top ten"), `quantity` (a measurement unit after the number or
    glued to it: "29km", "5 GW"), `rank` for ordinals (kept only with a ranking cue
    later), `time` for clock times, and `number` for everything else.
    """
    _require_parse(doc)
    mentions = list(numbers) if numbers is not None else find_numbers(doc)
    return _amounts(doc, mentions, _match_table(doc))


def _require_parse(doc: "Doc") -> None:
    # Units, ranks and roles are read from tags and the dependency parse; on a bare
    # tokenizer's doc they would silently come out empty or wrong.
    missing = [name for name in ("TAG", "DEP") if not doc.has_annotation(name)]
    if missing:
        raise ValueError(
            f"statistics need a tagged and parsed Doc (missing {', '.join(missing)}); "
            "parse the text with extract.models.load_spacy() or the KB pipeline first")


def _amounts(doc: "Doc", mentions: Sequence[NumberMention], table: dict[str, list[tuple[int, int]]]) -> list[Amount]:
    context = _Context(
        doc=doc,
        percent=dict(table.get("PERCENT", [])),
        currency_after=dict(table.get("CURRENCY_AFTER", [])),
        multiplier=dict(table.get("MULTIPLIER", [])),
        of_group=dict(table.get("OF_GROUP", [])),
        by_token={m.token_start: m for m in mentions},
    )
    amounts: list[Amount] = []
    covered_to = -1
    for mention in mentions:
        if mention.start < covered_to:
            continue  # the denominator of "8 out of 10" / "eight of the top ten" already read
        amount = _amount(context, mention)
        if amount.of is not None:
            covered_to = amount.end
        amounts.append(_with_approx(doc, amount))
    amounts.extend(_inverted_percents(doc, mentions, context.percent))
    amounts.extend(_verb_multipliers(doc))
    return sorted(amounts, key=lambda a: a.start)


# Verbs that state a multiplier without a number: "sales doubled", "downloads tripled".
_MULTIPLYING_VERBS = {"double": 2.0, "triple": 3.0, "treble": 3.0, "quadruple": 4.0, "quintuple": 5.0,
                      "halve": 0.5}


def _verb_multipliers(doc: "Doc") -> list[Amount]:
    """"Demand has doubled since 2020" is a multiplier of 2 on its subject.

    Only finite or participial verb uses count ("doubled", "has tripled"); the
    adjective in "a double espresso" or the noun in "a triple" is not a figure.
    """
    found = []
    for token in doc:
        value = _MULTIPLYING_VERBS.get(token.lemma_.lower())
        if value is None or token.pos_ != "VERB" or token.tag_ not in ("VBD", "VBN", "VBZ", "VBP", "VBG"):
            continue
        found.append(Amount(start=token.idx, end=token.idx + len(token.text), text=token.text, value=value,
                            unit="multiplier", token_start=token.i, token_end=token.i + 1))
    return found


@dataclass(frozen=True)
class _Context:
    """Per-doc matches the unit readers share: token start -> match end."""

    doc: "Doc"
    percent: dict[int, int]
    currency_after: dict[int, int]
    multiplier: dict[int, int]
    of_group: dict[int, int]
    by_token: dict[int, NumberMention]


def _amount(context: _Context, mention: NumberMention) -> Amount:
    """The first unit reader that recognises the words around `mention` wins."""
    base = Amount(mention.start, mention.end, mention.text, mention.value, "number",
                  mention.token_start, mention.token_end, mention)
    if mention.kind == "ordinal":
        return replace(base, unit="rank")
    for reader in _UNIT_READERS:
        amount = reader(context, base, mention)
        if amount is not None:
            return amount
    return base


def _currency_before(context: _Context, base: Amount, mention: NumberMention) -> Amount | None:
    """"$2.2 billion", "US$ 1MM", "€10M" (and "$5 US dollars")."""
    doc = context.doc
    sign = doc[mention.token_start - 1] if mention.token_start > 0 else None
    if sign is None or sign.text not in _CURRENCY_SIGNS:
        return None
    end_token = context.currency_after.get(mention.token_end, mention.token_end)
    return _span_amount(doc, base, sign.i, end_token, unit="money", currency=_CURRENCY_SIGNS[sign.text])


def _suffix_unit(context: _Context, base: Amount, mention: NumberMention) -> Amount | None:
    """Letters glued to the digits: "17X", "29km", "2pm"; others ("1990s", "5G") stay numbers."""
    suffix = mention.suffix
    if suffix is None:
        return None
    doc = context.doc
    whole_token = _token_end_char(doc, mention.token_end)
    if suffix in ("x", "X"):
        return _span_amount(doc, base, mention.token_start, mention.token_end, unit="multiplier",
                            end_char=whole_token)
    if suffix.lower() in ("am", "pm"):
        return replace(base, unit="time")
    if suffix.lower() in _MEASURE_UNITS or suffix.lower() in _words("measure_units") \
            or suffix.lower() in _words("kitchen_units"):
        return _span_amount(doc, base, mention.token_start, mention.token_end, unit="quantity", end_char=whole_token)
    return base  # `_is_statistic` decides what a decade or a name is


def _clock_time(context: _Context, base: Amount, mention: NumberMention) -> Amount | None:
    after = mention.token_end
    doc = context.doc
    if ":" in mention.text or (after < len(doc) and doc[after].lower_ in ("am", "pm", "a.m.", "p.m.")):
        return replace(base, unit="time")
    return None


def _currency_after(context: _Context, base: Amount, mention: NumberMention) -> Amount | None:
    """"-15€", "300 yuan", "5 US dollars", and "20 million pounds" (with a scale only)."""
    doc = context.doc
    after = mention.token_end
    if after >= len(doc):
        return None
    if doc[after].text in _CURRENCY_SIGNS:
        return _span_amount(doc, base, mention.token_start, after + 1, unit="money",
                            currency=_CURRENCY_SIGNS[doc[after].text])
    if after in context.currency_after:
        currency = _currency_of(doc[after:context.currency_after[after]])
        if currency is not None:
            return _span_amount(doc, base, mention.token_start, context.currency_after[after], unit="money",
                                currency=currency)
    if doc[after].lower_ == "pounds" and _has_scale(doc, mention):
        # "20 million pounds" is money; "20 pounds" may well be a weight
        return _span_amount(doc, base, mention.token_start, after + 1, unit="money", currency="GBP")
    return None


def _percent_unit(context: _Context, base: Amount, mention: NumberMention) -> Amount | None:
    end = context.percent.get(mention.token_end)
    if end is None:
        return None
    return _span_amount(context.doc, base, mention.token_start, end, unit="percent")


def _multiplier_unit(context: _Context, base: Amount, mention: NumberMention) -> Amount | None:
    end = context.multiplier.get(mention.token_end)
    if end is None or _is_frequency(context.doc, end):
        return None
    return _span_amount(context.doc, base, mention.token_start, end, unit="multiplier")


def _share_of(context: _Context, base: Amount, mention: NumberMention) -> Amount | None:
    """"8 out of 10" -> count 8 of 10; "a third", "two thirds" -> ratio."""
    if mention.parts is not None and " out " in f" {mention.text.lower()} " and mention.parts[1] >= mention.parts[0]:
        numerator, denominator = mention.parts
        return replace(base, value=numerator, of=denominator, unit="count")
    if mention.kind == "fraction" and 0 < abs(mention.value) < 1:
        return replace(base, unit="ratio")
    return None


def _one_in_five(context: _Context, base: Amount, mention: NumberMention) -> Amount | None:
    """"one in five adults": a share written as two numbers."""
    doc = context.doc
    after = mention.token_end
    if after + 1 >= len(doc) or doc[after].lower_ != "in" or mention.kind != "cardinal":
        return None
    denominator = context.by_token.get(after + 1)
    if denominator is None or denominator.kind != "cardinal" or denominator.value <= mention.value:
        return None
    if _looks_like_year(denominator) or mention.value < 1 or denominator.value > 1000:
        return None
    return _span_amount(doc, base, mention.token_start, denominator.token_end, unit="ratio", of=denominator.value,
                        end_char=denominator.end)


def _of_group(context: _Context, base: Amount, mention: NumberMention) -> Amount | None:
    """"eight of the top ten": a count out of a group ("one of the four giants" is membership)."""
    group_end = context.of_group.get(mention.token_end)
    if group_end is None or mention.text.lower() == "one":
        return None
    denominator = context.by_token.get(group_end - 1)
    if denominator is None or denominator.kind != "cardinal" or denominator.value <= mention.value:
        return None
    return _span_amount(context.doc, base, mention.token_start, denominator.token_end, unit="count",
                        of=denominator.value, end_char=denominator.end)


def _measure_unit(context: _Context, base: Amount, mention: NumberMention) -> Amount | None:
    """"5 GW", "300 km": a number counting a unit of measurement."""
    doc = context.doc
    after = mention.token_end
    if after + 1 < len(doc) and doc[after].text == "-" and not doc[after].whitespace_:
        after += 1  # "a 16-inch screen"
    if after < len(doc) and _is_measure_unit(doc[after]):
        return _span_amount(doc, base, mention.token_start, after + 1, unit="quantity")
    return None


_UNIT_READERS = (_currency_before, _suffix_unit, _clock_time, _currency_after, _percent_unit, _multiplier_unit,
                 _share_of, _one_in_five, _of_group, _measure_unit)


def _has_scale(doc: "Doc", mention: NumberMention | None) -> bool:
    if mention is None:
        return False
    return any(t.lower_ in ("million", "billion", "trillion", "m", "bn", "mn")
               for t in doc[mention.token_start:mention.token_end])


def _span_amount(doc: "Doc", base: Amount, token_start: int, token_end: int, *, unit: str,
                 currency: str | None = None, of: float | None = None, end_char: int | None = None) -> Amount:
    """`base` widened to cover its unit's tokens."""
    start = min(base.start, doc[token_start].idx)
    if end_char is not None:
        end = end_char
    elif token_end <= base.token_end:
        end = base.end  # the unit sits before the number ("$5m."): keep the number's own end
    else:
        end = max(base.end, _token_end_char(doc, token_end))
    first, last = min(token_start, base.token_start), max(token_end, base.token_end)
    return replace(base, start=start, end=end, text=text_between(doc, start, end, first, last), unit=unit,
                   currency=currency, token_start=first, token_end=last, of=of if of is not None else base.of)


def _token_end_char(doc: "Doc", token_end: int) -> int:
    last = doc[token_end - 1]
    return last.idx + len(last.text)


def _currency_of(tokens: "Span") -> str | None:
    for token in reversed(list(tokens)):
        code = _CURRENCY_WORDS.get(token.lower_)
        if code is not None:
            if token.lower_ in ("dollar", "dollars"):
                prefix = tokens[0].lower_
                return {"hong": "HKD", "singapore": "SGD", "australian": "AUD", "canadian": "CAD",
                        "new": "NZD"}.get(prefix, "USD")
            if token.lower_ == "won" and token.pos_ == "VERB":
                return None  # "has won", not the Korean currency
            return code
    return None


def _is_frequency(doc: "Doc", end: int) -> bool:
    """"four times a week", "three times per year": a frequency, not a multiplier."""
    if end >= len(doc):
        return False
    following = doc[end]
    if following.lower_ in ("per", "each", "every", "a", "an") and end + 1 < len(doc):
        return doc[end + 1].lemma_.lower() in _TIME_UNITS or following.lower_ in ("per", "each", "every")
    return following.lower_ in ("daily", "weekly", "monthly", "annually", "yearly", "in", "since", "before",
                                "already", "so", "this", "last", "over")


def _is_measure_unit(token: "Token") -> bool:
    extra = _words("measure_units") | _words("kitchen_units")
    return token.lower_ in _MEASURE_UNITS or token.lemma_.lower() in _MEASURE_UNITS or token.lower_ in extra


def _inverted_percents(doc: "Doc", mentions: Sequence[NumberMention], percent: dict[int, int]) -> list[Amount]:
    """"per cent of twenty-two": the unit written before the number, with no number before it."""
    starts = {m.token_start: m for m in mentions}
    ends = {m.token_end for m in mentions}
    amounts: list[Amount] = []
    for start, end in percent.items():
        if start in ends or end + 1 >= len(doc) + 1 or end >= len(doc) or doc[end].lower_ != "of":
            continue
        mention = starts.get(end + 1)
        if mention is None or mention.kind != "cardinal":
            continue
        following = doc[mention.token_end] if mention.token_end < len(doc) else None
        if following is not None and (following.pos_ in ("NOUN", "PROPN") or following.is_alpha):
            continue  # "percent of 10 cases" is a share of something, not 10%
        char_start = doc[start].idx
        text = text_between(doc, char_start, mention.end, start, mention.token_end)
        amounts.append(Amount(char_start, mention.end, text, mention.value, "percent", start, mention.token_end,
                              mention))
    return amounts


def _with_approx(doc: "Doc", amount: Amount) -> Amount:
    """Attach an approximation cue that ends right before the amount ("more than 17%")."""
    approx_matcher = _matchers(doc.vocab)[1]
    window = doc[max(0, amount.token_start - 4):amount.token_start]
    best: tuple[int, int] | None = None
    for _, start, end in approx_matcher(window):  # offsets are doc token indices
        if end == amount.token_start and (best is None or start < best[0]):
            best = (start, end)
    if best is None:
        return amount
    cue = doc[best[0]:best[1]]
    if cue.text.lower() in ("over", "under", "above", "below", "some") and amount.unit in ("number", "rank"):
        if cue[0].dep_ not in ("quantmod", "advmod", "det") and cue[0].head.i != amount.token_start:
            return amount  # "over 3 years" is a preposition, not "over 3"
    return replace(amount, approx=cue.text.lower())


def _looks_like_year(mention: NumberMention) -> bool:
    text = mention.text
    return mention.kind == "cardinal" and text.isdigit() and len(text) == 4 and 1000 <= mention.value <= 2100


# --- stage 2: which amounts are statistics ---------------------------------------------


def _is_statistic(doc: "Doc", amount: Amount, *, top_numbers: set[int]) -> bool:
    """Whether an amount states a figure (see the module docstring for the rules)."""
    if amount.unit in ("rank", "time"):
        return False  # ranks are decided by `_ranks`; clock times are never figures
    mention = amount.number
    tokens = doc[amount.token_start:amount.token_end]
    head = _number_token(doc, amount)
    has_unit = amount.unit in ("percent", "money", "multiplier", "ratio") or amount.of is not None
    if mention is not None and mention.suffix is not None and amount.unit not in ("multiplier", "quantity"):
        return False  # "1990s", "5G", "3D": decades and names
    if not has_unit:
        if _in_date(doc, amount) or _is_year(doc, amount) or _is_time(doc, head):
            return False
        if _is_age(doc, amount) or _is_duration(doc, amount) or _is_list_number(doc, amount):
            return False
        if _is_identifier(doc, amount) or _is_pronoun_one(doc, amount):
            return False
        if head.i in top_numbers or _is_group_size(doc, head):
            return False
        if _is_score_or_range(doc, amount) or _in_table_row(doc, amount) or _is_reference_mark(doc, amount):
            return False
        if mention is not None and mention.kind == "cardinal" and mention.text.isdigit() \
                and (len(mention.text) >= 9 or (mention.text.startswith("0") and len(mention.text) > 1)):
            return False  # phone numbers, ids, "01.01.2019"
    if any(t.like_url or t.like_email for t in tokens):
        return False
    return not _is_description(doc, amount, top_numbers=top_numbers)


def _is_description(doc: "Doc", amount: Amount, *, top_numbers: set[int] = frozenset()) -> bool:
    """Numbers that describe rather than measure (issue 14): the kinds are general shapes,
    their words are language data (`stat_nonstatistics.yaml`)."""
    if _is_phone_number(doc, amount) or _is_page_furniture(doc, amount):
        return True
    if _is_idiom_number(amount) or _is_threshold(doc, amount) or _is_shop_copy(doc, amount):
        return True  # "24/7"; "(BMI >=30 kg/m2)"; "Get it on Amazon for 39.99"
    if amount.unit == "money" and _is_product_price(doc, amount):
        return True  # "the 16-inch model costs $2,399": a product's price, not a figure of the world
    if amount.unit in ("number", "quantity") and amount.of is None:
        if _is_sample_size(doc, amount) or _is_age_band(doc, amount) or _is_spec_part(doc, amount):
            return True  # "94,943 adults were surveyed"; "18- to 24-year-olds"; "406 lb-ft of torque"
    if amount.of is not None and _is_identifier(doc, amount):
        return True  # "Photo 3 of 12", "Page 2 of 5"
    if amount.unit == "ratio" and _is_fraction_of_time(doc, amount):
        return True  # "half a year", "half an hour"
    if _is_kitchen_measure(doc, amount):
        return True  # "1 cup", "2 tbsp", "½ cup": a recipe, not the world
    if amount.unit == "money" and _is_listing_price(doc, amount):
        return True  # "Wireless earbuds for $49", a line that is only "$234.98": shop copy
    if amount.unit == "multiplier" and _is_model_name(doc, amount):
        return True  # "777x jets"
    if amount.unit in ("number", "quantity") and amount.of is None:
        if _is_listicle(doc, amount) or _is_spec(doc, amount):
            return True
        if _is_product_spec(doc, amount) or _is_name_number(doc, amount):
            return True
    if amount.unit != "number" or amount.of is not None:
        return False
    sentence = doc[amount.token_start].sent
    if any(sentence.start <= i < sentence.end for i in top_numbers):
        return False  # "eight ... made the top ten": a count out of a ranking (`_counts_in_top`)
    return _is_small_description(doc, amount)


_PHONE = re.compile(
    r"(?:\+\d{1,3}(?:[\s.-]\(?\d{1,4}\)?){2,4})"  # "+44 20 7946 0958"
    r"|(?:\(\d{2,4}\)\s?\d{3,4}[\s.-]\d{3,4})"  # "(202) 555-0100"
    r"|(?:\b\d{2,4}[.-]\d{3,4}[.-]\d{3,4}\b)")  # "555-123-4567", "020.7946.0958"


def _is_phone_number(doc: "Doc", amount: Amount) -> bool:
    window_start = max(0, amount.start - 24)
    window = doc.text[window_start:amount.end + 24]
    for match in _PHONE.finditer(window):
        start, end = window_start + match.start(), window_start + match.end()
        if start <= amount.start and amount.end <= end + 1 and "," not in match.group(0):
            return True
    return False


def _line_of(doc: "Doc", amount: Amount) -> str:
    text = doc.text
    start = text.rfind("\n", 0, amount.start) + 1
    end = text.find("\n", amount.end)
    return text[start:end if end >= 0 else len(text)]


def _is_page_furniture(doc: "Doc", amount: Amount) -> bool:
    """Counters of the page ("2 comments", "1.2K shares", "5 min read") on a short line, and
    deal banners ("30% Off ...", "$10 off")."""
    after = doc[amount.token_end] if amount.token_end < len(doc) else None
    if after is None:
        return False
    if after.lower_ == "off" and amount.unit in ("percent", "money"):
        verb = _governing_verb(doc[amount.token_start])
        if after.text[0].isupper() or verb is None or verb.lemma_.lower() in ("get", "save", "take", "enjoy", "score"):
            return True
    if after.lower_ in _words("furniture_nouns") or after.lemma_.lower() in _words("furniture_nouns"):
        line = _line_of(doc, amount)
        words = [w for w in line.split() if any(c.isalnum() for c in w)]
        return len(words) <= 6
    return False


def _is_idiom_number(amount: Amount) -> bool:
    return amount.text.lower() in _words("idiom_numbers")


def _is_threshold(doc: "Doc", amount: Amount) -> bool:
    """"(BMI <18.5 kg/m2)", "(>=30)": a bound after a comparison sign in brackets defines a class."""
    before = (doc.text[max(0, amount.start - 12):amount.start].rstrip() + amount.text[:1]).replace("=", "")
    if before[-1] not in "<>≤≥" and (len(before) < 2 or before[-2] not in "<>≤≥"):
        return False
    opened = doc.text.rfind("(", 0, amount.start)
    return opened >= 0 and doc.text.find(")", opened, amount.start) < 0 and amount.start - opened < 40


def _is_shop_copy(doc: "Doc", amount: Amount) -> bool:
    """A line of shop copy: it opens with an imperative shop verb ("Get it on Amazon for 39.99",
    "Upgrade to Premium for $4.99/mo") and the number is a price after a listing cue."""
    sentence = doc[amount.token_start].sent
    first = next((t for t in sentence if not (t.is_punct or t.is_space)), None)
    if first is None or first.lower_ not in _words("shop_verbs") or first.tag_ not in ("VB", "VBP", "NNP", "NN"):
        return False
    before = doc[amount.token_start - 1] if amount.token_start > 0 else None
    return amount.unit == "money" or (before is not None and before.lower_ in _words("listing_cues"))


def _is_product_price(doc: "Doc", amount: Amount) -> bool:
    """A small unscaled price with a price word nearby ("costs $2,399", "priced at $799",
    "(Originally $159)", "the $49 charging brick") in a sentence that states no change and no
    average: the price of a product or a deal, which coverage of prices would state with a change."""
    if _has_scale(doc, amount.number) or abs(amount.value) >= 10000:
        return False
    sentence = doc[amount.token_start].sent
    words = {t.lower_ for t in sentence} | {t.lemma_.lower() for t in sentence}
    change = _words("change_verbs") | _words("change_nouns") | _words("price_statistic_words")
    if words & change:
        return False
    near = doc[max(sentence.start, amount.token_start - 6):min(sentence.end, amount.token_end + 3)]
    cues = _words("price_words") | {"originally"}
    if any(t.lower_ in cues or t.lemma_.lower() in cues for t in near):
        return True
    noun = _counted_noun(doc, amount)
    return noun.i >= amount.token_end and (noun.lower_ in _words("spec_nouns") or noun.pos_ == "PROPN")


def _is_sample_size(doc: "Doc", amount: Amount) -> bool:
    """The sample of a study: "a survey of 2,000 adults", "94,943 adults ... were surveyed"."""
    current = _counted_noun(doc, amount)
    for _ in range(5):
        head = current.head
        if head == current:
            break
        if current.dep_ == "pobj" and head.lower_ in ("of", "among", "with", "in") \
                and head.head.lower_ in _words("sample_nouns"):
            return True
        if head.pos_ in ("VERB", "AUX"):
            return head.lemma_.lower() in _words("sample_verbs") and current.dep_ in ("nsubjpass", "dobj")
        current = head
    return False


_AGE_AFTER = re.compile(r"^\s*[-‑–]?\s*(?:(?:to|and|or|[-‑–])\s*\d+\s*)?[-‑–\s]\s*(?:years?|yrs?)[-‑–\s]*olds?",
                        re.IGNORECASE)
_AGE_BEFORE = re.compile(r"\bages?\s+(?:of\s+)?(?:between\s+)?(?:\d+\s*(?:and|to|or|[-‑–])\s*)?$", re.IGNORECASE)


def _is_age_band(doc: "Doc", amount: Amount) -> bool:
    """Ages in a band or threshold: "18- to 24-year-olds", "between the ages of 18 and 24",
    "people under 25" (the number is an age only when nothing follows it to be counted)."""
    if amount.value >= 120 or amount.value != int(amount.value):
        return False
    if _AGE_AFTER.match(doc.text[amount.end:amount.end + 30]):
        return True
    before = doc.text[max(0, amount.start - 40):amount.start]
    if _AGE_BEFORE.search(before.replace("the ", "")):
        return True
    prev = doc[amount.token_start - 1] if amount.token_start > 0 else None
    after = doc[amount.token_end] if amount.token_end < len(doc) else None
    if prev is None or prev.lower_ not in _words("age_prepositions") or prev.i == 0:
        return False
    if after is not None and after.pos_ in ("NOUN", "PROPN", "NUM", "SYM"):
        return False  # "under 25 hours", "over 65 people"
    owner = doc[prev.i - 1]
    return _names_people(owner) or owner.lower_ in _words("tally_nouns") or owner.lower_ in ("those", "anyone")


def _is_spec_part(doc: "Doc", amount: Amount) -> bool:
    """The size of a product's part (`spec_nouns`: "406 lb-ft of torque", "512GB storage", "a 20.7
    cubic foot trunk", "4K streaming") in a sentence that states no change."""
    following = list(doc[amount.token_end:amount.token_end + 5])
    noun = _counted_noun(doc, amount)
    parts = _words("spec_nouns")
    candidates = [noun] if noun.i >= amount.token_start else []
    if following:
        candidates.append(following[0])
        if following[0].pos_ in ("NOUN", "ADJ", "PROPN"):
            candidates.append(following[0].head)
    for i, token in enumerate(following[:-1]):
        if token.lower_ == "of":
            candidates.append(following[i + 1])
            break
        if token.pos_ in ("VERB", "AUX", "PUNCT") and token.text not in ("-",):
            break
    if not any(t.lower_ in parts or t.lemma_.lower() in parts for t in candidates):
        return False
    sentence = doc[amount.token_start].sent
    change = _words("change_verbs") | _words("change_nouns")
    return not any(t.lemma_.lower() in change or t.lower_ in change for t in sentence)


def _is_fraction_of_time(doc: "Doc", amount: Amount) -> bool:
    following = list(doc[amount.token_end:amount.token_end + 2])
    if following and following[0].lower_ in ("a", "an", "of"):
        following = following[1:]
    return bool(following) and following[0].lemma_.lower() in _TIME_UNITS


def _is_kitchen_measure(doc: "Doc", amount: Amount) -> bool:
    mention = amount.number
    kitchen = _words("kitchen_units")
    if mention is not None and mention.suffix and mention.suffix.lower() in kitchen:
        return True
    units = [doc[amount.token_end - 1]] if amount.unit == "quantity" else []
    if amount.unit in ("ratio", "number") and amount.token_end < len(doc):
        units.append(doc[amount.token_end])  # "½ cup", "1 scoop"
    if amount.unit == "ratio" and amount.token_start >= 2 and doc[amount.token_start - 1].lower_ == "and":
        units.append(doc[amount.token_start - 2])  # "a cup and a half"
    return any(u.lower_ in kitchen or u.lemma_.lower() in kitchen for u in units)


def _is_listing_price(doc: "Doc", amount: Amount) -> bool:
    """A price in a product listing or deal line: the line states no finite verb (an imperative
    "Get it for $X" does not count), and the price follows a shop cue or stands alone."""
    line = _line_of(doc, amount).strip()
    if line == amount.text or line.rstrip(".") == amount.text:
        return True
    sentence = doc[amount.token_start].sent
    finite = [t for t in sentence if t.tag_ in ("VBD", "VBZ", "VBP", "MD") and t.pos_ in ("VERB", "AUX")]
    if finite:
        return False
    before = doc[amount.token_start - 1] if amount.token_start > 0 else None
    return before is not None and before.lower_ in _words("listing_cues")


def _is_model_name(doc: "Doc", amount: Amount) -> bool:
    """"777x", "the 737X": three digits and more glued to an x name a model; "100x faster" is a figure."""
    mention = amount.number
    if mention is None or mention.suffix not in ("x", "X") or not mention.text[:-1].isdigit() or amount.value < 100:
        return False
    after = doc[amount.token_end] if amount.token_end < len(doc) else None
    return after is None or after.tag_ not in ("JJR", "RBR") and after.lower_ not in ("more", "less", "faster", "as")


def _is_listicle(doc: "Doc", amount: Amount) -> bool:
    """"the 10 best deals", "7 ways to save": the items of a list, not a count of the world."""
    after = [t for t in doc[amount.token_end:amount.token_end + 3]]
    if after and (after[0].tag_ == "JJS" or after[0].lower_ in ("most", "biggest", "best", "worst", "top")):
        return True
    if after and after[0].pos_ == "ADJ" and len(after) > 1:
        after = after[1:]
    return bool(after) and after[0].lower_ in _words("listicle_nouns") and amount.value < 1000


def _counted_noun(doc: "Doc", amount: Amount) -> "Token":
    token = _number_token(doc, amount)
    return token.head if token.dep_ in ("nummod", "compound", "amod", "quantmod") and token.head != token else token


def _is_spec(doc: "Doc", amount: Amount) -> bool:
    """A specification without a measure: "a 70B model", "a 12-inch laptop", "a two-class layout".

    The number qualifies one singular thing after an indefinite article; what it counts is a
    property of the thing, not a quantity of the world. "A 3,000 job decline" (a noun of
    change) and "a 17% stake" (a unit of its own) stay figures.
    """
    mention = amount.number
    scaled_suffix = mention is not None and bool(re.search(r"\d[A-Za-z]+$", mention.text))
    if amount.unit == "number" and abs(amount.value) >= 1000 and not scaled_suffix:
        return False  # "a 258,000-job overstatement", "a 1,200-bed hospital": sizes that are figures
    start = amount.token_start - (len(amount.approx.split()) if amount.approx else 0)
    before = doc[start - 1] if start > 0 else None
    # "a 70B model"; for a measurement also "the 16-inch laptop", "its 5,000 mAh battery"
    articles = ("a", "an") if amount.unit == "number" else ("a", "an", "the", "its", "their", "his", "her", "our")
    if before is None or before.lower_ not in articles:
        return _is_model_number(doc, amount)
    noun = _counted_noun(doc, amount)
    for _ in range(3):
        if noun.i >= amount.token_end or noun.head == noun:
            break
        noun = noun.head  # "a 5G phone": "G" is part of the amount, the phone is what it qualifies
    chain = [noun, noun.head] if noun.dep_ == "compound" else [noun]
    if noun.i < amount.token_end or noun.tag_ not in ("NN", "NNP"):
        return False
    if any(t.lower_ in _words("change_nouns") or t.lemma_.lower() in _words("change_nouns") for t in chain):
        return False
    return not any(t.lemma_.lower() in _MEASURE_NOUNS for t in chain)


def _is_product_spec(doc: "Doc", amount: Amount) -> bool:
    """"400 horsepower", "5,000 mAh", "12 megapixels": a product's specification (`spec_units`) is a
    figure only when the sentence says it changed ("output rose to 400 hp")."""
    units = _words("spec_units")
    after = doc[amount.token_end] if amount.token_end < len(doc) else None
    unit_word = doc[amount.token_end - 1] if amount.unit == "quantity" else after
    suffix = (amount.number.suffix or "").lower() if amount.number is not None else ""
    glued = re.sub(r"^[\d.,]+", "", unit_word.lower_) if unit_word is not None else ""
    if unit_word is None or not ({unit_word.lower_, suffix, glued} & units):
        return False  # "5,000 mAh" is read as a bare number before a noun, "400 hp" as a quantity
    sentence = doc[amount.token_start].sent
    change = _words("change_verbs") | _words("change_nouns")
    return not any(t.lemma_.lower() in change or t.lower_ in change for t in sentence)


def _is_name_number(doc: "Doc", amount: Amount) -> bool:
    """"Nasdaq 100", "USB 3.2", "Fortune 500": a bare number glued after a proper noun that counts
    nothing after it is part of the name; "Ontario 12, Quebec 9" would be a table and is read elsewhere."""
    mention = amount.number
    if amount.unit != "number" or mention is None or mention.kind != "cardinal" or amount.token_start == 0:
        return False
    before = doc[amount.token_start - 1]
    named = before.tag_ == "NNP" or (before.is_upper and before.is_alpha and len(before) > 1)  # "USB"
    if not named or not before.whitespace_ or before.sent != doc[amount.token_start].sent:
        return False
    after = doc[amount.token_end] if amount.token_end < len(doc) else None
    if "." in mention.text and not _has_scale(doc, mention):
        return True  # "USB 3.2 ports": an unscaled decimal cannot count the ports, it is a version
    return after is None or after.pos_ not in ("NOUN", "NUM") or after.tag_ == "NNP"


def _is_model_number(doc: "Doc", amount: Amount) -> bool:
    """"the 777 program", "five 787 Dreamliner sales": a whole number right before a singular
    noun it modifies cannot count that noun, so it names a model or a series."""
    mention = amount.number
    if amount.unit != "number" or mention is None or not mention.text.isdigit() or amount.value <= 1 \
            or _looks_like_year(mention):
        return False
    token = _number_token(doc, amount)
    nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
    if nxt is None or nxt.tag_ not in ("NN", "NNP") or not token.whitespace_ or token.head.i < token.i:
        return False
    chain = [nxt, nxt.head] if nxt.dep_ == "compound" else [nxt]
    if any(t.lemma_.lower() in _words("change_nouns") or t.lemma_.lower() in _MEASURE_NOUNS for t in chain):
        return False  # "a 3,000 job decline"
    return nxt.lemma_.lower() not in _TIME_UNITS and not _is_measure_unit(nxt)


# Below this, a bare count needs a reason to be a figure (see `_is_small_description`).
_SMALL_COUNT = 10


def _is_small_description(doc: "Doc", amount: Amount) -> bool:
    """"two groups", "3 items", "2 countries", "the two of you": a small bare count is
    description unless it tallies people or harm, or is the figure a verb of change reports
    ("deaths rose to 7", "the firm cut 3 plants")."""
    if abs(amount.value) >= _SMALL_COUNT or amount.value != int(amount.value) or _has_scale(doc, amount.number):
        return False
    noun = _counted_noun(doc, amount)
    tallies = _words("tally_nouns")
    if noun.lower_ in tallies or noun.lemma_.lower() in tallies:
        return False
    token = _number_token(doc, amount)
    for owner in (token.head, noun.head, noun):
        if owner.pos_ in ("VERB", "AUX") and owner.lemma_.lower() in _words("change_verbs"):
            return False
        if owner.dep_ == "pobj" and owner.head.head.lemma_.lower() in _words("change_verbs") \
                and owner.head.lower_ in ("to", "by", "from"):
            return False
    return True


def _number_token(doc: "Doc", amount: Amount) -> "Token":
    """The token carrying the number (not the "%" or currency sign)."""
    mention = amount.number
    if mention is None:
        return doc[amount.token_start]
    tokens = doc[mention.token_start:mention.token_end]
    numeric = [t for t in tokens if t.like_num or t.pos_ == "NUM"]
    return numeric[-1] if numeric else tokens[-1]


def _in_date(doc: "Doc", amount: Amount) -> bool:
    tokens = doc[amount.token_start:amount.token_end]
    if any(t.ent_type_ == "DATE" for t in tokens):
        return True
    if any(t.ent_type_ == "TIME" for t in tokens) and amount.value < _TIME_VOLUME:
        return True  # "40 million hours" is tagged TIME but is a volume, not a time
    neighbours = [doc[i] for i in (amount.token_start - 1, amount.token_end) if 0 <= i < len(doc)]
    return any(t.lower_.rstrip(".") in _MONTHS and t.is_title for t in neighbours)


def _is_year(doc: "Doc", amount: Amount) -> bool:
    mention = amount.number
    if mention is None or not _looks_like_year(mention):
        return False
    token = _number_token(doc, amount)
    # "2,000 people" has a separator; "2000 people" (a year-shaped count) keeps its noun
    return not (token.dep_ == "nummod" and token.head.tag_ in ("NNS", "NNPS") and token.head.i > token.i)


def _is_time(doc: "Doc", token: "Token") -> bool:
    nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
    clock_words = ("am", "pm", "a.m.", "p.m.", "o'clock", "gmt", "utc")
    return ":" in token.text or (nxt is not None and nxt.lower_ in clock_words)


def _is_age(doc: "Doc", amount: Amount) -> bool:
    start, end = amount.token_start, amount.token_end
    before = doc[max(0, start - 4):start]
    ages = _matchers(doc.vocab)[2]
    if any(e == start for _, _, e in ages(before)):  # offsets are doc token indices
        return True
    following = [t.lower_ for t in doc[end:end + 4]]
    if following[:3] in (["-", "year", "-"], ["year", "-", "old"]) or following[:2] == ["years", "old"]:
        return True
    if following[:3] == ["-", "year", "-"] and len(following) > 3 and following[3] == "old":
        return True
    # "Jane Doe, 45," / "Jane Doe (45)"
    prev = doc[start - 1] if start > 0 else None
    nxt = doc[end] if end < len(doc) else None
    if prev is not None and nxt is not None and prev.text in (",", "(") and nxt.text in (",", ")"):
        owner = doc[start - 2] if start >= 2 else None
        if owner is not None and owner.ent_type_ == "PERSON" and amount.value < 120:
            return True
    if prev is not None and nxt is not None and prev.ent_type_ == "PERSON" and nxt.text == "," and amount.value < 120:
        return True  # "Ryan Hollman 31, of Hope"
    return False


def _is_score_or_range(doc: "Doc", amount: Amount) -> bool:
    """"beat Hungary 2-0", "a 24-17 loss", "(9-1, 6-1)", "5-6 minutes": bare number pairs."""
    start, end = amount.token_start, amount.token_end
    dashes = ("-", "–", "—")
    before = doc[start - 2:start] if start >= 2 else None
    after = doc[end:end + 2] if end + 2 <= len(doc) else None
    if after is not None and after[0].text in dashes and after[1].like_num and not after[0].whitespace_ \
            and not doc[end - 1].whitespace_:
        return True
    return before is not None and before[1].text in dashes and before[0].like_num and not before[0].whitespace_ \
        and not before[1].whitespace_


def _in_table_row(doc: "Doc", amount: Amount) -> bool:
    """A bare number next to another bare number: table cells, box scores."""
    neighbours = [doc[i] for i in (amount.token_start - 1, amount.token_end) if 0 <= i < len(doc)]
    return any(t.like_num and t.pos_ == "NUM" and not t.is_alpha for t in neighbours) and not doc[
        amount.token_start].is_alpha


def _is_reference_mark(doc: "Doc", amount: Amount) -> bool:
    """"(5)" closing a sentence or a list label: a footnote or item mark, not a figure."""
    start, end = amount.token_start, amount.token_end
    if start == 0 or end >= len(doc):
        return False
    return doc[start - 1].text in ("(", "[") and doc[end].text in (")", "]") and amount.value == int(amount.value) \
        and (end + 1 >= len(doc) or doc[end + 1].is_punct or doc[end + 1].is_space)


# From this many units of time on, a number is a volume ("2.2 billion hours of coverage
# streamed"), not how long something lasted.
_TIME_VOLUME = 1000


def _is_duration(doc: "Doc", amount: Amount) -> bool:
    """A number counting units of time: "six months", "two-year", "every week"."""
    if amount.value >= _TIME_VOLUME:
        return False
    token = _number_token(doc, amount)
    nxt = doc[amount.token_end] if amount.token_end < len(doc) else None
    if nxt is not None and nxt.text == "-" and amount.token_end + 1 < len(doc):
        nxt = doc[amount.token_end + 1]
    if nxt is not None and nxt.lemma_.lower() in _TIME_UNITS:
        return True
    return token.dep_ == "nummod" and token.head.lemma_.lower() in _TIME_UNITS


def _is_list_number(doc: "Doc", amount: Amount) -> bool:
    start = amount.token_start
    previous = doc[start - 1] if start > 0 else None
    at_line_start = previous is None or "\n" in previous.whitespace_ or (previous.is_space and "\n" in previous.text)
    if not at_line_start:
        return False
    nxt = doc[amount.token_end] if amount.token_end < len(doc) else None
    return (nxt is not None and nxt.text in (".", ")", ":")) or amount.text.endswith(".")


def _is_identifier(doc: "Doc", amount: Amount) -> bool:
    """Numbers that name things: "Voyager 2", "COVID-19", "English 101", "Windows 11"."""
    token = _number_token(doc, amount)
    if token.ent_type_ in _NAME_LABELS:
        return True
    mention = amount.number
    if mention is not None:
        first = doc[mention.token_start]
        if any(c.isalpha() for c in first.text[:max(0, mention.start - first.idx)]):
            return True  # "GPT-4", "COVID-19", "SCP-173": the number is part of a name
    prev = doc[amount.token_start - 1] if amount.token_start > 0 else None
    if prev is None:
        return False
    if prev.text == "-" and amount.token_start >= 2 and doc[amount.token_start - 2].is_alpha \
            and not doc[amount.token_start - 2].whitespace_ and not prev.whitespace_:
        return True  # "COVID-19", "GPT-4"
    if prev.lower_ in _words("name_words") or prev.lower_ in _words("index_names"):
        return True  # "Route 66", "Page 2", "Photo 3 of 12"
    named = prev.pos_ == "PROPN" or (prev.is_title and prev.pos_ == "NOUN")
    if named and prev.ent_type_ not in ("GPE", "NORP", "DATE"):
        # a number right after a name, attached to it rather than counting a noun
        return token.head == prev or token.dep_ in ("appos", "npadvmod") or (
            token.dep_ == "nummod" and token.head.i < token.i)
    return False


def _is_pronoun_one(doc: "Doc", amount: Amount) -> bool:
    """Bare "one" as an article or pronoun: "one notable example", "one of the"."""
    mention = amount.number
    if mention is None or mention.text.lower() not in ("one", "a", "an") or amount.of is not None:
        return False
    return True


def _is_group_size(doc: "Doc", token: "Token") -> bool:
    """The N in "one of the N giants": a description of someone, not a measurement."""
    head = token.head
    if token.dep_ != "nummod" or head.dep_ != "pobj":
        return False
    prep = head.head
    return prep.lower_ == "of" and prep.head.lower_ in ("one", "each", "any", "all", "some", "none", "two")


def _top_numbers(mentions: Sequence[NumberMention], table: dict[str, list[tuple[int, int]]]) -> dict[int, float]:
    """Token index -> value of every number right after "top" ("top 10", "top ten")."""
    found: dict[int, float] = {}
    ends = {m.token_end - 1: m for m in mentions}
    for start, end in table.get("TOP_N", []):
        mention = ends.get(end - 1)
        if mention is not None and mention.kind == "cardinal":
            found[end - 1] = mention.value
    return found


# --- stage 3: ranks --------------------------------------------------------------------


def _ranks(doc: "Doc", amounts: Sequence[Amount], table: dict[str, list[tuple[int, int]]]) -> list[Amount]:
    """Ordinals with a ranking cue, and rank phrases with no digits ("the top spot")."""
    ranks: list[Amount] = []
    ordinals = [a for a in amounts if a.unit == "rank"]
    accepted: set[int] = set()
    for amount in ordinals:
        token = _number_token(doc, amount)
        if _has_rank_cue(doc, token):
            accepted.add(token.i)
    # coordinated ordinals share the cue: "ranked second and ninth"
    changed = True
    while changed:
        changed = False
        for amount in ordinals:
            token = _number_token(doc, amount)
            if token.i in accepted:
                continue
            linked = token.head.i if token.dep_ == "conj" else None
            if linked in accepted or any(c.i in accepted for c in token.children if c.dep_ == "conj"):
                accepted.add(token.i)
                changed = True
    # A ranking sentence lends its cue to bare ordinals: "took the top spot, with X 2nd
    # and Y 9th"; "ranked 9th, up from 14th". An ordinal modifying another noun ("the
    # first time", "second quarter") stays out.
    ranking = {doc[i].sent.start for i in accepted}
    ranking |= {doc[start].sent.start for start, _ in table.get("TOP_RANK", [])}
    for amount in ordinals:
        token = _number_token(doc, amount)
        if token.i in accepted or token.sent.start not in ranking:
            continue
        modifies = token.dep_ in ("amod", "nummod", "compound") and token.head.pos_ in ("NOUN", "PROPN") \
            and token.head.lemma_.lower() not in _RANK_NOUNS
        if not modifies:
            accepted.add(token.i)
    ranks.extend(a for a in ordinals if _number_token(doc, a).i in accepted)
    taken = {i for a in amounts for i in range(a.token_start, a.token_end)}
    for start, end in table.get("TOP_RANK", []):
        if any(i in taken for i in range(start, end)):
            continue
        span = doc[start:end]
        ranks.append(Amount(span.start_char, span.end_char, span.text, 1.0, "rank", start, end))
    for start, end in table.get("NUMBER_SIGN", []):
        span = doc[start:end]
        value = parse_number(span[-1].text)
        if value is None or value != int(value) or value <= 0 or value > 1000:
            continue
        ranks.append(Amount(span.start_char, span.end_char, span.text, value, "rank", start, end))
    for token in doc:
        if token.lemma_ == "top" and token.pos_ == "VERB":
            objects = [c for c in token.children if c.dep_ == "dobj"]
            if objects and objects[0].lemma_.lower() in _TOP_LISTS:
                ranks.append(Amount(token.idx, token.idx + len(token.text), token.text, 1.0, "rank",
                                    token.i, token.i + 1))
    return ranks


def _has_rank_cue(doc: "Doc", token: "Token") -> bool:
    head = token.head
    if head.lemma_.lower() in _RANK_VERBS and head.pos_ in ("VERB", "AUX") and token.dep_ in (
            "advmod", "oprd", "npadvmod", "attr", "acomp", "dobj", "xcomp", "amod", "ccomp", "dep", "nsubj"):
        return True
    if head.lower_ == "in" and head.head.lemma_.lower() in _RANK_VERBS:
        return True  # "came in second"
    if head.lemma_.lower() in _RANK_NOUNS and token.dep_ in ("amod", "nummod", "compound"):
        before = doc[token.i - 2:token.i] if token.i >= 2 else None
        if before is not None and [t.lower_ for t in before] == ["in", "the"] and head.lower_ == "place":
            return False  # "in the first place" is an idiom
        return True  # "second place"
    nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
    if nxt is not None and nxt.text == "-" and token.i + 2 < len(doc):
        nxt = doc[token.i + 2]
    if nxt is not None and (nxt.tag_ in ("JJS", "RBS") or nxt.lower_ == "most"):
        return True  # "second-largest", "third most popular"
    prev = doc[token.i - 1] if token.i > 0 else None
    if prev is not None and prev.lemma_.lower() in _RANK_VERBS and prev.pos_ == "VERB":
        return True
    return False


# --- stage 4: roles --------------------------------------------------------------------


def find_statistics(doc: "Doc", *, published: str | None = None) -> list[Statistic]:
    """Every statistic in `doc`, in text order.

    Args:
        doc: a parsed spaCy `Doc` (tagger, parser and NER are used).
        published: the article's publication date (ISO), against which relative periods
            ("this year", "last month", "in July") are resolved into `period_key`. Pass None
            when the date is unknown or only an estimate: such periods then keep their text
            in `period` and get no key.

    Returns:
        `Statistic` records anchored by character offsets (`doc.text[s.start:s.end] ==
        s.text`); `compared_with` holds indices into the returned list and
        `attribution` is left None for the attribution stage to fill.
    """
    _require_parse(doc)
    mentions = find_numbers(doc)
    table = _match_table(doc)
    amounts = _amounts(doc, mentions, table)
    top = _top_numbers(mentions, table)
    sentence_of = _sentence_index(doc)
    ranks = _ranks(doc, amounts, table)
    kept = [a for a in amounts if _is_statistic(doc, a, top_numbers=set(top))
            and not any(r.start <= a.start and a.end <= r.end for r in ranks)]
    kept.extend(ranks)
    kept = _counts_in_top(doc, kept, top, sentence_of)
    kept = sorted(_dedupe(kept), key=lambda a: (a.start, a.end))
    records = [_record(doc, amount, sentence_of) for amount in kept]
    reference = parse_reference(published)
    return [_keyed(r, reference) for r in _link_comparisons(doc, records, sentence_of)]


def _keyed(record: Statistic, reference: "dt.date | None") -> Statistic:
    """The period key, and a period after the publication year makes the figure a forecast."""
    key = period_key(record.period, reference=reference, forecast=record.forecast)
    forecast = record.forecast
    if reference is not None and key is not None and key[:4].isdigit() and int(key[:4]) > reference.year:
        forecast = True
    return replace(record, period_key=key, forecast=forecast)


def _sentence_index(doc: "Doc") -> dict[int, "Span"]:
    """Token index -> its sentence, cut at line breaks (see `extract.claims.sentences`)."""
    index: dict[int, "Span"] = {}
    for sentence in sentences(doc):
        for i in range(sentence.start, sentence.end):
            index[i] = sentence
    return index


def _sentence(token: "Token", sentence_of: dict[int, "Span"]) -> "Span":
    found = sentence_of.get(token.i)
    if found is not None:
        return found
    return token.sent if token.doc.has_annotation("SENT_START") else token.doc[:]


def _dedupe(amounts: Iterable[Amount]) -> list[Amount]:
    seen: dict[tuple[int, int], Amount] = {}
    for amount in amounts:
        seen.setdefault((amount.start, amount.end), amount)
    return list(seen.values())


def _counts_in_top(doc: "Doc", amounts: list[Amount], top: dict[int, float],
                   sentence_of: dict[int, "Span"]) -> list[Amount]:
    """"eight models ... made it into the top ten": the count gets `of` = 10."""
    if not top:
        return amounts
    updated: list[Amount] = []
    for amount in amounts:
        if amount.unit == "number" and amount.of is None:
            token = _number_token(doc, amount)
            sentence = _sentence(token, sentence_of)
            for index, value in top.items():
                if not sentence.start <= index < sentence.end or value <= amount.value or index == token.i:
                    continue
                noun = token.head if token.dep_ == "nummod" else token
                if _governs(noun, doc[index]) or noun.lemma_.lower() in _RANK_NOUNS:
                    amount = replace(amount, unit="count", of=value)
                    break
        updated.append(amount)
    return updated


def _governs(noun: "Token", target: "Token") -> bool:
    """Is `target` inside the clause whose subject (or object) is `noun`?"""
    if noun.dep_ not in ("nsubj", "nsubjpass", "dobj", "attr"):
        return False
    verb = noun.head
    return target in verb.subtree and target not in noun.subtree


_PRONOUN_HOLDERS = frozenset({"it", "they", "he", "she", "this", "that", "these", "those", "we", "i", "you"})


def _record(doc: "Doc", amount: Amount, sentence_of: dict[int, "Span"]) -> Statistic:
    token = _number_token(doc, amount)
    sentence = _sentence(token, sentence_of)
    unit = amount.unit
    if unit == "number":
        unit = "count"
    measure, holder = _roles(doc, amount, token, unit)
    if holder is not None and holder.lower() in _PRONOUN_HOLDERS:
        holder = None  # "It scored 61": whom "it" means is not ours to guess here
    if holder is not None and _is_document(holder):
        holder = None  # "the report", "a study": the source of the figure, not whom it is about
    anchor = _anchor(doc, amount, token)
    period = _period(amount, sentence, anchor)
    if holder is not None and _is_period_phrase(holder):
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
        forecast=_is_forecast(doc, anchor, sentence, period),
        scale=_scale_word(amount),
    )


def _is_period_phrase(phrase: str) -> bool:
    import datetime

    bare = phrase.removesuffix("'s").removesuffix("’s").strip()
    # any reference date resolves a month name; only whether the phrase names a period matters
    return period_key(f"in {bare}", reference=datetime.date(2000, 1, 1)) is not None


def _is_document(phrase: str) -> bool:
    words = phrase.lower().replace("’", "'").split()
    # "the report", "a small study in 50 adults": a document opens or closes the phrase
    return bool(words) and (words[-1] in _words("document_nouns") or any(w in _words("document_nouns")
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


def _is_forecast(doc: "Doc", anchor: "Token", sentence: "Span", period: str | None) -> bool:
    """A projection, target or forecast: the figure's clause is governed by a verb of
    expectation ("is expected to reach"), has a future auxiliary ("will grow"), names a
    projection ("a forecast of 2.4%"), or puts a deadline on it ("by 2050") in a clause that is
    not in the past tense. Words are language data (`stat_forecast.yaml`)."""
    verbs, auxiliaries = _words("forecast_verbs"), _words("forecast_auxiliaries")
    nouns = _words("forecast_nouns")
    noun = anchor.head if anchor.dep_ in ("nummod", "compound", "quantmod") and anchor.head != anchor else anchor
    if any(c.dep_ == "acl" and c.tag_ in ("VBN", "VBD") for c in noun.children):
        return False  # "the 14 million (cars) sold in 2023": a figure the text calls done
    base = noun if noun.dep_ == "pobj" else anchor
    if base.dep_ == "pobj" and base.head.lower_ in ("than", "from") and base.head.head.pos_ != "VERB":
        return False  # "up from 14 million", "higher than the 14 million": the base of a comparison
    verb = _governing_verb(anchor)
    chain: list["Token"] = []
    current = anchor
    for _ in range(8):
        chain.append(current)
        if current.head == current or (current.pos_ in ("VERB", "AUX") and current.dep_ in ("ccomp", "ROOT")
                                       and current is not verb):
            break
        current = current.head
    for token in chain:
        if token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in verbs and token.tag_ != "VBD":
            return True
        if token.pos_ == "NOUN" and token.lower_ in nouns:
            return True
        if token.pos_ in ("VERB", "AUX") and any(c.dep_ == "aux" and c.lower_ in auxiliaries for c in token.children):
            return True
        if token.pos_ in ("VERB", "AUX") and token.lemma_.lower() == "set" and any(
                c.dep_ == "xcomp" for c in token.children):
            return True  # "is set to reach"
    for token in anchor.children:
        if token.dep_ == "prep" and token.lower_ == "of" and token.head.lower_ in nouns:
            return True
    if period is not None:
        at = sentence.text.find(period)
        before = sentence.text[:at].split()[-1:] if at > 0 else []
        if before and before[0].lower() in _words("forecast_deadline_prepositions"):
            return verb is not None and verb.tag_ not in ("VBD", "VBN")  # "by 2030 ... will", not "By 2018, ... remained"
    return False


def _anchor(doc: "Doc", amount: Amount, token: "Token") -> "Token":
    """The token through which the amount joins the sentence (its syntactic head)."""
    span = range(amount.token_start, amount.token_end)
    anchor = token
    seen = 0
    while anchor.head.i in span and anchor.head != anchor and seen < 8:
        anchor = anchor.head
        seen += 1
    return anchor


def _roles(doc: "Doc", amount: Amount, token: "Token", unit: str) -> tuple[str | None, str | None]:
    """(measure, holder) from the parse around the amount."""
    anchor = _anchor(doc, amount, token)
    if unit == "rank":
        return _rank_roles(doc, amount, anchor)
    # the amount and its approximation cue ("an estimated 25 million") are not the measure
    cue_length = len(amount.approx.split()) if amount.approx else 0
    own = set(range(max(0, amount.token_start - cue_length), amount.token_end))
    if anchor.dep_ == "conj" and anchor.head.pos_ == "NOUN" and anchor.head.i not in own \
            and _is_measure_noun(anchor.head):
        # "growth of 2.1% this year and 2.4% next year": the second figure is of the same measure
        noun = anchor.head
        holder_token = _holder_in(noun, exclude=own) or _clause_subject(noun)
        measure = _phrase(noun, exclude=own | _subtree_ids(holder_token))
        return measure, _phrase(holder_token, exclude=own) if holder_token is not None else None
    # "15.8% share held by US entities", "17% stake": the amount modifies a noun
    if anchor.dep_ in ("nummod", "compound", "amod", "quantmod") and anchor.head.pos_ in ("NOUN", "PROPN") \
            and anchor.head.i not in own:
        noun = anchor.head
        holder_token = _holder_in(noun, exclude=own) or _passive_agent(noun)
        if unit in ("count", "quantity") and noun.lemma_.lower() not in _MEASURE_NOUNS:
            # "eight Chinese AI models": the noun is what is counted
            holder = _phrase(holder_token, exclude=own) if holder_token is not None else _norp_modifier(noun)
            if holder is None:
                subject = _clause_subject(noun)
                holder = _phrase(subject, exclude=own) if subject is not None and subject != noun else None
            return _event_measure(noun, _phrase(noun, exclude=own | _subtree_ids(holder_token))), holder
        measure = _phrase(noun, exclude=own | _subtree_ids(holder_token))
        if holder_token is None:
            subject = _clause_subject(noun)
            if subject is not None and subject != noun and not _names_people(subject) and subject.pos_ == "NOUN":
                # "developers' downloads reached a 17% share": the share is of the subject
                holder_token = _holder_in(subject, exclude=own)
                of_what = _phrase(subject, exclude=own | _subtree_ids(holder_token))
                measure = f"{measure} of {of_what}" if measure and of_what else measure or of_what
            elif subject is not None and subject != noun:
                holder_token = subject
        return measure, _phrase(holder_token, exclude=own) if holder_token is not None else None
    named = _parenthesised_noun(doc, amount)
    if named is not None:
        # "payroll employment (+73,000) and the unemployment rate (4.2%)": the noun the brackets follow
        holder_token = _holder_in(named, exclude=own)
        measure = _phrase(named, exclude=own | _subtree_ids(holder_token))
        return measure, _phrase(holder_token, exclude=own) if holder_token is not None else None
    # "17% of open AI model downloads"
    of_child = next((c for c in anchor.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    verb = _governing_verb(anchor)
    subject = _subject_of(verb) if verb is not None else None
    if of_child is not None:
        objects = [c for c in of_child.children if c.dep_ == "pobj"]
        if objects:
            counted = _phrase(objects[0], exclude=own)
            measure = f"share of {counted}" if unit == "percent" and counted else counted
            holder = _phrase(subject, exclude=own) if subject is not None and subject.i not in own \
                and not _is_measure_noun(subject) else None
            if unit == "percent" and counted and anchor.dep_ in ("nsubj", "nsubjpass") and verb is not None:
                # "78% of Americans live paycheck to paycheck": the share is of those who do what the verb says
                predicate = _predicate(verb, anchor)
                if predicate:
                    pronoun = "who" if _names_people(objects[0]) else "that"
                    measure = f"share of {counted} {pronoun} {predicate}"
                    if holder is None and (_names_people(objects[0]) or objects[0].ent_type_ in ("NORP", "GPE")):
                        holder = counted
            return measure, holder
    if anchor.dep_ == "pobj" and anchor.head.lower_ == "of" and anchor.head.head.pos_ == "NOUN":
        # "long-term debt of more than $700 million": the noun the amount is the value of
        noun = anchor.head.head
        holder_token = _holder_in(noun, exclude=own | {anchor.head.i}) or _clause_subject(noun)
        measure = _phrase(noun, exclude=own | {anchor.head.i} | _subtree_ids(holder_token))
        return measure, _phrase(holder_token, exclude=own) if holder_token is not None else None
    if unit == "multiplier":
        holder = _phrase(subject, exclude=own) if subject is not None and subject.i not in own else None
        return _multiplier_measure(doc, amount), holder
    if subject is not None and subject.i not in own:
        if _is_measure_noun(subject):
            holder_token = _holder_in(subject, exclude=own)
            measure = _phrase(subject, exclude=own | _subtree_ids(holder_token))
            return measure, _phrase(holder_token, exclude=own) if holder_token is not None else None
        return _verb_measure(verb), _phrase(subject, exclude=own)
    return None, None


def _event_measure(noun: "Token", phrase: str | None) -> str | None:
    """"cut 4,000 jobs" -> "jobs cut", "300 Indians were deported" -> "Indians deported": a count
    that an event verb reports is of the event, not of the things (`event_participles`)."""
    if phrase is None or noun.dep_ not in ("dobj", "nsubjpass") or noun.head.pos_ != "VERB":
        return phrase
    participle = _mapping("event_participles").get(noun.head.lemma_.lower())
    return f"{phrase} {participle}" if participle else phrase


# A predicate longer than this is no label an analyst would write; the share keeps its group alone.
_PREDICATE_WORDS = 8


def _predicate(verb: "Token", subject: "Token") -> str | None:
    """The verb phrase of a share's clause without its subject: "live paycheck to paycheck", for a
    verb of saying its complement ("42% of people say they trust the news" -> "trust the news")."""
    if verb.lemma_.lower() in _words("speech_verbs_share"):
        inner = next((c for c in verb.children if c.dep_ == "ccomp"), None)
        if inner is None:
            return None
        drop = {t.i for c in inner.children if c.dep_ in ("nsubj", "mark") and c.pos_ in ("PRON", "SCONJ")
                for t in c.subtree}
        verb, subject = inner, None
    else:
        drop = set()
    skip_ids = ({t.i for t in subject.subtree} if subject is not None else set()) | drop
    for child in verb.children:
        if child.dep_ in ("advcl", "conj", "cc", "punct", "ccomp", "parataxis", "mark") and child.i > verb.i:
            skip_ids |= {t.i for t in child.subtree}
        if child.dep_ in ("advmod", "npadvmod", "prep", "punct", "mark") and child.i < verb.i:
            skip_ids |= {t.i for t in child.subtree}  # "Overall, only ..."
    words = [t.text for t in verb.subtree if t.i not in skip_ids and not t.is_punct and t.ent_type_ != "DATE"]
    if not words or len(words) > _PREDICATE_WORDS:
        return None
    return " ".join(words)


def _parenthesised_noun(doc: "Doc", amount: Amount) -> "Token | None":
    """The noun an amount in brackets right after it stands for: "payroll employment (+73,000)"."""
    start, end = amount.token_start, amount.token_end
    if start < 2 or end >= len(doc) or doc[start - 1].text != "(" or doc[end].text != ")":
        return None
    noun = doc[start - 2]
    if noun.pos_ != "NOUN" or noun.ent_type_ in _ACTOR_LABELS or _names_people(noun):
        return None
    return noun


def _multiplier_measure(doc: "Doc", amount: Amount) -> str | None:
    """"17X faster than its predecessor", "three times less power": the comparison made."""
    after = doc[amount.token_end:amount.token_end + 6]
    words: list[str] = []
    for token in after:
        if token.is_punct or token.pos_ in ("VERB", "AUX", "CCONJ") or token.dep_ == "cc":
            break
        words.append(token.text)
        if token.tag_ in ("JJR", "RBR") and token.lower_ not in ("more", "less", "fewer"):
            if token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "than":
                continue
            break
    return " ".join(words) or None


def _rank_roles(doc: "Doc", amount: Amount, anchor: "Token") -> tuple[str | None, str | None]:
    """Rank holder = who ranks; measure = the ranking ("in comprehensive performance evaluation")."""
    verb = anchor.head
    if anchor.dep_ == "conj":
        verb = anchor.head.head
    if anchor.dep_ == "dobj":
        verb = anchor.head  # "claimed the top spot"
    elif verb.pos_ in ("NOUN", "PROPN") and verb.head != verb:
        verb = verb.head  # "took second place"
    # the ranking: "in X", "among X", "within X" under the verb or the rank phrase
    pieces: list[str] = []
    for owner in dict.fromkeys((verb, anchor)):
        for child in owner.children:
            if child.dep_ == "prep" and child.lower_ in ("in", "among", "on", "within", "across"):
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects and objects[0].ent_type_ not in ("DATE", "TIME"):
                    phrase = _phrase(objects[0])
                    if phrase:
                        pieces.append(f"{child.lower_} {phrase}")
    measure = " ".join(pieces) or None
    if doc[amount.token_start].lemma_ == "top" and doc[amount.token_start].pos_ == "VERB":
        target = next((c for c in doc[amount.token_start].children if c.dep_ == "dobj"), None)
        measure = _phrase(target) or measure  # "topped the list of the most valuable brands"
    nxt = doc[amount.token_end] if amount.token_end < len(doc) else None
    if nxt is not None and nxt.text == "-" and amount.token_end + 1 < len(doc):
        nxt = doc[amount.token_end + 1]
    if nxt is not None and (nxt.tag_ in ("JJS", "RBS") or nxt.lower_ == "most"):
        # "the world's third-largest economy" -> "largest economy"
        target = nxt.head if nxt.head.pos_ in ("NOUN", "PROPN") else None
        skip = set(range(amount.token_start, nxt.i + 1))
        if target is not None:
            skip |= {t.i for c in target.children if c.dep_ == "poss" for t in c.subtree}
        rest = _phrase(target, exclude=skip) if target is not None else None
        measure = f"{nxt.text} {rest}" if rest else nxt.text
    holder_token = None
    if verb.dep_ == "relcl":
        holder_token = _antecedent(verb.head)
    elif verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
        holder_token = verb.head  # "models (ranked second and ninth)"
    if holder_token is None:
        holder_token = _subject_of(verb)
    if holder_token is None:
        holder_token = _subject_of(_governing_verb(anchor))
    if holder_token is not None and amount.token_start <= holder_token.i < amount.token_end:
        holder_token = None
    if holder_token is None:
        return measure, None
    if holder_token.pos_ == "NOUN" and not _names_people(holder_token):
        # "two models from OpenAI (ranked 2nd and 9th)": name the owner, keep the
        # ranked things as the measure when the text names no ranking
        owner = _holder_in(holder_token, exclude=set()) or _passive_agent(holder_token)
        if owner is not None:
            ranked = _phrase(holder_token, exclude=_subtree_ids(owner))
            return measure or (f"rank of {ranked}" if ranked else None), _phrase(owner)
    return measure, _phrase(holder_token)


def _passive_agent(noun: "Token") -> "Token | None":
    """"models ... were released by OpenAI": the agent of the clause the noun is subject of."""
    if noun.dep_ != "nsubjpass":
        return None
    for child in noun.head.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def _governing_verb(token: "Token") -> "Token | None":
    current = token
    for _ in range(6):
        if current.pos_ in ("VERB", "AUX"):
            return current
        if current.head == current:
            return None
        current = current.head
    return None


def _subject_of(verb: "Token | None") -> "Token | None":
    """The subject of a verb, following relative pronouns to their antecedent."""
    if verb is None:
        return None
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")]
    if not subjects:
        if verb.dep_ in ("xcomp", "advcl", "conj") and verb.head != verb:
            return _subject_of(verb.head)
        if verb.dep_ in ("acl",) and verb.head.pos_ in ("NOUN", "PROPN"):
            return verb.head
        return None
    subject = subjects[0]
    if subject.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
        subject = _antecedent(verb.head)
    return subject


def _antecedent(token: "Token") -> "Token":
    """Resolve what a relative clause is about, past dates and example lists."""
    if token.ent_type_ in ("DATE", "TIME"):
        verb = token.head
        objects = sorted((c for c in verb.children if c.dep_ in ("dobj", "nsubj")), key=lambda c: c.dep_ != "dobj")
        if objects:
            token = objects[0]
    # "...of American developers including Google, Meta and OpenAI, which was 15.8%"
    for _ in range(4):
        if token.dep_ == "conj":
            token = token.head
        elif token.dep_ == "pobj" and token.head.lower_ in _EXAMPLE_PREPS:
            token = token.head.head
        else:
            break
    if token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.pos_ == "NOUN" \
            and token.head.head.lemma_.lower() in _MEASURE_NOUNS:
        token = token.head.head
    return token


def _clause_subject(noun: "Token") -> "Token | None":
    if noun.dep_ in ("dobj", "attr", "pobj"):
        verb = _governing_verb(noun)
        subject = _subject_of(verb) if verb is not None else None
        if subject is not None and subject.pos_ in ("NOUN", "PROPN") and subject != noun:
            return subject
    return None


def _is_measure_noun(token: "Token") -> bool:
    if token.ent_type_ in _ACTOR_LABELS or token.pos_ == "PROPN":
        return False
    return token.lemma_.lower() in _MEASURE_NOUNS or token.lower_ in _MEASURE_NOUNS or token.pos_ == "NOUN" and \
        not _names_people(token)


def _names_people(token: "Token") -> bool:
    if token.lemma_.lower() in _words("actor_nouns") or token.lower_ in _words("actor_nouns"):
        return True
    return token.lemma_.lower() in {
        "developer", "company", "firm", "people", "user", "country", "nation", "government", "researcher",
        "worker", "adult", "child", "consumer", "household", "voter", "respondent", "business", "entity",
        "startup", "lab", "team", "student", "patient", "player", "manufacturer", "maker", "resident",
        "investor", "customer", "organization", "organisation", "group", "state", "city", "region",
    } or token.ent_type_ in ("NORP", "GPE", "ORG", "PERSON")


def _holder_in(noun: "Token", *, exclude: set[int]) -> "Token | None":
    """Whom a measure noun is about: "share of downloads ... from China", "share of American developers"."""
    candidates: list["Token"] = []
    examples = {t.i for child in noun.children if child.lower_ in _EXAMPLE_PREPS for t in child.subtree}
    for token in noun.subtree:
        if token.i in exclude or token == noun or token.i in examples:
            continue
        if token.dep_ == "pobj" and token.head.lower_ in ("from", "by", "of", "for") and (
                token.ent_type_ in _ACTOR_LABELS or _names_people(token)):
            if token.head.head.lower_ in _EXAMPLE_PREPS:
                continue
            candidates.append(token)
        elif token.dep_ == "poss" and token.tag_ not in ("PRP$", "WP$"):
            candidates.append(token)
        elif token.dep_ == "agent" and token.head.head == noun:
            candidates.extend(c for c in token.children if c.dep_ == "pobj")
    if not candidates:
        return None
    # the last one is the most specific ("... models from China")
    preferred = [c for c in candidates if c.ent_type_ in _ACTOR_LABELS or _names_people(c)]
    return (preferred or candidates)[-1]


def _norp_modifier(noun: "Token") -> str | None:
    """"Chinese AI models" -> "Chinese": the nationality or organisation a noun is qualified by."""
    examples = {t.i for child in noun.children if child.lower_ in _EXAMPLE_PREPS for t in child.subtree}
    for token in noun.lefts:
        for inner in token.subtree:
            if inner.i not in examples and inner.ent_type_ in ("NORP", "GPE") \
                    and inner.dep_ in ("amod", "compound", "nmod"):
                return _entity_text(inner)
    return None


def _entity_text(token: "Token") -> str:
    return entity_span(token).text


def _verb_measure(verb: "Token | None") -> str | None:
    """What a verb alone says is measured: nothing an analyst would write ("account", "say",
    "wait" are not measures), so the measure stays unknown and the family keys on the rest."""
    return None


def _subtree_ids(token: "Token | None") -> set[int]:
    if token is None:
        return set()
    ids = {t.i for t in token.subtree}
    head = token.head
    if token.dep_ in ("pobj",) and head.dep_ in ("prep", "agent"):
        ids.add(head.i)  # drop "from" along with "China"
        if head.head.dep_ == "acl" and head.dep_ == "agent":
            ids.add(head.head.i)  # "held by"
    return ids


_SKIP_DEPS = {"relcl", "appos", "punct", "advcl", "acl", "cc", "preconj", "det", "predet", "nummod", "quantmod"}


def _phrase(token: "Token | None", *, exclude: set[int] | None = None) -> str | None:
    """A compact text for the noun phrase headed by `token`.

    Keeps modifiers and "of/for/from/in" complements, drops relative clauses,
    appositions, example lists ("including ..."), determiners and the excluded tokens.
    Proper nouns with an appositive name ("its model 'M2'") give the name.
    """
    if token is None:
        return None
    exclude = exclude or set()
    if token.pos_ == "PRON" and token.tag_ in ("WDT", "WP"):
        return None
    appositive = next((c for c in token.children if c.dep_ == "appos" and c.pos_ == "PROPN"
                       and c.i not in exclude and any(ch.isalpha() for ch in c.text)), None)
    if appositive is not None and token.pos_ == "NOUN":
        token = appositive
    if token.ent_type_ and token.ent_type_ in _ACTOR_LABELS and token.pos_ == "PROPN":
        entity = _entity_text(token)
        if entity:
            return entity.removeprefix("the ").removeprefix("The ")
    keep: list["Token"] = []
    _collect(token, keep, exclude=exclude, root=token)
    keep.sort(key=lambda t: t.i)
    while keep and (keep[0].is_punct or keep[0].dep_ in ("det", "cc", "prep")):
        keep.pop(0)
    while keep and (keep[-1].is_punct or keep[-1].dep_ in ("cc", "prep")):
        keep.pop()
    if not keep:
        return None
    text = "".join(t.text + (t.whitespace_ if i + 1 < len(keep) and keep[i + 1].i == t.i + 1 else " ")
                   for i, t in enumerate(keep)).strip()
    return " ".join(text.split()) or None


def _collect(token: "Token", keep: list["Token"], *, exclude: set[int], root: "Token") -> None:
    if token.i in exclude:
        return
    if token != root and token.tag_ == "HYPH":
        keep.append(token)  # "open-source" keeps its hyphen
        return
    if token != root and (token.dep_ in _SKIP_DEPS or (token.dep_ == "prep" and token.lower_ in _EXAMPLE_PREPS)):
        return
    if token != root and token.dep_ == "advmod" and token.head == root:
        return  # "only two models"
    if token != root and token.ent_type_ == "DATE":
        return  # the period is a field of its own: "revenue in the second quarter" -> "revenue"
    if token != root and token.dep_ == "conj" and any(
            t.like_num or t.ent_type_ in ("PERCENT", "MONEY", "CARDINAL", "QUANTITY") for t in token.subtree):
        return  # "growth of 2.1% this year and 2.4% next year": the other figure is not the measure
    if token.dep_ == "prep" and token.lower_ not in ("of", "for", "from", "in", "on", "among", "by", "to", "with"):
        return
    keep.append(token)
    for child in token.children:
        _collect(child, keep, exclude=exclude, root=root)


def _period(amount: Amount, sentence: "Span", anchor: "Token") -> str | None:
    """The time the figure covers: the nearest DATE entity of the figure's clause.

    A date counts when it attaches to the verb of the figure or to a verb above it
    ("in the past year, the share ... increased to 17%"), not when it sits in another
    clause ("the company, founded in 1998, hired 45 engineers").
    """
    verb = _governing_verb(anchor)
    chain = {t.i for t in verb.ancestors} | {verb.i} if verb is not None else set()
    # a date inside the figure's own noun phrase dates it first: "the 14 million (cars sold) in 2023"
    noun = anchor.head if anchor.dep_ in ("nummod", "compound", "quantmod") and anchor.head != anchor else anchor
    own_phrase = {t.i for t in noun.subtree} if noun.pos_ in ("NOUN", "PROPN", "NUM", "SYM") else set()
    best: tuple[int, str] | None = None
    for ent in entities_in(sentence):
        if ent.label_ != "DATE" or amount.token_start <= ent.start < amount.token_end:
            continue
        if ent.start < amount.token_end and ent.end > amount.token_start:
            continue
        text = ent.text
        numeric = all(t.like_num or t.is_punct or t.lower_ in ("and", "to") for t in ent) \
            and not any(len(t.text) == 4 and t.text.isdigit() for t in ent)
        if parse_ordinal(text) is not None or numeric:
            continue  # "2nd and 9th", "30 to 40" mis-tagged as dates
        if len(ent) == 1 and ent[0].lower_ in ("daily", "weekly", "monthly", "annually", "yearly", "hourly", "today"):
            continue  # a frequency, not a period
        if not _has_date_word(ent):
            continue  # "26 or above": the tagger's guess, no calendar word in it
        if _is_comparison_base(ent):
            continue  # "a 20% increase compared to 2023": 2023 is what the figure is measured against
        owner = _governing_verb(ent.root)
        inside = ent.root.i in own_phrase
        if chain and owner is not None and owner.i not in chain and not inside:
            continue
        # the gap between the two spans; on a tie the date after the figure wins ("from 13.8%
        # in 1990 to 28.3% in 2022": 28.3% is of 2022), as English puts "in <period>" after it
        after = ent.start >= amount.token_end
        gap = ent.start - amount.token_end if after else amount.token_start - ent.end
        distance = 2 * max(gap, 0) + (0 if after else 1)
        if _is_point_date(ent):
            distance += 100  # "On December 22" dates the report, not the figure
        if inside:
            distance -= 50
        if best is None or distance < best[0]:
            best = (distance, text)
    if best is None:
        return _period_token(amount, sentence)
    return best[1]


def _is_comparison_base(ent: "Span") -> bool:
    doc = ent.doc
    before = [t.lower_ for t in doc[max(0, ent.start - 2):ent.start]]
    return bool(before) and (before[-1] in ("than", "versus", "vs", "vs.") or before[-2:] in (
        ["compared", "to"], ["compared", "with"], ["relative", "to"]))


_PERIOD_TOKEN = re.compile(r"^(?:[qh][1-4]|fy\d{2,4}|[qh][1-4]\d{2,4})$", re.IGNORECASE)


def _period_token(amount: Amount, sentence: "Span") -> str | None:
    """"Q3", "H1", "FY24": period codes the tagger rarely calls dates; the nearest one, with a
    year right after it ("Q3 2025")."""
    best: tuple[int, str] | None = None
    for token in sentence:
        if not _PERIOD_TOKEN.match(token.text) or (token.lower_[0] == "h" and token.lower_[1] not in "12"):
            continue
        text = token.text
        nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
        if nxt is not None and nxt.text.isdigit() and len(nxt.text) == 4:
            text = f"{text} {nxt.text}"
        distance = min(abs(token.i - amount.token_start), abs(token.i - amount.token_end))
        if best is None or distance < best[0]:
            best = (distance, text)
    return best[1] if best is not None else None


_DATE_WORDS = _MONTHS | {
    "year", "years", "month", "months", "week", "weeks", "day", "days", "quarter", "quarters", "decade",
    "decades", "century", "centuries", "half", "season", "spring", "summer", "autumn", "fall", "winter",
    "today", "yesterday", "tomorrow", "ago", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "weekend", "fiscal", "fy", "q1", "q2", "q3", "q4", "h1", "h2", "period",
    "annual", "annually", "past", "last", "recent", "now", "currently",
}


def _has_date_word(ent: "Span") -> bool:
    return any(t.lower_ in _DATE_WORDS or (t.text.isdigit() and len(t.text) == 4 and 1000 <= int(t.text) <= 2100)
               or t.text.endswith("s")
               and t.text[:-1].isdigit() for t in ent)


def _is_point_date(ent: "Span") -> bool:
    words = {t.lower_ for t in ent}
    return bool(words & _MONTHS) and any(t.like_num and len(t.text) <= 2 for t in ent) and not (
        words & {"ending", "through", "to", "until", "since", "between", "from"})


# --- comparisons -----------------------------------------------------------------------


def _link_comparisons(doc: "Doc", records: list[Statistic], sentence_of: dict[int, "Span"]) -> list[Statistic]:
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
    for position, sentence_start in enumerate(sentences):
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
        period = record.period or next((records[j].period for j in linked if records[j].period), None)
        # a measure is borrowed only within the figure's own clause: "July revised up from +73,000 to
        # +79,000, leaving combined employment 21,000 lower" -- the later clause measures something else
        clause = _clause_root(doc, record)
        measure = record.measure or next((records[j].measure for j in linked if records[j].measure
                                          and _clause_root(doc, records[j]) == clause), None)
        updated.append(replace(record, compared_with=linked, period=period, measure=measure))
    return updated


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


def _has_compare_cue(sentence: "Span", stats: Sequence[Statistic]) -> bool:
    """A comparison word or comparative outside the approximation cues ("more than 17%")."""
    cue_chars = [(s.start - len(s.approx) - 2, s.start) for s in stats if s.approx]
    for token in sentence:
        if any(start <= token.idx < end for start, end in cue_chars):
            continue
        if token.lemma_.lower() in _COMPARE_CUES or token.lower_ in _COMPARE_CUES or token.tag_ in ("JJR", "RBR"):
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
    if words[0].lower_ in ("this", "that", "the") and len(words) > 1 and words[1].lemma_.lower() in _ANAPHORA_NOUNS:
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
