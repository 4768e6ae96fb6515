"""Amounts: numbers with their unit attached ("17%", "$2.2bn", "8 out of 10", "one in five"), the
word lists and token patterns they are read with, and the token helpers the other statistic stages
share (the number's token, what it counts, its sentence). Stage 1 of `extract.statistics`."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from newstrace.extract.claims import sentences
from newstrace.extract.langdata import DEFAULT_LANGUAGE, table
from newstrace.extract.numbers import NumberMention, find_numbers, text_between

if TYPE_CHECKING:  # pragma: no cover
    from spacy.matcher import Matcher, PhraseMatcher
    from spacy.tokens import Doc, Span, Token
    from spacy.vocab import Vocab


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


# Currency words, for the stages that read what stands before a bracket ("71,350 euro ($78,770)").
CURRENCY_WORDS = frozenset(_CURRENCY_WORDS)


_APPROX_CUES = (
    "about", "around", "approximately", "roughly", "nearly", "almost", "some", "close to",
    "more than", "over", "less than", "under", "fewer than", "at least", "at most", "up to",
    "as many as", "as much as", "as few as", "just over", "just under", "upwards of", "an estimated",
    "estimated", "circa", "~", "≈", "below", "above", "in excess of", "well over", "nearly all",
    "approx.", "around about", "about half", "just about", "no more than", "no fewer than",
    "not quite", "barely", "only about", "almost exactly",
)


RANK_VERBS = {"rank", "place", "finish", "come", "land", "sit", "stand", "slot", "end", "score", "rate"}


RANK_NOUNS = {"place", "spot", "position", "rank", "ranking", "slot", "seat", "berth"}


TOP_LISTS = {"list", "ranking", "rankings", "chart", "charts", "leaderboard", "table", "index", "poll",
              "league", "standings", "evaluation", "benchmark"}


TIME_UNITS = {"second", "minute", "hour", "day", "week", "fortnight", "month", "quarter", "year",
               "decade", "century", "millennium", "weekend", "night", "season", "semester", "yr", "yrs",
               "hr", "hrs", "min", "mins"}


MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
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
    "pint", "quart", "ml", "gigawatt", "megawatt", "kilowatt", "terawatt", "yard", "metric",
}


COMPARE_CUES = {
    "than", "versus", "vs", "vs.", "against", "compared", "compare", "surpass", "exceed", "outpace",
    "overtake", "outstrip", "trail", "beat", "whereas", "while", "from", "up", "down", "eclipse",
    "outperform", "behind", "ahead",
}


ANAPHORA_NOUNS = {"figure", "number", "share", "percentage", "proportion", "rate", "total", "amount", "level"}


MEASURE_NOUNS = {
    "share", "proportion", "percentage", "portion", "fraction", "rate", "ratio", "number", "amount",
    "level", "price", "value", "revenue", "sales", "growth", "figure", "total", "count", "sum",
    "downloads", "output", "budget", "cost", "income", "profit", "loss", "spending", "investment",
    "stake", "majority", "minority", "half", "score", "index", "turnover", "volume", "market",
}


ACTOR_LABELS = {"GPE", "NORP", "ORG", "PERSON", "PRODUCT", "FAC", "LOC"}


@functools.cache
def word_list(name: str, lang: str = DEFAULT_LANGUAGE) -> frozenset[str]:
    """A word list of `extract/lang/<lang>/stat_nonstatistics.yaml` or `stat_forecast.yaml`, as a set."""
    source = "stat_forecast" if name.startswith("forecast_") else "stat_nonstatistics"
    key = name.removeprefix("forecast_")
    return frozenset(str(w).lower() for w in table(lang, source)[key])


@functools.cache
def word_mapping(name: str, lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """A word mapping of `stat_nonstatistics.yaml` (e.g. event verb -> participle), lower-cased."""
    return {str(k).lower(): str(v) for k, v in table(lang, "stat_nonstatistics")[name].items()}


EXAMPLE_PREPS = {"including", "like", "such", "incl", "incl."}


NAME_LABELS = {"PRODUCT", "WORK_OF_ART", "LAW", "EVENT", "FAC"}


@functools.lru_cache(maxsize=8)
def pattern_matchers(vocab: "Vocab") -> tuple["Matcher", "PhraseMatcher", "PhraseMatcher"]:
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
        [{"LOWER": "top"}, {"ORTH": "-", "OP": "?"}, {"LEMMA": {"IN": sorted(RANK_NOUNS)}}],
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


def match_table(doc: "Doc") -> dict[str, list[tuple[int, int]]]:
    """All pattern matches of the doc, by label, longest first among overlaps (one pass)."""
    matcher = pattern_matchers(doc.vocab)[0]
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


def find_amounts(doc: "Doc", *, numbers: Sequence[NumberMention] | None = None) -> list[Amount]:
    """Every number in `doc` with the unit its words give it.

    Units read here: `percent` ("17%", "17 per cent", "percentage points"), `money`
    (a currency sign before or after, a currency word after), `multiplier` ("17X", "17
    times", "3-fold"), `ratio` (fractions, "one in five"), `count` with `of` ("8 out of
    10", "eight of the top ten"), `quantity` (a measurement unit after the number or
    glued to it: "29km", "5 GW"), `rank` for ordinals (kept only with a ranking cue
    later), `time` for clock times, and `number` for everything else.
    """
    require_parse(doc)
    mentions = list(numbers) if numbers is not None else find_numbers(doc)
    return amounts_of(doc, mentions, match_table(doc))


def require_parse(doc: "Doc") -> None:
    # Units, ranks and roles are read from tags and the dependency parse; on a bare
    # tokenizer's doc they would silently come out empty or wrong.
    missing = [name for name in ("TAG", "DEP") if not doc.has_annotation(name)]
    if missing:
        raise ValueError(
            f"statistics need a tagged and parsed Doc (missing {', '.join(missing)}); "
            "parse the text with extract.models.load_spacy() or the KB pipeline first")


def amounts_of(doc: "Doc", mentions: Sequence[NumberMention], table: dict[str, list[tuple[int, int]]]) -> list[Amount]:
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
    if suffix.lower() in _MEASURE_UNITS or suffix.lower() in word_list("measure_units") \
            or suffix.lower() in word_list("kitchen_units"):
        return _span_amount(doc, base, mention.token_start, mention.token_end, unit="quantity", end_char=whole_token)
    return base  # `is_statistic` decides what a decade or a name is


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
    if doc[after].lower_ == "pounds" and has_scale(doc, mention):
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
    if looks_like_year(denominator) or mention.value < 1 or denominator.value > 1000:
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
    if after < len(doc) and is_measure_unit(doc[after]):
        return _span_amount(doc, base, mention.token_start, after + 1, unit="quantity")
    return None


_UNIT_READERS = (_currency_before, _suffix_unit, _clock_time, _currency_after, _percent_unit, _multiplier_unit,
                 _share_of, _one_in_five, _of_group, _measure_unit)


def has_scale(doc: "Doc", mention: NumberMention | None) -> bool:
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
        return doc[end + 1].lemma_.lower() in TIME_UNITS or following.lower_ in ("per", "each", "every")
    return following.lower_ in ("daily", "weekly", "monthly", "annually", "yearly", "in", "since", "before",
                                "already", "so", "this", "last", "over")


def is_measure_unit(token: "Token") -> bool:
    extra = word_list("measure_units") | word_list("kitchen_units")
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
    approx_matcher = pattern_matchers(doc.vocab)[1]
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


def looks_like_year(mention: NumberMention) -> bool:
    text = mention.text
    return mention.kind == "cardinal" and text.isdigit() and len(text) == 4 and 1000 <= mention.value <= 2100


def counted_noun(doc: "Doc", amount: Amount) -> "Token":
    token = number_token(doc, amount)
    return token.head if token.dep_ in ("nummod", "compound", "amod", "quantmod") and token.head != token else token


def number_token(doc: "Doc", amount: Amount) -> "Token":
    """The token carrying the number (not the "%" or currency sign)."""
    mention = amount.number
    if mention is None:
        return doc[amount.token_start]
    tokens = doc[mention.token_start:mention.token_end]
    numeric = [t for t in tokens if t.like_num or t.pos_ == "NUM"]
    return numeric[-1] if numeric else tokens[-1]


# From this many units of time on, a number is a volume ("2.2 billion hours of coverage
# streamed"), not how long something lasted.
TIME_VOLUME = 1000


def sentence_index(doc: "Doc") -> dict[int, "Span"]:
    """Token index -> its sentence, cut at line breaks (see `extract.claims.sentences`)."""
    index: dict[int, "Span"] = {}
    for sentence in sentences(doc):
        for i in range(sentence.start, sentence.end):
            index[i] = sentence
    return index


def sentence_span(token: "Token", sentence_of: dict[int, "Span"]) -> "Span":
    found = sentence_of.get(token.i)
    if found is not None:
        return found
    return token.sent if token.doc.has_annotation("SENT_START") else token.doc[:]
