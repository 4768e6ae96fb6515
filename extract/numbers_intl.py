"""Numbers and amounts as written in French, German, Spanish, Korean and Chinese news text.

The English reader (extract/numbers.py, extract/statistics.py) works on a parsed spaCy doc and
English words. Pages in other languages have no parser here (no spaCy pipeline for spaCy 3.8 installs
from the package index for German or Spanish), so this module reads raw text, with every word it knows
taken from `extract/lang/<lang>/numbers.yaml` and `amounts.yaml` through `extract.langdata`:

- `find_numbers_intl(text, lang)` finds number mentions: digits with the language's decimal mark and
  thousands separators ("3,7", "1.200", "15 000", "1 038", "12,34,567.89"), scale words and
  abbreviations ("1.000 millones", "17 Millionen", "3 Mrd."), spelled-out numbers ("vingt et un",
  "dreihundertfünfundzwanzig", "cuatrocientos cincuenta y dos mil"), digit ordinals ("3e", "2º") and,
  for Korean and Chinese, digits with 만/억/万/亿 and Chinese numerals ("一千二百", "三点五");
- `find_amounts_intl(text, lang)` gives each number its unit: percent ("%", "Prozent", "por ciento",
  "pour cent", "百分之"), money (currency words and signs), multiplier, quantity (measure units),
  rank (Korean and Chinese rank counters) or count, and the approximation words before it.
- `parse_number_intl(text, lang)` reads one number phrase, or None when the text is not one number.

Rules are general: a lone decimal mark between digits is a decimal, groups after a thousands separator
have three digits (so "423 0000" is two numbers), two spelled numbers join only in falling order of
magnitude ("vingt deux" is 22, "deux trois" is two numbers), and a bare scale word counts only up to a
thousand ("mil personas"; "Millionen Menschen" alone is no figure).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from . import langdata

__all__ = ["IntlAmount", "IntlNumber", "find_amounts_intl", "find_numbers_intl", "parse_number_intl",
           "supported_languages"]

NUMBER_DATA = "numbers"
AMOUNT_DATA = "amounts"
APPROX_DATA = "approx"


def supported_languages() -> tuple[str, ...]:
    """Languages other than English with number data: the ones this reader (and extract) handles."""
    return tuple(code for code in langdata.languages() if code != "en" and langdata.has(code, NUMBER_DATA))


@dataclass(frozen=True)
class IntlNumber:
    """One number as written; `text == source[start:end]`."""

    start: int
    end: int
    text: str
    value: float
    kind: str = "cardinal"  # cardinal | fraction | ordinal
    digits: bool = True  # written with digits (not only words)
    scaled: bool = False  # a scale word or abbreviation is part of it ("17 Millionen")
    article: bool = False  # a lone word that is as often an article ("un", "eine")
    suffix: str | None = None  # letters glued after the digits ("180ml", "29km"): a quantity, not a number


@dataclass(frozen=True)
class IntlAmount:
    start: int
    end: int
    text: str
    value: float
    unit: str  # one of extract.records.UNITS
    number: IntlNumber
    currency: str | None = None
    approx: str | None = None
    unit_text: str | None = None  # the words that gave the unit ("por ciento", "Euro", "개")


# --- language data ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Locale:
    lang: str
    decimal: str
    cjk: bool
    words: dict[str, tuple[str, float]]  # lower-case word -> (kind, value)
    pieces: tuple[str, ...]  # compound pieces, longest first (German "dreihundertfünf...")
    scale_abbreviations: dict[str, float]
    ordinal_suffixes: tuple[str, ...]
    max_words: int
    percent: tuple[str, ...]
    percent_prefix: tuple[str, ...]
    currency: dict[str, str | None]
    multiplier: tuple[str, ...]
    measure: tuple[str, ...]
    counters: tuple[str, ...]
    rank: tuple[str, ...]
    approx: tuple[str, ...]
    units_first: bool = False
    cjk_digits: dict[str, int] = field(default_factory=dict)
    small_multipliers: dict[str, int] = field(default_factory=dict)
    large_multipliers: dict[str, int] = field(default_factory=dict)
    list_marks: tuple[str, ...] = ()
    ordinal_endings: tuple[str, ...] = ()
    ordinal_stems: dict[str, str] = field(default_factory=dict)
    negative_words: tuple[str, ...] = ()
    tenths_percent: tuple[str, ...] = ()
    discount_percent: tuple[str, ...] = ()
    approx_infix: tuple[str, ...] = ()
    spaced_numerals: bool = False
    elided_units: bool = False
    cjk_ordinal_prefix: tuple[str, ...] = ()
    cjk_ordinal_suffix: tuple[str, ...] = ()
    of_words: tuple[str, ...] = ()  # "of" after a fraction or a scale ("quart de million", "millions d'euros")
    connector_units: tuple[float, ...] = ()  # units a connector joins to tens in one compound ("et un")
    fraction_infix: tuple[str, ...] = ()  # between denominator and numerator ("三分之一", "3분의 1")
    ordinal_words: dict[str, float] = field(default_factory=dict)  # every ordinal word, also those read as fractions
    ordinal_plurals: tuple[str, ...] = ()  # endings of a plural ordinal: a denominator ("trois centièmes")
    ordinal_nouns: frozenset[str] = frozenset()  # ordinals that are nouns too ("seconde", "segundo")
    native: dict = field(default_factory=dict)  # Korean native numbers: tens, units, determiners, particles
    per_prefix: dict[str, float] = field(default_factory=dict)  # "千分之三" = 3 per 1,000 = 0.3 %
    fraction_and: tuple[str, ...] = ()  # joins a whole number to a fraction ("又", "과")


def _lower_map(data: dict | None, kind: str, out: dict[str, tuple[str, float]]) -> None:
    for word, value in (data or {}).items():
        if value is not None:
            out.setdefault(str(word).lower(), (kind, float(value)))


def _fold(word: str) -> str:
    """A word without its accents ("séptimo" -> "septimo", "centième" -> "centieme"): web text and
    headlines drop accents often, so every number word is also known without them."""
    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", word)
                                                 if not unicodedata.combining(c)))


@functools.cache
def _locale(lang: str) -> _Locale:
    if not langdata.has(lang, NUMBER_DATA):
        raise ValueError(f"no number data for language {lang!r} (extract/lang/{lang}/{NUMBER_DATA}.yaml)")
    data = langdata.table(lang, NUMBER_DATA)
    amounts = langdata.table(lang, AMOUNT_DATA) if langdata.has(lang, AMOUNT_DATA) else {}
    words: dict[str, tuple[str, float]] = {}
    _lower_map(data.get("scales"), "scale", words)
    _lower_map(data.get("hundreds"), "hundred", words)
    _lower_map(data.get("units"), "unit", words)
    _lower_map(data.get("dozens"), "dozen", words)
    _lower_map(data.get("fraction_words"), "fraction", words)
    _lower_map(data.get("ordinals"), "ordinal", words)
    _lower_map(data.get("fraction_nouns"), "fraction_noun", words)
    for word in data.get("connectors", []):
        words.setdefault(word.lower(), ("connector", 0.0))
    for word in data.get("decimal_words", []):
        words.setdefault(word.lower(), ("point", 0.0))
    for word in data.get("over_words", []):
        words.setdefault(word.lower(), ("over", 0.0))
    for word in data.get("and_a_half", []):
        words.setdefault(word.lower(), ("half", 0.5))
    # Percent phrases are words, not numbers: "cent" in "pour cent" must not read as 100.
    for word in amounts.get("percent", []) or []:
        if " " in str(word) or "-" in str(word):
            words.setdefault(str(word).lower(), ("other", 0.0))
    for word in data.get("article_ones", []):
        if word.lower() in words and words[word.lower()][0] == "unit":
            words[word.lower()] = ("article", 1.0)
    ordinal_words = {str(w).lower(): float(v) for w, v in (data.get("ordinals") or {}).items() if v is not None}
    if data.get("script") != "cjk":  # folding would take Hangul apart; CJK scripts have no accents
        for word, entry in list(words.items()):
            words.setdefault(_fold(word), entry)
        for word, value in list(ordinal_words.items()):
            ordinal_words.setdefault(_fold(word), value)
    pieces = tuple(sorted((w for w, (k, _) in words.items() if " " not in w and k not in ("ordinal", "fraction_noun")),
                          key=len, reverse=True))
    def strings(name: str, source: dict = amounts) -> tuple[str, ...]:
        return tuple(str(w) for w in source.get(name, []) or [])
    return _Locale(
        lang=lang,
        decimal=str(data.get("decimal", ".")),
        cjk=data.get("script") == "cjk",
        words=words,
        pieces=pieces,
        scale_abbreviations={str(k): float(v) for k, v in (data.get("scale_abbreviations") or {}).items()},
        ordinal_suffixes=tuple(sorted(strings("ordinal_suffixes", data), key=len, reverse=True)),
        max_words=max((w.count(" ") + 1 for w in words), default=1),
        percent=tuple(sorted(strings("percent"), key=len, reverse=True)),
        percent_prefix=strings("percent_prefix"),
        currency={str(k): v for k, v in (amounts.get("currency") or {}).items()},
        multiplier=strings("multiplier"),
        measure=strings("measure"),
        counters=tuple(sorted(strings("counters"), key=len, reverse=True)),
        rank=strings("rank"),
        approx=tuple(sorted(langdata.words(lang, APPROX_DATA), key=len, reverse=True))
        if langdata.has(lang, APPROX_DATA) else (),
        units_first=bool(data.get("units_first", False)),
        cjk_digits={str(k): int(v) for k, v in (data.get("digits") or {}).items()},
        small_multipliers={str(k): int(v) for k, v in (data.get("small_multipliers") or {}).items()},
        large_multipliers={str(k): int(v) for k, v in (data.get("large_multipliers") or {}).items()},
        list_marks=strings("list_marks", data),
        ordinal_endings=tuple(sorted(strings("ordinal_endings", data), key=len, reverse=True)),
        ordinal_stems={str(k): str(v) for k, v in (data.get("ordinal_stems") or {}).items()},
        negative_words=tuple(w.lower() for w in strings("negative_words", data)),
        tenths_percent=strings("tenths_percent"),
        discount_percent=strings("discount_percent"),
        approx_infix=strings("approx_infix", data),
        spaced_numerals=bool(data.get("spaced_numerals", False)),
        elided_units=bool(data.get("elided_units", False)),
        cjk_ordinal_prefix=strings("ordinal_prefix", data),
        cjk_ordinal_suffix=strings("ordinal_suffix", data),
        of_words=tuple(sorted((w.lower() for w in strings("of_words", data)), key=len, reverse=True)),
        connector_units=tuple(float(v) for v in data.get("connector_units", []) or []),
        fraction_infix=strings("fraction_infix", data),
        ordinal_words=ordinal_words,
        ordinal_plurals=tuple(w.lower() for w in strings("ordinal_plural_endings", data)),
        native=dict(data.get("native") or {}),
        per_prefix={str(k): float(v) for k, v in (amounts.get("per_prefix") or {}).items()},
        fraction_and=strings("fraction_and", data),
        ordinal_nouns=frozenset(_fold(w.lower()) for w in strings("ordinal_nouns", data))
        | frozenset(w.lower() for w in strings("ordinal_nouns", data)),
    )


# --- digits -------------------------------------------------------------------------------------

_SPACES = "\u00a0\u202f\u2009\u2007 "
_DIGIT_RUN = re.compile(r"(?<![\w.,])[-−]?\d+(?:[.,'’" + _SPACES + r"]\d+)*")
_TOKEN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+|\S")


def _digits_numbers(raw: str, start: int, decimal: str) -> list[tuple[int, int, float]]:
    """Read one run of digits and separators as one or more numbers: (start, end, value)."""
    parts = re.split(r"([.,'’" + _SPACES + r"])", raw)
    groups, seps = parts[0::2], parts[1::2]
    sign = -1.0 if groups[0][:1] in "-−" else 1.0
    if sign < 0:
        groups[0] = groups[0][1:]
    group_mark = "." if decimal == "," else ","
    # Which separator, if any, is the decimal mark: the last one, when it is the language's mark and
    # appears once, or the other mark after grouping with this one ("1,234,567.89" in a comma locale).
    decimal_at = None
    if seps:
        last = seps[-1]
        if last == decimal and seps.count(decimal) == 1:
            decimal_at = len(seps) - 1
        elif last == group_mark and seps.count(group_mark) == 1 and decimal in seps[:-1]:
            decimal_at = len(seps) - 1
        elif last == group_mark and seps.count(group_mark) == 1 and all(s not in _SPACES for s in seps) \
                and (len(groups[-1]) != 3 or groups[0] == "0" or len(groups[0]) > 3):
            # "2.5", "0.683", "1111.121" in a comma locale: a decimal point, as no thousands group
            # has other than three digits or follows a lone zero or four digits
            decimal_at = len(seps) - 1
    integer_groups = groups[:decimal_at + 1] if decimal_at is not None else groups
    integer_seps = seps[:decimal_at] if decimal_at is not None else seps
    # Group separators must be used consistently, groups after the first of three digits
    # (or two, Indian style, before a final three).
    valid = len(integer_groups[0]) <= 3 or not integer_seps
    if integer_seps and len({s in _SPACES for s in integer_seps}) > 1:
        valid = False
    for i, g in enumerate(integer_groups[1:], 1):
        last_group = i == len(integer_groups) - 1
        if not (len(g) == 3 or (len(g) == 2 and not last_group and integer_seps[0] == ",")):
            valid = False
    if valid:
        text_int = "".join(integer_groups)
        value = float(text_int) if text_int else 0.0
        if decimal_at is not None:
            frac = groups[decimal_at + 1]
            value += float("0." + frac)
        return [(start, start + len(raw), sign * value)]
    # Not one number: split at the first separator and read the pieces on their own
    # ("423 0000", "2022 1 000", "192.168.1.2").
    out: list[tuple[int, int, float]] = []
    offset = start
    head = parts[0]
    cut = len(head)
    rest = raw[cut:]
    first = _digits_numbers(head, offset, decimal) if head.strip("-−") else []
    out.extend(first)
    if rest:
        out.extend(_digits_numbers(rest[1:], offset + cut + 1, decimal))
    return _merge_decimal_pairs(out, raw, start, decimal)


def _merge_decimal_pairs(out: list[tuple[int, int, float]], raw: str, start: int,
                         decimal: str) -> list[tuple[int, int, float]]:
    # "4,1 auf 4,2" never reaches here; a run like "2,5 3,4" does: rejoin digit pairs split
    # at the decimal mark.
    merged: list[tuple[int, int, float]] = []
    i = 0
    while i < len(out):
        s, e, v = out[i]
        if i + 1 < len(out) and raw[e - start:e - start + 1] == decimal and out[i + 1][0] == e + 1 \
                and "." not in f"{v:g}" and out[i + 1][2] >= 0:
            frac_text = raw[out[i + 1][0] - start:out[i + 1][1] - start]
            if frac_text.isdigit():
                merged.append((s, out[i + 1][1], v + float("0." + frac_text)))
                i += 2
                continue
        merged.append((s, e, v))
        i += 1
    return merged


# --- words --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Atom:
    start: int
    end: int
    kind: str  # digit | unit | article | hundred | scale | connector | point | half | dozen | fraction |
    # ordinal | abbr | other
    value: float = 0.0
    text: str = ""


_SCIENTIFIC = re.compile(r"(?<![\w.,])([-−]?\d+(?:[.,]\d+)?)[eE]([-+]?\d+)(?![\w])")
_SLASH = re.compile(r"(?<![\w/.,])([-−]?\d{1,3})/(\d{1,3})(?![\w/]|[.,]\d)")
_POWER = re.compile(r"(?<![\w.,])([-−]?\d+(?:[.,]\d+)?)\^([-+]?\d+)(?![\w])")
_LEADING_DECIMAL = re.compile(r"(?<![\w.,])([.,])(\d+)(?![\w.,])")
# Vulgar-fraction glyphs ("½", "2¾"): Unicode gives each its value, so no language needs a list of them.
_GLYPHS = "\u00bc\u00bd\u00be" + "".join(chr(c) for c in range(0x2150, 0x215F))
_GLYPH_FRACTION = re.compile(r"(?<![\w.,/])(\d{1,6}\s?)?([\u00bc-\u00be\u2150-\u215e])(?![\w/])")


def _special_digits(text: str, loc: _Locale) -> list[tuple[int, int, float]]:
    """Digit forms the separator rules do not cover: "1,5e6", "1,1^23", "3/4", ",25" (a leading decimal mark)."""
    out: list[tuple[int, int, float]] = []
    for m in _SCIENTIFIC.finditer(text):
        mantissa = m.group(1).replace("−", "-").replace(loc.decimal, ".")
        try:
            out.append((m.start(), m.end(), float(mantissa) * 10 ** int(m.group(2))))
        except (ValueError, OverflowError):
            continue
    for m in _POWER.finditer(text):  # "1,1^23": a power, as calculators and spreadsheets write it
        base = float(m.group(1).replace("−", "-").replace(loc.decimal, "."))
        try:
            out.append((m.start(), m.end(), base ** int(m.group(2))))
        except (OverflowError, ZeroDivisionError):
            continue
    for m in _SLASH.finditer(text):
        if int(m.group(2)):
            out.append((m.start(), m.end(), float(m.group(1).replace("−", "-")) / int(m.group(2))))
    for m in _LEADING_DECIMAL.finditer(text):
        if m.group(1) == loc.decimal:
            out.append((m.start(), m.end(), float("0." + m.group(2))))
    for m in _GLYPH_FRACTION.finditer(text):
        whole = float(m.group(1)) if m.group(1) else 0.0  # "2½" and "2 ½" are a mixed number
        out.append((m.start(), m.end(), whole + unicodedata.numeric(m.group(2))))
    return out


def _split_compound(word: str, loc: _Locale) -> list[tuple[str, float]] | None:
    """A compound number word cut into known pieces, or None ("fünfundzwanzig" -> fünf, und, zwanzig)."""
    lower = word.lower()
    if lower in loc.words:
        return [loc.words[lower]]
    if "-" in lower:
        parts = lower.split("-")
        out: list[tuple[str, float]] = []
        i = 0
        while i < len(parts):
            joined = "-".join(parts[i:i + 2])
            if i + 1 < len(parts) and joined in loc.words:
                out.append(loc.words[joined])
                i += 2
            elif parts[i] in loc.words:
                out.append(loc.words[parts[i]])
                i += 1
            else:
                return None
        return out
    if len(lower) < 6:
        return None
    return _segment(lower, loc)


@functools.lru_cache(maxsize=4096)
def _segment_cached(lower: str, lang: str) -> tuple[tuple[str, float], ...] | None:
    loc = _locale(lang)
    best: list[tuple[str, float]] | None = None

    def walk(pos: int, acc: list[tuple[str, float]]) -> bool:
        nonlocal best
        if pos == len(lower):
            best = list(acc)
            return True
        for piece in loc.pieces:
            if lower.startswith(piece, pos):
                acc.append(loc.words[piece])
                if walk(pos + len(piece), acc):
                    return True
                acc.pop()
        return False

    walk(0, [])
    if best is None or len(best) < 2:
        return None
    return tuple(best)


def _segment(lower: str, loc: _Locale) -> list[tuple[str, float]] | None:
    found = _segment_cached(lower, loc.lang)
    return list(found) if found else None


def _atoms(text: str, loc: _Locale) -> list[_Atom]:
    """Cut text into atoms: digit numbers, number words, and everything else as `other`."""
    atoms: list[_Atom] = []
    digit_spans: list[tuple[int, int, float]] = []
    special = _special_digits(text, loc)
    digit_spans.extend(special)
    for m in _DIGIT_RUN.finditer(text):
        if not any(s <= m.start() < e for s, e, _ in special):
            # pieces of a run that overlap a special form are read by it ("2 1/4": "2", then "1/4")
            digit_spans.extend(p for p in _digits_numbers(m.group(0), m.start(), loc.decimal)
                               if not any(s < p[1] and p[0] < e for s, e, _ in special))
    digit_spans.sort()
    di = 0
    tokens = list(_TOKEN.finditer(text))
    ti = 0
    while ti < len(tokens):
        tok = tokens[ti]
        while di < len(digit_spans) and digit_spans[di][1] <= tok.start():
            di += 1
        if di < len(digit_spans) and digit_spans[di][0] <= tok.start() < digit_spans[di][1]:
            s, e, v = digit_spans[di]
            atoms.append(_Atom(s, e, "digit", v, text[s:e]))
            while ti < len(tokens) and tokens[ti].start() < e:
                ti += 1
            di += 1
            continue
        word = tok.group(0)
        # Multi-word entries first ("pour cent" is not here; "quatre vingt", "mil millones" are).
        matched = False
        if word[:1].isalpha():
            for n in range(loc.max_words, 1, -1):
                if ti + n - 1 < len(tokens):
                    span = tokens[ti:ti + n]
                    if all(t.group(0)[:1].isalpha() for t in span) and \
                            all(text[a.end():b.start()].isspace() for a, b in zip(span, span[1:])):
                        phrase = " ".join(t.group(0).lower() for t in span)
                        if phrase in loc.words:
                            kind, value = loc.words[phrase]
                            atoms.append(_Atom(span[0].start(), span[-1].end(), kind, value,
                                               text[span[0].start():span[-1].end()]))
                            ti += n
                            matched = True
                            break
        if matched:
            continue
        abbr = _scale_abbreviation(text, tok, loc)
        if abbr is not None:
            atoms.append(abbr)
            ti += 1
            continue
        lower = word.lower()
        derived = _derived_ordinal(lower, loc.lang) if word[:1].isalpha() and lower not in loc.words else None
        pieces = _split_compound(word, loc) if word[:1].isalpha() and derived is None else None
        if derived is not None:
            atoms.append(_Atom(tok.start(), tok.end(), "ordinal", derived, word))  # "vingt-cinquième"
        elif pieces:
            if len(pieces) == 1:
                kind, value = pieces[0]
                atoms.append(_Atom(tok.start(), tok.end(), kind, value, word))
            else:
                # A compound is read as one unit: its pieces share the word's span.
                for kind, value in pieces:
                    atoms.append(_Atom(tok.start(), tok.end(), "article" if kind == "article" else kind,
                                       value, word))
                atoms[-1] = _Atom(tok.start(), tok.end(), atoms[-1].kind, atoms[-1].value, word + "\x00")
        else:
            atoms.append(_Atom(tok.start(), tok.end(), "other", 0.0, word))
        ti += 1
    return atoms


@functools.lru_cache(maxsize=4096)
def _derived_ordinal(word: str, lang: str) -> float | None:
    """An ordinal made from a cardinal and an ending ("vingt-cinquième", "veinticincoavo"), or None."""
    loc = _locale(lang)
    for ending in loc.ordinal_endings:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            base = word[:-len(ending)]
            for stem, replacement in loc.ordinal_stems.items():
                if base.endswith(stem):
                    base = base[:-len(stem)] + replacement
                    break
            for candidate in (base, base + "e", base + "a", base + "o"):
                if loc.words.get(candidate, ("", 0.0))[0] in ("scale", "hundred"):
                    return loc.words[candidate][1]  # "millième", "billionième", "millonésimo": a bare scale
                found = _western_numbers(candidate, loc)
                if len(found) == 1 and found[0].start == 0 and found[0].end == len(candidate) \
                        and found[0].kind == "cardinal":
                    return found[0].value
    return None


def _scale_abbreviation(text: str, tok: re.Match[str], loc: _Locale) -> _Atom | None:
    word = tok.group(0)
    dotted = word + "." if text[tok.end():tok.end() + 1] == "." else None
    for candidate in (dotted, word):
        if candidate and candidate in loc.scale_abbreviations:
            return _Atom(tok.start(), tok.start() + len(candidate), "abbr", loc.scale_abbreviations[candidate],
                         candidate)
    return None


def _joinable(text: str, a: _Atom, b: _Atom) -> bool:
    """Only spaces (or a hyphen) between two atoms of one number; atoms of one compound touch."""
    if a.start == b.start:
        return True
    gap = text[a.end:b.start]
    return gap.strip(" \u00a0\u202f\t-") == "" and "\n" not in gap and len(gap) <= 3


@dataclass
class _Run:
    # (value, scale) parts already closed by a scale word; a larger scale later multiplies every part
    # below it ("doscientos veintiocho mil millones" = 228,000 x 10^6).
    parts: list[tuple[float, float]] = field(default_factory=list)
    current: float = 0.0
    last: float = 0.0  # the last value added to `current`
    max_scale: float = 0.0
    digits: bool = False
    scaled: bool = False
    words: int = 0
    fraction_digits: int = 0
    connector: bool = False
    started: bool = False
    only_article: bool = True
    # the value and last word before a connector, so that "cent et trois quarts" reads as 100 + 3/4
    # while "ciento treinta y cinco medios" (a compound before the fraction) reads as 135/2
    connector_base: float | None = None
    connector_last: float = 0.0

    @property
    def total(self) -> float:
        return sum(v for v, _ in self.parts)

    @property
    def value(self) -> float:
        return self.total + self.current


def _read_words(atoms: Sequence[_Atom], i: int, text: str, loc: _Locale) -> tuple[int, _Run] | None:
    """Read the longest number starting at atoms[i]; returns (index after it, state)."""
    run = _Run()
    j = i
    end_ok = i  # index after the last atom that leaves a complete number
    best: _Run | None = None
    point = False
    while j < len(atoms):
        atom = atoms[j]
        if j > i and not _joinable(text, atoms[j - 1], atom):
            break
        kind = atom.kind
        if point:
            # digits or words after a decimal word ("zwei Komma drei", "coma veintidos")
            if kind == "digit" and not run.fraction_digits:
                frac = atom.text.replace(" ", "")
                if frac.isdigit():
                    run.current += float("0." + frac)
                    run.fraction_digits = len(frac)
                    j += 1
                    end_ok, best = j, _copy(run)
                    continue
            if kind == "unit" and atom.value == 0:
                # "deux virgule zéro trois": after a zero the digits are read one by one
                frac, k = "", j
                while k < len(atoms) and atoms[k].kind in ("unit", "article") and atoms[k].value < 10 \
                        and float(atoms[k].value).is_integer() and (k == j or _joinable(text, atoms[k - 1], atoms[k])):
                    frac += str(int(atoms[k].value))
                    k += 1
                run.current += float("0." + frac)
                run.fraction_digits = len(frac)
                j = k
                end_ok, best = j, _copy(run)
                break
            if kind in ("unit", "article", "hundred", "scale", "connector"):
                sub = _read_words(atoms, j, text, loc)
                if sub is not None:
                    k, fraction = sub
                    mixed = _fraction_after(atoms, k, text, loc, fraction.value)
                    if mixed is not None:  # "veinte con tres quintos" = 20 + 3/5
                        run.current += mixed[1]
                        k = mixed[0]
                    elif any(a.kind == "fraction" for a in atoms[j:k]):  # "uno con un cuarto"
                        run.current += fraction.value * _fraction_unit(run)
                    else:
                        text_digits = "".join(a.text for a in atoms[j:k] if a.kind == "digit")
                        digits = len(text_digits) if text_digits.isdigit() else len(f"{int(fraction.value)}")
                        run.current += fraction.value / 10 ** digits
                        run.fraction_digits = digits
                    j = k
                    end_ok, best = j, _copy(run)
            break
        if kind == "digit":
            if run.started and run.digits and not run.words and not run.max_scale and "/" in atom.text \
                    and float(run.current).is_integer() and 0 < atom.value < 1 and j == i + 1:
                run.current += atom.value  # "2 1/4": a whole number and a fraction
                j += 1
                end_ok, best = j, _copy(run)
                break
            if run.started and (run.current or not run.max_scale):
                break  # "2 3" is two numbers; digits may follow only a scale ("4 mille 3 cents")
            if run.started and run.words and not run.max_scale:
                break
            run.current = atom.value
            run.last = atom.value
            run.digits = True
            run.started = True
            run.only_article = False
        elif kind in ("unit", "article"):
            value = atom.value
            if run.started and run.current:
                if run.connector and loc.units_first and run.last < 10 and value >= 20 and value % 10 == 0:
                    pass  # "fünf und zwanzig"
                elif run.last % 10 == 0 and value < run.last and (value < 10 or run.last >= 100
                                                                    or run.last % 20 == 0 or loc.lang != "fr"
                                                                    and value < 10):
                    pass  # "vingt deux", "cent vingt", "doscientos treinta", "soixante douze"
                elif loc.units_first and run.last < 10 and value >= 20 and value % 10 == 0 \
                        and atom.start == atoms[j - 1].start:
                    pass  # compound without "und" is rare but harmless ("einundzwanzig" has it)
                else:
                    break
            elif run.started and run.digits and not run.max_scale:
                break
            elif run.started and run.max_scale and value >= run.max_scale:
                break
            run.current += value
            run.last = value
            run.words += 1
            run.started = True
            if kind != "article":
                run.only_article = False
            run.connector = False
        elif kind == "hundred":
            if run.current >= 100 and run.current % 100 == 0:
                break
            run.current = (run.current or 1) * atom.value
            run.last = atom.value
            run.words += 1
            run.started = True
            run.only_article = False
            run.connector = False
        elif kind == "scale":
            if not run.started and atom.value > 1000 and " " not in atom.text:
                break  # "millones de personas" alone is no number ("mil millones" is)
            below = [v for v, scale in run.parts if scale < atom.value]
            if run.started and not run.current and not below:
                break  # "Millionen Millionen", "mil mil"
            base = run.current + sum(below) if (run.current or below) else 1.0
            run.parts = [(v, scale) for v, scale in run.parts if scale >= atom.value]
            run.parts.append((base * atom.value, atom.value))  # "mil millones", "tausend Milliarden"
            run.current = 0.0
            run.last = atom.value
            run.max_scale = max(run.max_scale, atom.value)
            run.connector_base = None
            run.words += 1
            run.scaled = True
            run.started = True
            run.only_article = False
            run.connector = False
        elif kind == "abbr":
            if not (run.started and run.digits):
                break
            base = run.current + sum(v for v, scale in run.parts if scale < atom.value) or 1.0
            run.parts = [(v, scale) for v, scale in run.parts if scale >= atom.value]
            run.parts.append((base * atom.value, atom.value))
            run.current = 0.0
            run.max_scale = atom.value
            run.scaled = True
            j += 1
            end_ok, best = j, _copy(run)
            break
        elif kind == "connector":
            if not run.started or not run.current or run.connector:
                break
            run.connector = True
            run.connector_base, run.connector_last = run.value, run.last
            j += 1
            continue
        elif kind == "point":
            if not run.started:
                break
            point = True
            j += 1
            continue
        elif kind == "half":
            if not run.started:
                break
            run.current += 0.5
            run.only_article = False
            j += 1
            end_ok, best = j, _copy(run)
            continue
        elif kind == "dozen":
            if not run.started:
                break
            run.current = (run.current or 1) * atom.value
            run.only_article = False
            j += 1
            end_ok, best = j, _copy(run)
            break
        elif kind == "fraction":
            if not run.started:
                # a fraction of a scale with no number before it: "demi-million", "media docena"
                scale = _scale_after(atoms, j + 1, text, loc)
                if scale is None:
                    break
                run.current = scale[1] / atom.value
                run.started = run.scaled = True
                run.only_article = False
                j = scale[0]
                end_ok, best = j, _copy(run)
                break
            if run.connector:  # "un et demi", "drei Millionen und ein halb": one more half
                run.current += 1 / atom.value
                run.connector = False
            elif run.connector_base is not None and not _compound_join(
                    loc, run.connector_last, run.value - run.connector_base):
                # "cent et trois quarts": the whole number, then the fraction
                run.current = run.connector_base - run.total + (run.value - run.connector_base) / atom.value
            elif not run.value:
                break
            else:
                run.current = run.value / atom.value
                run.parts = []
            run.only_article = False
            j += 1
            scale = _scale_after(atoms, j, text, loc)
            if scale is not None and not run.parts:  # "un demi million", "zwei Drittel Millionen"
                run.current *= scale[1]
                run.scaled = True
                j = scale[0]
            end_ok, best = j, _copy(run)
            break
        else:
            break
        j += 1
        if not run.connector:
            end_ok, best = j, _copy(run)
    if best is None:
        return None
    # A compound word must be read whole: never stop inside one.
    if end_ok > i and end_ok < len(atoms) and atoms[end_ok].start == atoms[end_ok - 1].start:
        return None
    return end_ok, best


def _copy(run: _Run) -> _Run:
    return _Run(**{**run.__dict__, "parts": list(run.parts)})


def _fraction_unit(run: _Run) -> float:
    """What a fraction after this run is a fraction of: the last scale when the run ends on one
    ("3 millions et demi" = 3.5 million, "cinco billones con tres cuartos"), else one."""
    if run.parts and not run.current:
        return min(scale for _, scale in run.parts)
    return 1.0


def _compound_join(loc: _Locale, before: float, after: float) -> bool:
    """True when a connector joined tens and units into one number word ("vingt et un",
    "treinta y cinco", "fünfundzwanzig"), not a whole number and what follows it."""
    if loc.units_first:
        return before < 10 and after >= 20 and after % 10 == 0
    if not (20 <= before < 100 and before % 10 == 0 and 0 < after < 10 + (11 in loc.connector_units)):
        return False
    return not loc.connector_units or after in loc.connector_units


def _scale_after(atoms: Sequence[_Atom], j: int, text: str, loc: _Locale) -> tuple[int, float] | None:
    """A scale or dozen word at atoms[j], maybe after an "of" word ("demi-million", "quart de million",
    "media docena", "ein halbes Dutzend"): (index after it, its value)."""
    if j < len(atoms) and atoms[j].kind == "other" and atoms[j].text.lower() in loc.of_words \
            and _joinable(text, atoms[j - 1], atoms[j]):
        j += 1
    if j < len(atoms) and atoms[j].kind in ("scale", "dozen") and _joinable(text, atoms[j - 1], atoms[j]):
        return j + 1, atoms[j].value
    return None


def find_numbers_intl(text: str, lang: str) -> list[IntlNumber]:
    """Every number mention in `text` (a text in language `lang`), in text order."""
    loc = _locale(lang)
    # Digits inside a web address ("?q=30%25"), an IP address or a phone number are no numbers of the text.
    codes = [(m.start(), m.end()) for pattern in (_URL, _IP, _PHONE) for m in pattern.finditer(text)]
    found = _cjk_numbers(text, loc) if loc.cjk else _western_numbers(text, loc)
    return [n for n in found if not any(s <= n.start < e for s, e in codes)] if codes else found


_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+")
# Four dotted groups of one to three digits, one of them not three long ("192.168.1.2"; "1.200.300.400"
# is a number where a point groups thousands).
_IP = re.compile(r"(?<![\w.,])(?=(?:\d{1,3}\.){3}\d{1,3}(?![\w,]|\.\d))(?!(?:\d{1,3})(?:\.\d{3}){3}(?![\w,]|\.\d))"
                 r"(?:\d{1,3}\.){3}\d{1,3}")
# A phone number: an international "+" prefix and three digit groups or more (not a signed number whose
# groups are thousands, "+1 234 567"), groups joined by hyphens or slashes
# three times or more ("+1-222-2222/2222", "030/1234-5678-9"), or five two-digit pairs ("01 23 45 67 89").
_PHONE = re.compile(r"(?<![\w+])(?!\+\d{1,3}(?:[ .\u00a0\u202f]\d{3})+(?![\w.,]))\+\d{1,3}(?:[-\s./]\(?\d{1,4}\)?){3,}(?![\w])"
                    r"|(?<![\w.,/-])\d{2,4}(?:[-/]\d{2,5}){3,}(?![\w/-])"
                    r"|(?<![\w.,])0\d(?:[ .]\d\d){4}(?![\w,]|\.\d)")


def _western_numbers(text: str, loc: _Locale) -> list[IntlNumber]:
    atoms = _atoms(text, loc)
    out: list[IntlNumber] = []
    i = 0
    while i < len(atoms):
        atom = atoms[i]
        if atom.kind in ("digit", "unit", "article", "hundred", "scale", "dozen", "fraction"):
            read = _read_words(atoms, i, text, loc)
            if read is not None:
                j, run = read
                start, end = atoms[i].start, atoms[j - 1].end
                value = run.value
                kind = "fraction" if any(a.kind == "fraction" or a.kind == "digit" and ("/" in a.text or
                                                                      a.text[:1] in _GLYPHS)
                                         for a in atoms[i:j]) else "cardinal"
                last = atoms[j - 1]
                ending = _tens_ordinal(atoms, j, text) if not run.digits and last.kind == "unit" \
                    and value == last.value and 20 <= value < 100 and value % 10 == 0 else None
                if ending is not None:  # "vingt cinquième": the 25th, written apart
                    end = atoms[ending[0] - 1].end
                    out.append(IntlNumber(start, end, text[start:end], value + ending[1], "ordinal", False))
                    i = ending[0]
                    continue
                # "deux centième" (200th), "cent vingt-cinquième" (125th), "cincuenta y dos milésimo
                # tricentésimo" (52,300th): a number and a singular ordinal make one ordinal
                compound = _ordinal_after(atoms, j, text, loc, run) if atoms[i].kind != "article" else None
                if atoms[i].kind == "article" and j > i + 1:
                    # "un cent cinquième": one 105th; the words after the article and the ordinal are
                    # its denominator
                    rest = _read_words(atoms, i + 1, text, loc)
                    denominator = _ordinal_after(atoms, j, text, loc, rest[1]) if rest and rest[0] == j else None
                    if denominator is not None and denominator[1]:
                        end = atoms[denominator[0] - 1].end
                        out.append(IntlNumber(start, end, text[start:end], 1 / denominator[1], "fraction", False))
                        i = denominator[0]
                        continue
                if compound is not None:
                    k, value = compound
                    start, value = _negative(text, start, value, loc)
                    end = atoms[k - 1].end
                    out.append(IntlNumber(start, end, text[start:end], value, "ordinal", False))
                    i = k
                    continue
                # "un sur trois", "1 sobre 3": a share; "trois cinquièmes": an ordinal denominator
                fraction = _fraction_after(atoms, j, text, loc, value, run)
                if fraction is not None:
                    j, value = fraction
                    end, kind = atoms[j - 1].end, "fraction"
                # "1,5 fois", "3e": digit ordinals
                ordinal = _digit_ordinal(text, end, loc) if run.digits and not run.scaled and j == i + 1 \
                    and float(value).is_integer() and kind == "cardinal" else None
                signed, value = _negative(text, start, value, loc)
                negated, start = signed != start, signed  # "négatif un" is a number, not an article
                if ordinal is not None:
                    out.append(IntlNumber(start, ordinal, text[start:ordinal], value, "ordinal", True))
                else:
                    glued = re.match(r"[^\W\d_]+", text[end:]) if run.digits and atoms[j - 1].kind == "digit" else None
                    out.append(IntlNumber(start, end, text[start:end], value, kind, run.digits, run.scaled,
                                          article=run.only_article and not run.digits and kind == "cardinal"
                                          and not negated,
                                          suffix=glued.group(0) if glued else None))
                i = j
                continue
            # a compound word that is not one number is no number at all: skip its other pieces
            # ("dreivier" is not 4)
            while i + 1 < len(atoms) and atoms[i + 1].start == atom.start:
                i += 1
        if atom.kind == "fraction_noun" and atom.value and atom.text[-1:] != "\x00":
            # "la moitié des salariés", "die Hälfte": a share on its own, as English "half"
            out.append(IntlNumber(atom.start, atom.end, atom.text, 1 / atom.value, "fraction", False))
        if atom.kind == "ordinal" and atom.value and not _ordinal_noun(atoms, i, text, loc):
            # "vigésimo quinto", "centésimo vigésimo quinto": ordinal words falling in place value add up
            k, value = _ordinal_tail(atoms, i + 1, text, loc, atom.value)
            end = atoms[k - 1].end
            out.append(IntlNumber(atom.start, end, text[atom.start:end], value, "ordinal", False))
            i = k
            continue
        i += 1
    return out


def _ordinal_noun(atoms: Sequence[_Atom], i: int, text: str, loc: _Locale) -> bool:
    """An ordinal word that is also a noun, used as one: after an "of" word or a number
    ("centièmes de seconde", "30 segundos")."""
    if atoms[i].text.rstrip("\x00").lower() not in loc.ordinal_nouns or i == 0 \
            or not _joinable(text, atoms[i - 1], atoms[i]):
        return False
    before = atoms[i - 1]
    return before.kind in ("digit", "unit", "article", "hundred", "scale") or before.text.lower() in loc.of_words


def _place(value: float) -> float:
    """The place value a round number word leaves open below it: 20 -> 10, 300 -> 100, 1000 -> 1000;
    0 for a number that is not round (25, 1.5): nothing can be added to it."""
    if value < 10 or not float(value).is_integer():
        return 0.0
    place = 10.0 ** int(math.log10(value) + 1e-9)
    return place if value % place == 0 else 0.0


def _is_power(value: float) -> bool:
    """100, 1000, a million...: ordinals of these multiply a number before them ("deux centième")."""
    return value >= 100 and float(value).is_integer() and 10 ** round(math.log10(value)) == value


def _ordinal_value(atom: _Atom, loc: _Locale) -> float | None:
    """The ordinal value of an atom: an ordinal word, or a word read as a fraction that is also an
    ordinal ("quinto" in "vigésimo quinto")."""
    if atom.kind == "ordinal" and atom.value:
        return atom.value
    return loc.ordinal_words.get(atom.text.rstrip("\x00").lower())


def _ordinal_after(atoms: Sequence[_Atom], j: int, text: str, loc: _Locale, run: _Run) -> tuple[int, float] | None:
    """A spelled number and a singular ordinal word after it read as one ordinal: (index after, value).

    A power ordinal multiplies what is below its scale ("deux centième" = 200th, "tres millones dos
    milésimo" = 3,002,000th); a smaller one completes a round number ("cent vingt-cinquième" = 125th).
    After "un", or in the plural, the ordinal is a denominator instead ("un centième", "un cent
    cinquième" = 1/105, "trois cinquièmes"), which `_fraction_after` reads; the caller leaves runs that
    open with an article to it."""
    if run.digits or j >= len(atoms) or atoms[j].start == atoms[j - 1].start \
            or not _joinable(text, atoms[j - 1], atoms[j]) or run.value <= 1:
        return None
    ordinal = _ordinal_value(atoms[j], loc)
    word = atoms[j].text.rstrip("\x00").lower()
    if ordinal is None or any(word.endswith(e) for e in loc.ordinal_plurals):
        return None
    if _is_power(ordinal):
        high = sum(v for v, scale in run.parts if scale > ordinal)
        low = run.value - high
        if not 0 < low < ordinal:  # "tres mil millonésimo" = 3,000 x 10^6; "mil milésimo" is no ordinal
            return None
        value = high + low * ordinal
    elif 0 < ordinal < _place(run.last):
        value = run.value + ordinal
    else:
        return None
    return _ordinal_tail(atoms, j + 1, text, loc, value, ordinal)


def _ordinal_tail(atoms: Sequence[_Atom], k: int, text: str, loc: _Locale, value: float,
                  last: float | None = None) -> tuple[int, float]:
    """Ordinal words after an ordinal that fill its open places ("milésimo quingentésimo vigésimo
    tercero" = 1523rd): (index after the last one, the sum)."""
    last = value if last is None else last
    while k < len(atoms) and atoms[k].start != atoms[k - 1].start and _joinable(text, atoms[k - 1], atoms[k]):
        ordinal = _ordinal_value(atoms[k], loc)
        if ordinal is None or not 0 < ordinal < _place(last):
            break
        value += ordinal
        last = ordinal
        k += 1
    return k, value


def _tens_ordinal(atoms: Sequence[_Atom], j: int, text: str) -> tuple[int, float] | None:
    """A units ordinal at atoms[j] that completes a tens word written apart before it, maybe after a
    connector ("vingt cinquième" = 25th, "vingt et unième" = 21st): (index after it, its units value)."""
    k = j
    if k < len(atoms) and atoms[k].kind == "connector" and k + 1 < len(atoms) \
            and _joinable(text, atoms[k], atoms[k + 1]):
        k += 1
    if k < len(atoms) and atoms[k].kind == "ordinal" and 0 < atoms[k].value < 10 \
            and atoms[k].start != atoms[k - 1].start and _joinable(text, atoms[k - 1], atoms[k]):
        return k + 1, atoms[k].value
    return None


def _fraction_after(atoms: Sequence[_Atom], j: int, text: str, loc: _Locale,
                    value: float, run: _Run | None = None) -> tuple[int, float] | None:
    if j >= len(atoms) or not _joinable(text, atoms[j - 1], atoms[j]):
        return None
    nxt = atoms[j]
    tens = atoms[j - 1].value if atoms[j - 1].kind == "unit" and 20 <= atoms[j - 1].value < 100 \
        and atoms[j - 1].value % 10 == 0 and run is not None and run.last == atoms[j - 1].value else 0.0
    ending = _tens_ordinal(atoms, j, text) if tens else None
    if ending is not None and value > tens:
        # "un cent vingt cinquième"-style: the tens word and the ordinal are one denominator
        # ("trois vingt et unièmes" = 3/21), the words before it the numerator
        return ending[0], (value - tens) / (tens + ending[1])
    if nxt.kind == "unit" and 20 <= nxt.value < 100 and nxt.value % 10 == 0 and value > 0 \
            and _joinable(text, nxt, atoms[j + 1]) if j + 1 < len(atoms) else False:
        ending = _tens_ordinal(atoms, j + 1, text)
        if ending is not None:  # "un vingt cinquième" = 1/25
            return ending[0], value / (nxt.value + ending[1])
    if nxt.kind == "ordinal" and nxt.value >= 3 and nxt.start != atoms[j - 1].start:
        if run is not None and run.connector_base is not None and not _compound_join(
                loc, run.connector_last, value - run.connector_base):
            # "vingt et trois cinquièmes": 20 + 3/5
            return j + 1, run.connector_base + (value - run.connector_base) / nxt.value
        return j + 1, value / nxt.value
    if nxt.kind == "over" and j + 1 < len(atoms) and _joinable(text, nxt, atoms[j + 1]):
        read = _read_words(atoms, j + 1, text, loc)
        # a share names its part first: "un sur trois"; "1000 sur 3 ans", "huit sur cinq" are two numbers
        if read is not None and read[1].value and abs(value) <= read[1].value:
            return read[0], value / read[1].value
    if nxt.kind == "connector" and j + 1 < len(atoms) and _joinable(text, nxt, atoms[j + 1]):
        unit = _fraction_unit(run) if run is not None else 1.0
        after = atoms[j + 1]
        if after.kind == "fraction" and after.start != nxt.start:  # "un million et demi", "3 Millionen und halb"
            return j + 2, value + unit / after.value
        if j + 2 >= len(atoms):
            return None
        # "trois et un cinquième", "cinq et un quart", "six millions et deux tiers": a whole and a fraction
        read = _read_words(atoms, j + 1, text, loc)
        if read is None:
            return None
        if any(a.kind == "fraction" for a in atoms[j + 1:read[0]]) and read[1].value < 1:
            return read[0], value + read[1].value * unit
        if read[0] < len(atoms) and atoms[read[0]].kind == "ordinal" \
                and atoms[read[0]].value >= 3 and _joinable(text, atoms[read[0] - 1], atoms[read[0]]):
            return read[0] + 1, value + read[1].value * unit / atoms[read[0]].value
    return None


def _negative(text: str, start: int, value: float, loc: _Locale) -> tuple[int, float]:
    head = text[max(0, start - 12):start].rstrip(_SPACES)
    gap = start - len(text[:start].rstrip(_SPACES))  # spaces between the word and the number
    for word in loc.negative_words:
        if head.lower().endswith(word) and (len(head) == len(word) or not head[-len(word) - 1].isalnum()) \
                and gap <= 2:
            return start - gap - len(word), -value
    return start, value


_DEGREES = re.compile(r"°\s?[CFK]\b")


def _digit_ordinal(text: str, end: int, loc: _Locale) -> int | None:
    if _DEGREES.match(text, end):
        return None  # "30° C" is a temperature, though "°" also marks ordinals ("2°")
    for suffix in loc.ordinal_suffixes:
        if text.startswith(suffix, end):
            after = end + len(suffix)
            if after >= len(text) or not text[after].isalnum():
                return after
    return None


def parse_number_intl(text: str, lang: str) -> float | None:
    """The value of `text` when it is exactly one number phrase, else None."""
    stripped = text.strip()
    found = find_numbers_intl(stripped, lang)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(stripped):
        return found[0].value
    return None


# --- Korean and Chinese -------------------------------------------------------------------------


def _native_numbers(text: str, loc: _Locale) -> list[IntlNumber]:
    """Native Korean numbers ("세 명", "스물여섯 명", "열여섯 살", "하나만"): tens and units words.

    Their shortest forms are everyday words too ("한국", "세계", "네"), so a determiner form ("한",
    "두", "세", "네", "스무") counts only before a counter; a pronoun form ("하나", "셋", "쉰둘") also
    before a particle, a space or punctuation, never inside a longer word."""
    native = loc.native
    if not native:
        return []
    tens, units, determiners = native.get("tens", {}), native.get("units", {}), native.get("determiners", {})
    particles = tuple(sorted(native.get("particles", []), key=len, reverse=True))
    counters = tuple(sorted((*loc.counters, *loc.measure, *native.get("counters", []), *loc.cjk_ordinal_suffix),
                            key=len, reverse=True))

    def alternation(words: dict) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    pattern = re.compile(rf"(?<![\uac00-\ud7a3])({alternation(tens)})?({alternation({**units, **determiners})})?")
    out: list[IntlNumber] = []
    for m in pattern.finditer(text):
        if m.end() == m.start():
            continue
        ten, unit = m.group(1), m.group(2)
        value = float(tens.get(ten, 0) + (units.get(unit) or determiners.get(unit) or 0))
        rest = text[m.end():]
        gap = len(rest) - len(rest.lstrip(" "))
        counter = next((c for c in counters if rest[gap:].startswith(c)), None) if gap <= 1 else None
        if counter is None:
            # a pronoun needs its units word ("열이 나다" is a fever) and a word end after it or its
            # particle ("하나는", not "하나은행")
            particle = next((p for p in particles if rest.startswith(p)), "")
            after = rest[len(particle):len(particle) + 1]
            if unit is None or unit in determiners or not rest or "\uac00" <= after <= "\ud7a3" \
                    or not particle and rest[:1] not in " .,!?)":
                continue
        if counter in loc.cjk_ordinal_suffix:  # "네 번째": the fourth, the suffix in the span as "3번째"
            end = m.end() + gap + len(counter)
            out.append(IntlNumber(m.start(), end, text[m.start():end], value, "ordinal", False))
            continue
        out.append(IntlNumber(m.start(), m.end(), m.group(0), value, "cardinal", False))
    return out


def _cjk_numbers(text: str, loc: _Locale) -> list[IntlNumber]:
    """Korean and Chinese numbers, with fractions written denominator first ("三分之一", "3분의 1")."""
    found = _cjk_read(text, loc)
    # "1/2", "3/4", "1,5e6" in digits: the same forms as in other scripts. CJK characters touch
    # digits ("约1/3的人"), so they are masked as spaces for the word-boundary checks of those patterns.
    masked = re.sub(r"[^\x00-\x7f]", " ", text)
    special = [IntlNumber(s, e, text[s:e], v, "fraction" if "/" in text[s:e] else "cardinal")
               for s, e, v in _special_digits(masked, loc) if not text[s:e].startswith((".", ","))]
    if special:
        found = sorted([n for n in found if not any(x.start < n.end and n.start < x.end for x in special)] + special,
                       key=lambda n: n.start)
    native = _native_numbers(text, loc)
    if native:
        found = sorted([n for n in found if not any(v.start < n.end and n.start < v.end for v in native)] + native,
                       key=lambda n: n.start)
    if not loc.fraction_infix:
        return found
    chars = "".join(sorted(set(loc.cjk_digits) | set(loc.small_multipliers) | set(loc.large_multipliers)))
    side = rf"(?:\d+(?:\.\d+)?|[{re.escape(chars)}]+)"
    infix = "|".join(re.escape(w) for w in sorted(loc.fraction_infix, key=len, reverse=True))
    fractions: list[IntlNumber] = []
    for m in re.finditer(rf"({side})({infix})\s?({side})", text):
        if any(text.startswith(p, m.start(1)) or text[:m.end(2)].endswith(p) for p in loc.percent_prefix) \
                or any(text.startswith(p, m.start(1)) for p in loc.per_prefix):
            continue  # "百分之十七" is a percent, "千分之三" a per-mille ("一千分之一" is a fraction)
        den, num = _cjk_value(m.group(1), loc), _cjk_value(m.group(3), loc)
        if den and num is not None:  # "五分之二十三" (23/5) as well as "三分之一"
            fractions.append(IntlNumber(m.start(), m.end(), m.group(0), num / den, "fraction",
                                        m.group(1)[:1].isdigit()))
    if not fractions:
        return found
    kept = [n for n in found if not any(f.start < n.end and n.start < f.end for f in fractions)]
    # "三又三分之一", "일과 이분의 일": a whole number and a fraction joined by "and"
    joined: list[IntlNumber] = []
    for f in fractions:
        head = text[:f.start].rstrip(" ")
        conn = next((c for c in loc.fraction_and if head.endswith(c)), None)
        whole = re.search(rf"{side}\s?$", head[:-len(conn)].rstrip(" ")) if conn else None
        value = _cjk_value(whole.group(0).strip(), loc) if whole else None
        if whole is not None and value is not None:
            kept = [n for n in kept if not (whole.start() < n.end and n.start < whole.end())]
            f = IntlNumber(whole.start(), f.end, text[whole.start():f.end], value + f.value, "fraction",
                           whole.group(0)[:1].isdigit() or f.digits)
        joined.append(f)
    return sorted(kept + joined, key=lambda n: n.start)


def _cjk_value(piece: str, loc: _Locale) -> float | None:
    """The value of a string that is one number and nothing else (one numeral alone counts here)."""
    found = _cjk_read(piece, loc, keep_all=True)
    return found[0].value if len(found) == 1 and found[0].start == 0 and found[0].end == len(piece) else None


def _cjk_read(text: str, loc: _Locale, keep_all: bool = False) -> list[IntlNumber]:
    normal = unicodedata.normalize("NFKC", text) if any("\uff10" <= c <= "\uff19" for c in text) else text
    if len(normal) != len(text):  # NFKC changed lengths: keep offsets, read full-width digits only
        normal = "".join(chr(ord(c) - 0xFEE0) if "\uff10" <= c <= "\uff19" else c for c in text)
    chars = set(loc.cjk_digits) | set(loc.small_multipliers) | set(loc.large_multipliers)
    decimal_words = {w for w, (k, _) in loc.words.items() if k == "point"}
    out: list[IntlNumber] = []
    i = 0
    n = len(normal)
    after_prefix = -1
    while i < n:
        c = normal[i]
        prefix = next((p for p in (*loc.per_prefix, *loc.percent_prefix, *loc.percent)
                       if len(p) > 1 and normal.startswith(p, i)), None)
        if prefix:
            i += len(prefix)  # "百分之十七", "2个百分点": the percent words are not numbers
            after_prefix = i  # ... and a number right after "百分之" is one, a single numeral too ("百分之五")
            continue
        if not (c.isdigit() and c.isascii() or c in chars):
            i += 1
            continue
        if c.isascii() and i > 0 and (normal[i - 1].isascii() and normal[i - 1].isalnum() or normal[i - 1] in ".,"):
            i += 1
            continue
        start = i
        total = section = 0.0
        number: float | None = None
        has_digit = has_mult = False
        cjk_digit_count = 0
        frac = ""
        last_multiplier = 0  # the multiplier just before a trailing digit ("二百五" = 250)
        last_large = 0  # the last large multiplier read (万, 亿)
        last_small = 10 ** 9  # the last small multiplier (十, 百, 千) in the current section
        scale_after = 0  # a large multiplier after decimals ("三点五亿")
        digit_after_multiplier = False
        j = i
        while j < n:
            ch = normal[j]
            if ch.isascii() and ch.isdigit():
                m = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?").match(normal, j)
                assert m is not None
                if number is not None:
                    break
                number = float(m.group(0).replace(",", ""))
                has_digit = True
                j = m.end()
                continue
            if ch in loc.cjk_digits:
                if j > start and normal[j - 1].isascii() and normal[j - 1].isdigit():
                    break  # "4일" is the 4th day: a Sino digit does not continue Arabic digits
                if has_mult and number and j > start and normal[j - 1] in loc.cjk_digits:
                    break  # "이십육이다": after "이십육" the "이" is a particle; "二十五六" is two numbers
                d = loc.cjk_digits[ch]
                digit_after_multiplier = number is None and j > start and (
                    normal[j - 1] in loc.small_multipliers or normal[j - 1] in loc.large_multipliers)
                number = d if number is None else number * 10 + d
                cjk_digit_count += 1
                j += 1
                continue
            if ch in loc.small_multipliers:
                if section and number is None and loc.small_multipliers[ch] > last_small:
                    break  # "七十百分位": a larger unit right after a smaller one starts another word
                last_small = loc.small_multipliers[ch]
                # "一千零十二": after the zero placeholder a bare "十" is ten, as at the start
                section += (number if number else 1) * loc.small_multipliers[ch]
                last_multiplier = loc.small_multipliers[ch]
                number = None
                has_mult = True
                j += 1
                continue
            if ch in loc.large_multipliers:
                large = loc.large_multipliers[ch]
                base = section + (number or 0)
                if not base and total:
                    total *= large
                elif total and large > last_large:
                    total = (total + base) * large  # "一万五千亿" = 1.5 x 10^12: the larger unit takes all before it
                else:
                    total += (base or 1) * large
                last_large = large
                last_small = 10 ** 9  # a new section: any small unit may follow
                section, number = 0.0, None
                last_multiplier = large
                has_mult = True
                j += 1
                continue
            if ch in loc.approx_infix and (number is not None or section) and j + 1 < n \
                    and normal[j + 1] in loc.large_multipliers:
                j += 1  # "十多万", "500余万": more than the round number; read as the round number
                continue
            if ch == " " and loc.spaced_numerals and j + 1 < n and j > start and normal[j + 1] in chars \
                    and normal[j - 1] in chars:
                j += 1  # "一百 五 十 二": numerals spaced out
                continue
            if ch in decimal_words and (number is not None or section and not total) and j + 1 < n \
                    and normal[j + 1] in loc.cjk_digits:
                # "三点五", "一百二十点五" (120.5); a large unit after the decimals scales them all
                # ("三点五亿" = 350 million)
                k = j + 1
                while k < n and normal[k] in loc.cjk_digits:
                    frac += str(loc.cjk_digits[normal[k]])
                    k += 1
                j = k
                if k < n and normal[k] in loc.large_multipliers and not total:
                    scale_after = loc.large_multipliers[normal[k]]
                    j = k + 1
                break
            if ch == " " and has_digit and j + 1 < n and normal[j + 1] in loc.large_multipliers:
                j += 1  # "3 억"
                continue
            if ch == " " and has_mult and normal[j - 1] in loc.large_multipliers and j + 1 < n \
                    and (normal[j + 1].isascii() and normal[j + 1].isdigit() or normal[j + 1] in loc.cjk_digits):
                j += 1  # "3억 5천만": the parts of one number are spaced after each large multiplier
                continue
            break
        if number is not None and loc.elided_units and digit_after_multiplier and last_multiplier >= 100 and number < 10 \
                and not frac and not (j < n and normal[j] in loc.small_multipliers):
            number *= last_multiplier / 10  # "二百五" = 250, "一万三" = 13,000: the next unit down
        value = total + section + (number or 0)
        if frac:
            value += float("0." + frac)
            cjk_digit_count += len(frac)
            if scale_after:
                value *= scale_after
                has_mult = True
        # Lone Sino-Korean syllables and single Chinese digits are words as often as numbers: a run
        # without Arabic digits counts when it has a multiplier, or (Chinese) two digits or more.
        # A run opening with a large multiplier is a word ("조사" survey, "万一" in case, "만" only).
        keep = keep_all or has_digit or start == after_prefix or has_mult and normal[start] not in loc.large_multipliers \
            and (loc.lang != "ko" or cjk_digit_count or j - start >= 2 or _followed_by_unit(normal, j, loc)) \
            or cjk_digit_count >= 2 and loc.lang != "ko" \
            or cjk_digit_count == 1 and loc.lang != "ko" and _followed_by_unit(normal, j, loc)
        while j > start and normal[j - 1] == " ":
            j -= 1
        if keep and j > start:
            start, value = _cjk_negative(normal, start, value, loc)
            kind, first, last = "cardinal", start, j
            # "第250", "제3", "세 번째": ordinal prefixes and suffixes
            prefix = next((p for p in loc.cjk_ordinal_prefix if normal[:start].endswith(p)), None)
            rest = normal[j:]
            gap = len(rest) - len(rest.lstrip(" "))
            suffix = next((x for x in loc.cjk_ordinal_suffix if rest[gap:].startswith(x)), None)
            if prefix:
                kind, first = "ordinal", start - len(prefix)
            if suffix:
                kind, last = "ordinal", j + gap + len(suffix)
            out.append(IntlNumber(first, last, text[first:last], value, kind, has_digit, has_mult and has_digit))
        i = max(j, i + 1)
    return out


def _cjk_negative(text: str, start: int, value: float, loc: _Locale) -> tuple[int, float]:
    if start and text[start - 1] in "-−" and (start < 2 or not text[start - 2].isalnum()):
        return start - 1, -value
    head = text[:start]
    for word in loc.negative_words:
        for gap in ("", " "):  # "마이너스 5": the word may stand apart
            if head.endswith(word + gap) and (len(head) == len(word + gap) or not head[-len(word + gap) - 1].isalnum()
                                              or not gap):
                return start - len(word + gap), -value
    return start, value


def _followed_by_unit(text: str, end: int, loc: _Locale) -> bool:
    rest = text[end:end + 6].lstrip(" ")
    return any(rest.startswith(w) for w in (*loc.counters, *loc.percent, *loc.rank, *loc.currency, *loc.measure,
                                            *loc.tenths_percent, *loc.discount_percent))


# --- amounts ------------------------------------------------------------------------------------

_CURRENCY_SIGNS = {"€": "EUR", "$": "USD", "US$": "USD", "£": "GBP", "¥": "JPY", "₩": "KRW", "CHF": "CHF",
                   "EUR": "EUR", "USD": "USD", "GBP": "GBP", "Fr.": "CHF", "R$": "BRL", "MXN": "MXN"}


def find_amounts_intl(text: str, lang: str) -> list[IntlAmount]:
    """Numbers with their units, approximation words and currencies, in text order."""
    loc = _locale(lang)
    numbers = find_numbers_intl(text, lang)
    amounts: list[IntlAmount] = []
    for _k, number in enumerate(numbers):
        if number.kind == "ordinal":
            amounts.append(IntlAmount(number.start, number.end, number.text, number.value, "rank", number))
            continue
        amount = _unit_after(text, number, loc) or _unit_before(text, number, loc)
        if amount is not None and number.article and amount.unit == "percent":
            amount = None  # "un porcentaje del 25%": the article is no number
        if amount is None:
            # "deux tiers", "三分之一", "3분의 1": a share, a ratio as in English ("two thirds")
            unit = "ratio" if number.kind == "fraction" and 0 < abs(number.value) < 1 else "count"
            amount = IntlAmount(number.start, number.end, number.text, number.value, unit, number)
        approx = _approx_before(text, amount.start, loc)
        if approx:
            amount = IntlAmount(amount.start, amount.end, amount.text, amount.value, amount.unit, number,
                                amount.currency, approx, amount.unit_text)
        amounts.append(amount)
    return _share_phrases(text, _shared_units(text, _shared_counters(text, amounts, loc), loc), loc)


@functools.cache
def _share_patterns(lang: str) -> tuple[re.Pattern[str], ...]:
    """The language's "one in N" phrases (share_phrases.yaml) as regexes with `one` and `n` groups."""
    if not langdata.has(lang, "share_phrases"):
        return ()
    data = langdata.table(lang, "share_phrases")
    gap = rf"(?:\s+[^\W\d_]+){{1,{int(data.get('words') or 0)}}}"  # "une voiture sur cinq": the words between
    out = []
    for template in data.get("patterns") or ():
        parts = []
        for piece in re.split(r"(\{one\}|\{n\}|\.\.\.)", str(template)):
            if piece == "{one}":
                parts.append(r"(?P<one>[^\W\d_]+|1)")
            elif piece == "{n}":
                parts.append(r"(?P<n>[^\W_]+)")
            elif piece == "...":
                if parts and parts[-1].endswith(r"\s+"):
                    parts[-1] = parts[-1][:-3]  # the gap brings its own spaces
                parts.append(gap)
            else:
                parts.append(re.sub(r"(?:\\ )+", r"\\s+", re.escape(piece)))
        out.append(re.compile(rf"(?<!\w){''.join(parts)}(?!\w)", re.IGNORECASE))
    return tuple(out)


def _share_phrases(text: str, amounts: list[IntlAmount], loc: _Locale) -> list[IntlAmount]:
    """"uno de cada nueve", "jedes zehnte", "une voiture sur cinq": a share of 1/N, as "un sur trois" is.

    The phrase's numbers were read as two counts (or a rank); they become one ratio amount spanning
    the phrase. N is the number (cardinal or ordinal) found where the pattern's {n} is.
    """
    patterns = _share_patterns(loc.lang)
    if not patterns:
        return amounts
    by_start = {a.start: a for a in amounts}
    replaced: list[tuple[IntlAmount, set[int]]] = []
    taken: set[int] = set()
    for pattern in patterns:
        for m in pattern.finditer(text):
            n = by_start.get(m.start("n"))
            if n is None or n.value < 2 or not float(n.value).is_integer() or n.unit not in ("count", "rank"):
                continue
            covered = {a.start for a in amounts if m.start() <= a.start < m.end()}
            if "one" in m.groupdict() and m.group("one") is not None:
                one = by_start.get(m.start("one"))
                if one is None or one.value != 1:
                    continue
            if covered & taken:
                continue
            taken |= covered
            number = IntlNumber(m.start(), m.end(), m.group(0), 1 / n.value, "fraction", False)
            replaced.append((IntlAmount(m.start(), m.end(), m.group(0), 1 / n.value, "ratio", number,
                                        approx=by_start[min(covered)].approx if covered else None),
                             covered))
    if not replaced:
        return amounts
    kept = [a for a in amounts if a.start not in taken]
    return sorted(kept + [amount for amount, _ in replaced], key=lambda a: a.start)


def _shared_units(text: str, amounts: list[IntlAmount], loc: _Locale) -> list[IntlAmount]:
    """"von 4,1 auf 4,2 %", "entre 3 et 5 %": a bare number linked to a percent takes its unit."""
    links = {w.lower() for w in langdata.words(loc.lang, "unit_links")} if langdata.has(loc.lang, "unit_links") \
        else set()
    out = list(amounts)
    for k in range(len(out) - 2, -1, -1):
        a, b = out[k], out[k + 1]
        if a.unit != "count" or a.unit_text or b.unit not in ("percent", "money") or not a.number.digits:
            continue
        between = text[a.end:b.start].strip(_SPACES).lower()
        if between in links or between in ("-", "–", "/"):
            out[k] = IntlAmount(a.start, a.end, a.text, a.value, b.unit, a.number, b.currency, a.approx)
    return out


def _starts_word(text: str, pos: int, word: str, *, glued: bool = False) -> bool:
    if not text[pos:pos + len(word)].lower() == word.lower():
        return False
    after = pos + len(word)
    if glued or not word[-1:].isalnum():
        return True
    return after >= len(text) or not text[after].isalnum()


def _unit_after(text: str, number: IntlNumber, loc: _Locale) -> IntlAmount | None:
    pos = number.end
    glued = loc.cjk
    while pos < len(text) and text[pos] in _SPACES:
        pos += 1
    spaced = pos > number.end

    def make(unit: str, end: int, currency: str | None = None) -> IntlAmount:
        return IntlAmount(number.start, end, text[number.start:end], number.value, unit, number, currency,
                          unit_text=text[pos:end])

    # Chinese tenths ("七成" = 70%) and discounts ("75折" = 75% of the price, "7折" = 70%).
    for word in loc.tenths_percent:
        if text.startswith(word, pos) and 0 < number.value <= 10:
            return IntlAmount(number.start, pos + len(word), text[number.start:pos + len(word)],
                              number.value * 10, "percent", number, unit_text=word)
    for word in loc.discount_percent:
        if text.startswith(word, pos) and 0 < number.value < 100:
            value = number.value * 10 if number.value < 10 else number.value
            return IntlAmount(number.start, pos + len(word), text[number.start:pos + len(word)], value,
                              "percent", number, unit_text=word)
    for word in loc.percent:  # longest first: "%p" (points, Korean) before "%"
        if _starts_word(text, pos, word, glued=glued):
            return make("percent", pos + len(word))
    if text.startswith("%", pos) or text.startswith("％", pos):
        return make("percent", pos + 1)
    # Money: a currency word may follow a scale word ("17 Millionen Euro", "3 Mrd. Dollar"), in some
    # languages after an "of" ("3 millions d'euros", "1.200 millones de dólares").
    at = [pos]
    if number.scaled and not number.digits or number.scaled and number.text[-1:].isalpha():
        for word in loc.of_words:
            if _starts_word(text, pos, word):
                after = pos + len(word)
                while after < len(text) and text[after] in _SPACES:
                    after += 1
                at.append(after)
                break
    for start_at in at:
        for word, code in sorted(loc.currency.items(), key=lambda kv: -len(kv[0])):
            if _starts_word(text, start_at, word, glued=glued):
                return make("money", start_at + len(word), code)
    for sign, code in _CURRENCY_SIGNS.items():
        if text.startswith(sign, pos) and (not sign[-1].isalpha() or _starts_word(text, pos, sign)):
            return make("money", pos + len(sign), code)
    for word in loc.multiplier:
        if _starts_word(text, pos, word, glued=glued or not spaced and loc.lang == "de"):
            return make("multiplier", pos + len(word))
    for word in loc.rank:
        if loc.cjk and _starts_word(text, pos, word, glued=True):
            return make("rank", pos + len(word))
    for word in loc.counters:
        if _starts_word(text, pos, word, glued=True):
            return make("count", pos + len(word))
    for word in loc.measure:
        if _starts_word(text, pos, word, glued=glued):
            return make("quantity", pos + len(word))
    return None


def _unit_before(text: str, number: IntlNumber, loc: _Locale) -> IntlAmount | None:
    before = text[max(0, number.start - 6):number.start].rstrip(_SPACES)
    for word, per in sorted(loc.per_prefix.items(), key=lambda kv: -len(kv[0])):
        if before.endswith(word):  # "千分之三": a per-mille, given as the percent it is (0.3 %)
            start = number.start - (len(text[:number.start]) - len(text[:number.start].rstrip(_SPACES))) - len(word)
            return IntlAmount(start, number.end, text[start:number.end], number.value * 100 / per, "percent",
                              number, unit_text=word)
    for word in loc.percent_prefix:
        if before.endswith(word):
            start = number.start - (len(text[:number.start]) - len(text[:number.start].rstrip(_SPACES))) - len(word)
            return IntlAmount(start, number.end, text[start:number.end], number.value, "percent", number,
                              unit_text=word)
    for sign, code in sorted(_CURRENCY_SIGNS.items(), key=lambda kv: -len(kv[0])):
        if before.endswith(sign) and (len(before) == len(sign) or not before[-len(sign) - 1].isalpha()):
            gap = len(text[:number.start]) - len(text[:number.start].rstrip(_SPACES))
            start = number.start - gap - len(sign)
            return IntlAmount(start, number.end, text[start:number.end], number.value, "money", number, code,
                              unit_text=sign)
    return None


def _approx_before(text: str, start: int, loc: _Locale) -> str | None:
    head = text[max(0, start - 40):start]
    stripped = head.rstrip(_SPACES)
    if not stripped or (stripped == head and not loc.cjk):
        return None
    lower = stripped.lower()
    for word in loc.approx:
        w = word.lower()
        if lower.endswith(w) and (len(lower) == len(w) or not lower[-len(w) - 1].isalnum() or loc.cjk):
            if w[-1:].isalnum() or w.endswith((".", "'", "’")):
                return stripped[-len(w):]
    # CJK approximations touch the number ("约17%").
    if loc.cjk:
        for word in loc.approx:
            if head.endswith(word):
                return word
    return None


def _shared_counters(text: str, amounts: list[IntlAmount], loc: _Locale) -> list[IntlAmount]:
    """"2·9위": numbers joined by a list mark share the unit of the last one."""
    if not loc.list_marks:
        return amounts
    out = list(amounts)
    for k in range(len(out) - 2, -1, -1):
        a, b = out[k], out[k + 1]
        between = text[a.end:b.start]
        if a.unit == "count" and a.unit_text is None and between in loc.list_marks and b.unit != "count" \
                or a.unit == "count" and a.unit_text is None and between in loc.list_marks and b.unit_text:
            out[k] = IntlAmount(a.start, a.end, a.text, a.value, b.unit, a.number, b.currency, a.approx, b.unit_text)
    return out

