"""Numbers as written in English news text: digits, words, scales, fractions, ordinals.

Two layers:

- `parse_number(text)` / `parse_ordinal(text)` read one number phrase ("2.2 billion",
  "twenty-one", "a third", "2nd") and return its value, or None when the text is not
  exactly one number;
- `find_numbers(doc)` finds every number mention in a spaCy `Doc` or `Span`, with
  character offsets into the doc text, so later stages (statistics, claims) never
  re-read raw text.

Both layers share one small grammar. Each token (or piece of text) is cut into
*atoms* (a digit group, a number word, a scale word, an ordinal, "and", "a", ...);
a run of atoms is then read by `_evaluate`, which returns a value or None. Reading
a run keeps the longest prefix that is a valid number, so "3 hundred and 2 hundred"
gives two numbers and "45 and 50" gives two numbers, while "one hundred and six"
gives one.

Decisions worth knowing (each is a general rule, checked against the number
benchmarks in bench/numbers_benchmark.py):

- scale abbreviations count only next to digits ("10k", "$2.2bn", "1,674.5 M"); a
  lowercase "m" glued to digits means million only after a currency sign or before a
  plural noun ("$5m", "10m users"), and metres otherwise ("a 10m wall");
- letters glued to digits that are not a scale ("180ml", "29km", "17X") are kept as
  `suffix`: the mention is a quantity, and the statistics layer decides what the
  suffix means;
- a singular ordinal after "a"/"one" is a fraction ("a third", "one fifth") unless a
  noun or adjective follows ("a third straight year" is an ordinal), and never for
  "first" and "second" ("a second" is a unit of time); a plural ordinal is always a
  fraction ("two thirds"); after other number words it closes an ordinal ("one
  hundred twenty-fifth");
- "X over Y" is a fraction only when nothing countable follows ("2000 over 3" is a
  fraction, "$2000 over 3 years" is two numbers); "X out of Y" is a share with
  `parts` (X, Y) when X <= Y ("8 out of 10 doctors");
- bare "one" counts only when the tagger calls it a numeral ("the one you mentioned"
  is a pronoun); bare scale words ("millions of", "several hundred") and "a" are
  never numbers;
- lists and codes split: "192.168.1.2" and "22,24,26,31" are several numbers, and
  letters running into digits ("M2", "06F6") make a name, not a number.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span, Token

__all__ = ["NumberMention", "find_numbers", "parse_number", "parse_ordinal"]

NUMBER_KINDS = ("cardinal", "fraction", "ordinal")


@dataclass(frozen=True)
class NumberMention:
    """One number as written in a doc.

    `start`/`end` are character offsets into the doc text (`doc.text[start:end] ==
    text`); `token_start`/`token_end` index the doc tokens the mention touches, which
    may be wider than the characters when a token holds more than the number
    ("17X", "SCP-173").
    """

    start: int
    end: int
    text: str
    value: float
    kind: str  # one of NUMBER_KINDS
    token_start: int
    token_end: int
    suffix: str | None = None  # letters glued to the digits that are not a scale: "x", "km", "s"
    parts: tuple[float, float] | None = None  # (numerator, denominator) of "8 out of 10", "1 over 3"


# --- lexicon ---------------------------------------------------------------------------

_UNITS = {
    "zero": 0, "nought": 0, "naught": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9,
}
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {
    "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "lakh": 1e5, "lac": 1e5, "crore": 1e7,
}
# Abbreviations are scales only right after digits; the case matters ("M" million,
# "mm" millimetre), so these are looked up without lowercasing.
_GLUED_ABBR = {
    "k": 1e3, "K": 1e3, "M": 1e6, "mn": 1e6, "mln": 1e6, "mil": 1e6, "MM": 1e6,
    "bn": 1e9, "b": 1e9, "B": 1e9, "bln": 1e9, "G": 1e9,
    "tn": 1e12, "trn": 1e12, "tln": 1e12, "T": 1e12,
}
# Spaced abbreviations ("2.33 k", "1,674.5 G"); lowercase single letters are left out
# because "12 b", "278,000 t", "10 m" are units far more often than scales.
_SPACED_ABBR = {
    "k": 1e3, "K": 1e3, "M": 1e6, "mn": 1e6, "mln": 1e6, "mil": 1e6, "MM": 1e6,
    "bn": 1e9, "B": 1e9, "bln": 1e9, "G": 1e9, "tn": 1e12, "trn": 1e12, "tln": 1e12, "T": 1e12,
}
_DOZENS = {"dozen", "dozens", "dz", "dzs", "doz", "dozs"}
_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "nineth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
    "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
    "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40,
    "fiftieth": 50, "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90,
    "hundredth": 100, "thousandth": 1e3, "millionth": 1e6, "billionth": 1e9, "trillionth": 1e12,
}
# Fraction-only words: they never close an ordinal ("half" is not "2nd").
_FRACTION_WORDS = {"half": 2, "halves": 2, "quarter": 4, "quarters": 4}
_GLYPHS = {
    "½": 1 / 2, "⅓": 1 / 3, "⅔": 2 / 3, "¼": 1 / 4, "¾": 3 / 4, "⅕": 1 / 5, "⅖": 2 / 5,
    "⅗": 3 / 5, "⅘": 4 / 5, "⅙": 1 / 6, "⅚": 5 / 6, "⅛": 1 / 8, "⅜": 3 / 8, "⅝": 5 / 8,
    "⅞": 7 / 8, "⅐": 1 / 7, "⅑": 1 / 9, "⅒": 1 / 10,
}
_CURRENCY_SIGNS = set("$€£¥₹₩₽₺₪₫฿") | {"US$", "A$", "C$", "HK$", "S$", "NZ$", "R$"}
_MINUS_WORDS = {"minus", "negative"}
_HYPHENS = {"-", "‐", "‑"}
_MINUS_SIGNS = {"-", "−", "–"}
_THIN_SPACES = {" ", "\u00a0", "\u202f", "\u2009", "\u2007"}


def _plural_ordinals() -> dict[str, float]:
    plurals: dict[str, float] = {}
    for word, value in _ORDINAL_WORDS.items():
        if word in ("first", "second", "nineth"):
            continue  # "firsts"/"seconds" are not fractions on their own
        plurals[word + "s"] = value
    plurals["firsts"] = 1  # only ever inside "twenty-firsts"
    return plurals


_PLURAL_ORDINALS = _plural_ordinals()

# Lexing a single token or word. These patterns look at one token's characters only;
# finding numbers in running text is done over spaCy tokens (see `find_numbers`).
_PLAIN = re.compile(r"\d+")
_WESTERN = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_INDIAN = re.compile(r"\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d+)?")
_DECIMAL = re.compile(r"\d*\.\d+")
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")
_SCIENTIFIC = re.compile(r"(\d+(?:\.\d+)?)[eE]([-+]?\d+)")
_TIMES_TEN = re.compile(r"(\d+(?:\.\d+)?)[x×]10\^?([-−+]?\d+)")
_SLASH = re.compile(r"(\d{1,3})/(\d{1,3})")
_DIGIT_ORDINAL = re.compile(r"(\d+)(st|nd|rd|th)", re.IGNORECASE)
_PIECES = re.compile(r"\d[\d,.]*\d|\d|[A-Za-z]+|[^\sA-Za-z\d]")


@dataclass(frozen=True)
class _Atom:
    """A lexical unit of the number grammar, with offsets into the text."""

    # num, word, hundred, scale, dozen, ord, frac, glyph, slash (values); and, a, point,
    # over, minus, hyphen, comma, caret, space (connectors); break (ends a run)
    kind: str
    start: int
    end: int
    value: float = 0.0
    token: int = -1
    plain: bool = False  # bare digit group, no separators or decimals ("234")
    digits: str = ""  # the digit text of a num, for joining "1 234 567"
    plural: bool = False  # ordinals: "fifths"
    wordish: bool = False  # num/word atoms that came from letters
    abbr: bool = False  # scale abbreviation ("bn", "k")
    denominator: float = 0.0  # slash fractions
    suffix: str | None = None
    strict: bool = False  # "out of" (a share: numerator <= denominator) rather than "over"
    last_token: int = -1  # doc mode: the last token of an atom joined across tokens ("1 234 567")
    noun_follows: bool = False  # doc mode: a noun or adjective follows ("3 years", "a third straight year")


_CONNECTORS = {"and", "a", "point", "over", "minus", "hyphen", "comma", "caret", "space"}
_VALUE_KINDS = {"num", "word", "hundred", "scale", "dozen", "ord", "frac", "glyph", "slash"}


def _number_from_digits(text: str) -> tuple[float, bool] | None:
    """Value of a digit string with separators; the bool says it is a bare digit group."""
    if _PLAIN.fullmatch(text):
        return float(text), True
    if _WESTERN.fullmatch(text) or _INDIAN.fullmatch(text):
        return float(text.replace(",", "")), False
    if _DECIMAL.fullmatch(text):
        return float(text), False
    if _DECIMAL_COMMA.fullmatch(text):
        # A single comma before one or two digits is a decimal comma ("1,3", "5,00"):
        # a thousands separator is always followed by three.
        return float(text.replace(",", ".")), False
    match = _SCIENTIFIC.fullmatch(text)
    if match:
        return float(match.group(1)) * 10 ** int(match.group(2)), False
    match = _TIMES_TEN.fullmatch(text)
    if match:
        return float(match.group(1)) * 10 ** int(match.group(2).replace("−", "-")), False
    return None


def _lex_word(word: str, start: int, end: int, *, glued: bool) -> _Atom | None:
    """Atom for one alphabetic word, or None when it plays no part in numbers."""
    atom = _lex_word_raw(word, start, end, glued=glued)
    return replace(atom, value=float(atom.value)) if atom is not None else None


def _lex_word_raw(word: str, start: int, end: int, *, glued: bool) -> _Atom | None:
    lower = word.lower()
    if lower in _UNITS:
        return _Atom("word", start, end, value=_UNITS[lower], wordish=True)
    if lower in _TEENS:
        return _Atom("word", start, end, value=_TEENS[lower], wordish=True)
    if lower in _TENS:
        return _Atom("word", start, end, value=_TENS[lower], wordish=True)
    if lower in ("hundred", "hundreds"):
        return _Atom("hundred", start, end, value=100)
    if lower in _SCALES or (lower.endswith("s") and lower[:-1] in _SCALES):
        return _Atom("scale", start, end, value=_SCALES.get(lower, _SCALES.get(lower[:-1], 0.0)))
    abbreviations = _GLUED_ABBR if glued else _SPACED_ABBR
    if word in abbreviations:
        return _Atom("scale", start, end, value=abbreviations[word], abbr=True)
    if lower in _DOZENS:
        return _Atom("dozen", start, end, value=12)
    if lower in _ORDINAL_WORDS:
        return _Atom("ord", start, end, value=_ORDINAL_WORDS[lower], wordish=True)
    if lower in _PLURAL_ORDINALS:
        return _Atom("ord", start, end, value=_PLURAL_ORDINALS[lower], plural=True, wordish=True)
    if lower in _FRACTION_WORDS:
        return _Atom("frac", start, end, value=_FRACTION_WORDS[lower], plural=lower.endswith("s"))
    if lower in ("and",):
        return _Atom("and", start, end)
    if lower in ("a", "an"):
        return _Atom("a", start, end)
    if lower == "point":
        return _Atom("point", start, end)
    if lower == "over":
        return _Atom("over", start, end)
    if lower in _MINUS_WORDS:
        return _Atom("minus", start, end)
    return None


def _lex_digits(text: str, start: int) -> list[_Atom]:
    """Atoms for a chunk that starts with a digit or a sign and has no spaces."""
    sign = 1.0
    body = text
    if body[:1] in _MINUS_SIGNS | {"+"} and len(body) > 1 and (body[1].isdigit() or body[1] == "."):
        sign = -1.0 if body[0] != "+" else 1.0
        body = body[1:]
    parsed = _number_from_digits(body)
    if parsed is not None:
        value, plain = parsed
        return [_Atom("num", start, start + len(text), value=sign * value, plain=plain and sign > 0, digits=body)]
    match = _SLASH.fullmatch(body)
    if match:
        numerator, denominator = float(match.group(1)), float(match.group(2))
        if denominator == 0:
            return [_Atom("break", start, start + len(text))]
        return [_Atom("slash", start, start + len(text), value=sign * numerator, denominator=denominator)]
    match = _DIGIT_ORDINAL.fullmatch(body)
    if match and sign > 0:
        return [_Atom("ord", start, start + len(text), value=float(match.group(1)))]
    return _lex_pieces(text, start)


def _lex_pieces(text: str, start: int) -> list[_Atom]:
    """Split a mixed token ("SCP-173", "192.168.1.2", "45{kg", "2½", "17X") into atoms.

    Digits glued to letters keep the letters as a suffix; digits separated by
    punctuation become separate numbers.
    """
    atoms: list[_Atom] = []
    pieces = list(_PIECES.finditer(text))
    if any(a.group().isalpha() and b.group()[0].isdigit() and a.end() == b.start()
           for a, b in zip(pieces, pieces[1:])):
        # letters running into digits ("06F6", "J1149.5+6663", "GPT4o"): a name or code
        return [_Atom("break", start, start + len(text))]
    for index, piece in enumerate(pieces):
        chunk = piece.group()
        begin, finish = start + piece.start(), start + piece.end()
        if chunk[0].isdigit():
            if chunk.count(".") > 1 or ("," in chunk and _number_from_digits(chunk) is None):
                # "192.168.1.2", "22,24,26,31": a list of numbers, not one.
                for part in re.finditer(r"\d+", chunk):
                    atoms.append(_Atom("num", begin + part.start(), begin + part.end(),
                                       value=float(part.group()), plain=True, digits=part.group()))
                    atoms.append(_Atom("break", finish, finish))
                continue
            parsed = _number_from_digits(chunk.rstrip(".,"))
            if parsed is None:
                atoms.append(_Atom("break", begin, finish))
                continue
            trimmed = chunk.rstrip(".,")
            value, plain = parsed
            previous = pieces[index - 1].group() if index else ""
            if previous.isalpha() and pieces[index - 1].end() == piece.start():
                atoms.append(_Atom("break", begin, begin))  # "M2", "R1": part of a name
                continue
            atom = _Atom("num", begin, begin + len(trimmed), value=value, plain=plain, digits=trimmed)
            following = pieces[index + 1] if index + 1 < len(pieces) else None
            if following is not None and following.start() == piece.end() and following.group().isalpha():
                word = following.group()
                if word in _GLUED_ABBR or word == "m" or word.lower() in _SCALES:
                    atoms.append(atom)
                    continue  # the scale is lexed on its own below
                if _DIGIT_ORDINAL.fullmatch(chunk + word):
                    continue
                atom = replace(atom, suffix=word)
            atoms.append(atom)
        elif chunk.isalpha():
            prior = pieces[index - 1] if index else None
            glued = prior is not None and prior.end() == piece.start() and prior.group()[0].isdigit()
            if glued and atoms and atoms[-1].suffix == chunk:
                continue
            word_atom = _lex_word(chunk, begin, finish, glued=glued)
            if glued and chunk == "m":
                # inside one chunk ("5m") the writer means million; doc mode sees
                # "5" "m" as two tokens and decides from context in `_glued_suffix`
                word_atom = _Atom("scale", begin, finish, value=1e6, abbr=True)
            if word_atom is not None and word_atom.kind == "scale" and word_atom.abbr and not glued:
                word_atom = None
            atoms.append(word_atom if word_atom is not None else _Atom("break", begin, finish))
        elif chunk in _GLYPHS:
            atoms.append(_Atom("glyph", begin, finish, value=_GLYPHS[chunk]))
        elif chunk == "^":
            atoms.append(_Atom("caret", begin, finish))
        elif chunk in _MINUS_SIGNS | {"+"} and _signs_number(pieces, index):
            if chunk != "+":
                atoms.append(_Atom("minus", begin, finish))
        else:
            atoms.append(_Atom("break", begin, finish))
    return atoms


def _signs_number(pieces: Sequence[re.Match[str]], index: int) -> bool:
    """A "-" or "+" glued to the digits after it and not to a word before it."""
    piece = pieces[index]
    following = pieces[index + 1] if index + 1 < len(pieces) else None
    if following is None or following.start() != piece.end() or not following.group()[0].isdigit():
        return False
    return index == 0 or not pieces[index - 1].group()[0].isalnum()


def _lex_chunk(text: str, start: int, *, glued: bool = False) -> list[_Atom]:
    """Atoms for one token-sized chunk of text."""
    if not text:
        return []
    if text in _THIN_SPACES:
        return [_Atom("space", start, start + len(text), digits=text)]
    if text.isspace():
        return [] if "\n" not in text else [_Atom("break", start, start + len(text))]
    if text in _HYPHENS:
        return [_Atom("hyphen", start, start + 1)]
    if text in _MINUS_SIGNS:
        return [_Atom("minus", start, start + 1)]
    if text in (",",):
        return [_Atom("comma", start, start + 1)]
    if text == "&":
        return [_Atom("and", start, start + 1)]
    if text == "^":
        return [_Atom("caret", start, start + 1)]
    if text in _GLYPHS:
        return [_Atom("glyph", start, start + 1, value=_GLYPHS[text])]
    if text.isalpha():
        atom = _lex_word(text, start, start + len(text), glued=glued)
        return [atom] if atom is not None else [_Atom("break", start, start + len(text))]
    if text[0].isdigit() or (text[0] in _MINUS_SIGNS | {"+", "."} and len(text) > 1):
        return _lex_digits(text, start)
    if "-" in text and text.replace("-", "").isalpha():
        # "twenty-one" kept whole by a plain-text split
        atoms: list[_Atom] = []
        position = start
        for index, part in enumerate(text.split("-")):
            if index:
                atoms.append(_Atom("hyphen", position, position + 1))
                position += 1
            atoms.extend(_lex_chunk(part, position))
            position += len(part)
        return atoms
    return _lex_pieces(text, start)


# --- grammar ---------------------------------------------------------------------------


@dataclass
class _Reading:
    value: float
    kind: str
    parts: tuple[float, float] | None = None


def _evaluate(atoms: Sequence[_Atom]) -> _Reading | None:
    """Read a whole atom sequence as one number, or None when it is not one."""
    if not atoms or atoms[-1].kind in _CONNECTORS \
            or atoms[0].kind in ("and", "comma", "point", "over", "caret", "space"):
        return None
    for index, atom in enumerate(atoms):
        if atom.kind == "caret":
            base, exponent = _evaluate(atoms[:index]), _evaluate_signed(atoms[index + 1:])
            if base is None or exponent is None or base.kind != "cardinal":
                return None
            try:
                value = base.value ** exponent
            except (OverflowError, ZeroDivisionError):
                return None
            # a negative base with a fractional exponent has no real value
            return _Reading(value, "cardinal") if isinstance(value, float) else None
    signed = atoms[0].kind == "minus" or (atoms[0].kind == "hyphen" and len(atoms) > 1
                                          and atoms[1].kind in ("num", "slash"))
    if signed:
        inner = _evaluate(atoms[1:])
        if inner is None or inner.kind == "ordinal":
            return None
        return _Reading(-inner.value, inner.kind)
    if any(a.kind == "minus" for a in atoms):
        return None
    for index, atom in enumerate(atoms):
        if atom.kind == "over":
            return _ratio(atoms[:index], atoms[index + 1:], strict=atom.strict)
    return _cardinal(atoms)


def _evaluate_signed(atoms: Sequence[_Atom]) -> float | None:
    if atoms and atoms[0].kind in ("minus", "hyphen"):
        rest = _evaluate_signed(atoms[1:])
        return None if rest is None else -rest
    reading = _evaluate(atoms)
    return None if reading is None or reading.kind != "cardinal" else reading.value


def _ratio(left: Sequence[_Atom], right: Sequence[_Atom], *, strict: bool) -> _Reading | None:
    numerator, denominator = _evaluate(left), _evaluate(right)
    if numerator is None or denominator is None or denominator.value == 0:
        return None
    if "ordinal" in (numerator.kind, denominator.kind):
        return None
    if right[-1].noun_follows and not strict:
        return None  # "$2000 over 3 years": two numbers; "8 out of 10 doctors" is still a share
    if strict and numerator.value > denominator.value:
        return None  # "12 out of 10" is not a share
    return _Reading(numerator.value / denominator.value, "fraction", (numerator.value, denominator.value))


@dataclass
class _State:
    """Where `_cardinal` is in a phrase: the value so far and what may come next."""

    atoms: Sequence[_Atom]
    i: int = 0
    total: float = 0.0  # completed scale groups ("two million" of "two million three")
    group: float | None = None  # the part below the current scale
    small: float = 0.0  # the part of `group` after its "hundred"
    stage: str | None = None  # the role of the last value atom
    last_scale: float = math.inf
    pending_and: bool = False
    pending_a: bool = False
    pending_hyphen: bool = False
    pending_comma: bool = False
    fraction: bool = False
    had_hundred: bool = False
    parts: tuple[float, float] | None = None

    def result(self) -> _Reading | None:
        if self.pending_and or self.pending_a or self.pending_hyphen or self.pending_comma:
            return None
        if self.stage == "scale_frac":
            return _Reading(self.total, "cardinal")
        if self.group is None and self.stage != "scale":
            return None
        kind = "fraction" if self.fraction and self.total == 0 else "cardinal"
        return _Reading(self.total + (self.group or 0.0), kind, self.parts if kind == "fraction" else None)


# A handler reads one atom and returns True to go on, a reading to stop with it, or
# None when the phrase is not a number.
_WHOLE_STAGES = ("unit", "teen", "tens", "digits")


def _cardinal(atoms: Sequence[_Atom], *, merge: bool = True) -> _Reading | None:
    """Cardinals, decimals, fractions and ordinals built from words and digits."""
    state = _State(_merge_compound_ordinals(atoms) if merge else list(atoms))
    while state.i < len(state.atoms):
        atom = state.atoms[state.i]
        handler = _HANDLERS.get(atom.kind)
        step = handler(state, atom) if handler is not None else None
        if step is None or isinstance(step, _Reading):
            return step
        state.i += 1
    return state.result()


def _on_and(state: _State, atom: _Atom) -> bool | None:
    if state.pending_and or state.stage is None or state.pending_a or state.pending_hyphen:
        return None
    state.pending_and = True
    return True


def _on_comma(state: _State, atom: _Atom) -> bool | None:
    if state.stage != "scale" or state.pending_and:
        return None  # only "three million, two hundred": never lists
    before = state.atoms[:state.i]
    if before[-1].abbr or any(a.kind == "point" or (a.kind == "num" and a.value != int(a.value)) for a in before):
        return None  # "$2.2bn, and 1.4 million ...", "2.5 million, 300": a decimal or abbreviated scale ends the number
    state.pending_comma = True
    return True


def _on_a(state: _State, atom: _Atom) -> bool | None:
    if state.pending_a or (state.stage is not None and not state.pending_and and state.stage != "frac"):
        return None
    state.pending_a = True
    return True


def _on_hyphen(state: _State, atom: _Atom) -> bool | None:
    if state.stage not in (*_WHOLE_STAGES, "hundred") or state.pending_and or state.pending_a:
        return None
    state.pending_hyphen = True
    return True


def _on_point(state: _State, atom: _Atom) -> bool | None:
    if state.group is None or state.pending_and or state.pending_a \
            or state.stage not in (*_WHOLE_STAGES, "hundred") \
            or (state.stage == "digits" and not state.atoms[state.i - 1].plain):
        return None
    digits, consumed = _decimal_words(state.atoms[state.i + 1:])
    if not digits:
        return None
    state.group += float("0." + digits)
    state.i += consumed
    state.stage = "decimal"
    return True


def _on_num(state: _State, atom: _Atom) -> bool | None:
    if state.pending_a or state.pending_hyphen:
        return None
    if state.group is None and state.stage in (None, "scale"):
        state.group = state.small = atom.value
        state.had_hundred = False
    elif state.group is not None and state.stage == "hundred" and state.small == 0 and atom.value < 100 \
            and atom.value == int(atom.value):
        state.group += atom.value  # "3 hundred and 21"
        state.small = atom.value
    else:
        return None
    state.stage = "digits"
    state.pending_and = state.pending_comma = False
    return True


def _on_word(state: _State, atom: _Atom) -> bool | _Reading | None:
    if state.pending_a:
        return None
    value = atom.value
    role = "unit" if value < 10 else "teen" if value < 20 else "tens"
    following = state.atoms[state.i + 1] if state.i + 1 < len(state.atoms) else None
    if value == 0 and not (state.stage is None and (following is None or following.kind == "point")):
        return None  # "zero" stands alone or opens a decimal
    if state.pending_and and state.stage in (*_WHOLE_STAGES, "hundred", "scale") \
            and _fraction_follows(state.atoms, state.i):
        reading = _mixed_fraction(state.group or 0.0, state.atoms[state.i:])
        return None if reading is None else _finish(state.total, reading, state.last_scale)
    if state.group is None and state.stage in (None, "scale"):
        state.group = state.small = value
        state.had_hundred = False
    elif state.group is not None and state.stage == "tens" and role == "unit" and not state.pending_and:
        state.group += value  # "twenty-one"
        state.small += value
    elif state.group is not None and state.stage == "hundred" and state.small == 0:
        state.group += value  # "one hundred (and) six"
        state.small = value
    else:
        return None
    if state.pending_hyphen and not (state.stage == "tens" and role == "unit"):
        return None
    state.stage = role
    state.pending_and = state.pending_hyphen = state.pending_comma = False
    return True


def _on_hundred(state: _State, atom: _Atom) -> bool | None:
    if state.pending_hyphen:
        return None
    if state.pending_a and state.group is None:
        state.group, state.small, state.pending_a = 100.0, 0.0, False
    elif state.group is not None and not state.had_hundred and not state.pending_and \
            and state.stage in _WHOLE_STAGES and (state.stage == "digits" or state.group < 100):
        state.group *= 100  # "twenty-one hundred", "322 hundred"
        state.small = 0.0
    else:
        return None  # a bare "hundred" is vague: "several hundred years"
    state.had_hundred = True
    state.stage = "hundred"
    return True


def _on_scale(state: _State, atom: _Atom) -> bool | None:
    if state.pending_and or state.pending_hyphen or state.pending_comma:
        return None
    if atom.abbr and state.stage not in ("digits", "decimal"):
        return None  # "bn", "k" only after digits
    if state.pending_a and state.group is None:
        state.group, state.pending_a = 1.0, False
    if state.group is None:
        if state.stage == "scale" and atom.value > state.last_scale:
            state.total *= atom.value  # "three lakh crore"
            state.last_scale *= atom.value
            return True
        return None  # "millions of": not a number
    if atom.value >= state.last_scale:
        return None
    state.total += state.group * atom.value
    state.last_scale = atom.value
    state.group, state.small, state.stage = None, 0.0, "scale"
    state.had_hundred = state.fraction = False
    return True


def _on_dozen(state: _State, atom: _Atom) -> bool | None:
    if state.pending_and or state.pending_hyphen:
        return None
    if state.pending_a and state.group is None:
        state.group = state.small = 12.0
    elif state.pending_a and state.stage == "frac" and state.group is not None:
        state.group = state.small = state.group * 12  # "half a dozen"
    elif state.group is not None and state.stage in (*_WHOLE_STAGES, "frac") and not state.pending_a:
        state.group = state.group - state.small + state.small * 12  # "three hundred and two dozen"
        state.small *= 12
    else:
        return None
    state.pending_a = False
    state.stage = "dozen"
    state.fraction = False
    return True


def _on_glyph(state: _State, atom: _Atom) -> bool | None:
    if state.pending_a or state.pending_hyphen:
        return None
    if state.group is None and state.stage is None:
        state.group = state.small = atom.value
    elif state.group is not None and state.stage == "digits" and not state.pending_and:
        state.group += atom.value  # "2½"
    else:
        return None
    state.fraction = True
    state.stage = "frac"
    return True


def _on_slash(state: _State, atom: _Atom) -> bool | None:
    if state.pending_a or state.pending_hyphen or state.pending_and:
        return None
    value = atom.value / atom.denominator
    if state.group is None and state.stage is None:
        state.group = state.small = value
    elif state.group is not None and state.stage == "digits" and state.atoms[state.i - 1].plain and abs(value) < 1:
        state.group += math.copysign(abs(value), state.group)  # "2 1/4", "- 1 4/5"
    else:
        return None
    state.fraction = True
    state.stage = "frac"
    return True


def _on_frac(state: _State, atom: _Atom) -> bool | None:
    """"half", "quarter(s)", "halves": a fraction word that is never an ordinal."""
    if state.pending_hyphen:
        return None
    following = state.atoms[state.i + 1] if state.i + 1 < len(state.atoms) else None
    if state.pending_a and state.pending_and and state.group is not None:
        state.group += 1 / atom.value  # "one and a half"
    elif state.pending_a and state.pending_and and state.stage == "scale":
        if following is not None and following.kind == "scale":
            state.group = state.small = 1 / atom.value  # "one billion and a half million"
        else:
            state.total += state.last_scale / atom.value  # "one million and a half"
            state.pending_a = state.pending_and = False
            state.stage = "scale_frac"
            return True
    elif state.pending_a or (state.group is None and state.stage is None):
        state.group = state.small = 1 / atom.value  # "a half", "half", "quarter million"
    elif state.group is not None and state.stage in _WHOLE_STAGES and not state.pending_and:
        state.parts = (state.group, atom.value)
        state.group = state.small = state.group / atom.value  # "three quarters"
    else:
        return None
    state.pending_a = state.pending_and = False
    state.fraction = True
    state.stage = "frac"
    return True


def _on_ord(state: _State, atom: _Atom) -> _Reading | None:
    return _ordinal_tail(state.atoms, state.i, state.total, state.group, state.stage, state.last_scale,
                         pending_a=state.pending_a, pending_and=state.pending_and,
                         pending_hyphen=state.pending_hyphen)


_HANDLERS = {
    "and": _on_and, "comma": _on_comma, "a": _on_a, "hyphen": _on_hyphen, "point": _on_point,
    "num": _on_num, "word": _on_word, "hundred": _on_hundred, "scale": _on_scale, "dozen": _on_dozen,
    "glyph": _on_glyph, "slash": _on_slash, "frac": _on_frac, "ord": _on_ord,
}


def _merge_compound_ordinals(atoms: Sequence[_Atom]) -> list[_Atom]:
    """"twenty-first", "twenty-fifths": a hyphenated tens word and ordinal are one ordinal."""
    merged: list[_Atom] = []
    i = 0
    while i < len(atoms):
        atom = atoms[i]
        if atom.kind == "word" and 20 <= atom.value < 100 and atom.value % 10 == 0:
            # "twenty-first", and without the hyphen "one hundred twenty fifth"
            step = 2 if i + 2 < len(atoms) and atoms[i + 1].kind == "hyphen" else 1
            unit = atoms[i + step] if i + step < len(atoms) else None
            # "and thirty fifths" and a leading "twenty fifths" are 30/5 and 20/5
            unhyphenated_numerator = step == 1 and (i == 0 or atoms[i - 1].kind == "and")
            if unit is not None and not unhyphenated_numerator and unit.kind == "ord" and unit.wordish \
                    and unit.value < 10:
                merged.append(replace(unit, start=atom.start, value=atom.value + unit.value))
                i += step + 1
                continue
        merged.append(atom)
        i += 1
    return merged


def _finish(total: float, reading: _Reading, last_scale: float) -> _Reading:
    if total and reading.kind == "fraction" and reading.value < 1 and last_scale != math.inf:
        return _Reading(total + reading.value * last_scale, "cardinal")
    return _Reading(total + reading.value, reading.kind if total == 0 else "cardinal")


def _fraction_follows(atoms: Sequence[_Atom], index: int) -> bool:
    """After "and": do number words lead to a plural ordinal ("and three fifths")?"""
    for position, atom in enumerate(atoms[index:], start=index):
        if atom.kind == "ord":
            previous = atoms[position - 1]
            return atom.plural or (previous.kind == "word" and previous.value == 1)  # "and one fourth"
        if atom.kind == "frac":
            return True
        if atom.kind not in ("word", "hyphen"):
            return False
    return False


def _mixed_fraction(group: float, atoms: Sequence[_Atom]) -> _Reading | None:
    """"twenty and three fifths": the whole part plus a fraction read from `atoms`."""
    tail = _cardinal(atoms, merge=False)  # already merged by the caller
    if tail is None or tail.kind != "fraction":
        return None
    if tail.value < 1:
        return _Reading(group + tail.value, "fraction")
    # an improper tail ("one hundred and thirty fifths") divides the whole phrase
    numerator = tail.parts[0] if tail.parts else None
    denominator = tail.parts[1] if tail.parts else None
    if numerator is None or denominator is None:
        return None
    return _Reading((group + numerator) / denominator, "fraction")


def _ordinal_tail(atoms: Sequence[_Atom], index: int, total: float, group: float | None,
                  stage: str | None, last_scale: float, *, pending_a: bool, pending_and: bool,
                  pending_hyphen: bool) -> _Reading | None:
    """An ordinal word closes the phrase: as an ordinal, or as a fraction's denominator."""
    atom = atoms[index]
    rest = atoms[index + 1:]
    denominator = atom.value
    if rest:
        # only a scale may follow a fraction ("a half million" is handled as frac);
        # anything else after an ordinal is not part of this number
        if atom.plural and all(a.kind == "scale" for a in rest) and len(rest) == 1 and group is not None:
            value = group / denominator
            return _Reading(total + value * rest[0].value, "cardinal")
        return None
    if not atom.wordish:  # digit ordinals ("2nd") stand alone
        if group is None and stage is None and not pending_a:
            return _Reading(atom.value, "ordinal")
        return None
    if atom.plural:
        if pending_a:
            return None
        if group is None and stage is None:
            return None  # "fifths" alone
        if pending_and:
            return None
        numerator = total + group if group is not None else total
        return _Reading(numerator / denominator, "fraction", (numerator, denominator))
    # singular
    lone_one = group == 1 and stage == "unit" and total == 0 and not pending_and
    if atom.noun_follows and not pending_hyphen and ((pending_a and group is None) or lone_one):
        return None  # "a third straight year", "one second place": an ordinal adjective
    if pending_a and group is None:
        if denominator <= 2:
            return None  # "a second" is a unit of time, "a first" an event
        if pending_and and stage == "scale":
            return _Reading(total + last_scale / denominator, "cardinal")
        return _Reading(total + 1 / denominator, "fraction", (1.0, denominator))
    if pending_a and pending_and and group is not None:
        return _Reading(total + group + 1 / denominator, "fraction")
    if lone_one and denominator != 2:
        return _Reading(1 / denominator, "fraction", (1.0, denominator))  # "one fifth", "one-eighth"
    if pending_and and stage not in ("hundred", "scale"):
        return None
    if index == 0:
        return _Reading(atom.value, "ordinal")
    # an ordinal built on a cardinal: read the word as its cardinal and keep going
    if denominator >= 1000:
        role_atom = _Atom("scale", atom.start, atom.end, value=denominator)
    elif denominator == 100:
        role_atom = _Atom("hundred", atom.start, atom.end, value=100)
    else:
        role_atom = _Atom("word", atom.start, atom.end, value=denominator, wordish=True)
    reading = _cardinal([*atoms[:index], role_atom])
    if reading is None or reading.kind != "cardinal":
        return None
    return _Reading(reading.value, "ordinal")


def _decimal_words(atoms: Sequence[_Atom]) -> tuple[str, int]:
    """Digits after "point": "zero three" -> "03", "seventy-one" -> "71"."""
    digits = ""
    consumed = 0
    previous_tens = False
    for atom in atoms:
        if atom.kind == "word":
            value = int(atom.value)
            if previous_tens and value < 10:
                digits = digits[:-1] + str(value)
            else:
                digits += str(value)
            previous_tens = 20 <= value < 100
        elif atom.kind == "hyphen" and previous_tens:
            pass
        elif atom.kind == "num" and atom.plain and not digits:
            digits = atom.digits
            consumed += 1
            break
        else:
            break
        consumed += 1
    return digits, consumed


# --- text mode -------------------------------------------------------------------------

_TEXT_CHUNKS = re.compile(r"\s+|[^\s]+")


def _text_atoms(text: str) -> list[_Atom]:
    atoms: list[_Atom] = []
    chunks = list(_TEXT_CHUNKS.finditer(text))
    previous_digit_end = -1
    skip_of = False
    for index, match in enumerate(chunks):
        chunk = match.group()
        if chunk.isspace():
            if chunk in _THIN_SPACES:
                atoms.append(_Atom("space", match.start(), match.end(), digits=chunk))
            continue
        if skip_of:
            skip_of = False
            continue
        following = chunks[index + 2].group().lower() if index + 2 < len(chunks) else ""
        if chunk.lower() == "out" and following == "of":
            atoms.append(_Atom("over", match.start(), match.end(), strict=True))
            skip_of = True
            continue
        core = chunk.rstrip(",;:!?") if len(chunk) > 1 else chunk
        if core.endswith(".") and len(core) > 1 and not core[:-1].replace(",", "").replace(".", "").isdigit():
            core = core[:-1]
        elif core.endswith(".") and core[:-1].isdigit():
            core = core[:-1]  # "192."
        glued = previous_digit_end == match.start()
        atoms.extend(_lex_chunk(core, match.start(), glued=glued))
        if core != chunk and chunk[len(core):].startswith(","):
            atoms.append(_Atom("comma", match.start() + len(core), match.start() + len(core) + 1))
        previous_digit_end = match.end() if core[-1:].isdigit() else -1
    return _join_digit_groups(atoms)


def _join_digit_groups(atoms: list[_Atom]) -> list[_Atom]:
    """Join "1 234 567" and "40\u202f000": a 1-3 digit group then 3-digit groups, one space apart.

    A narrow or non-breaking space is a thousands separator; an ordinary space only
    counts with three groups or more, or when the next group opens with a zero ("10
    000 dollars": no number is written "000"), since two numbers side by side ("74
    100%") are common in tables.
    """
    joined: list[_Atom] = []
    i = 0
    while i < len(atoms):
        atom = atoms[i]
        if atom.kind == "num" and atom.plain and 1 <= len(atom.digits) <= 3 and atom.suffix is None:
            digits, end, j, spaces = atom.digits, atom.end, i, []
            while j + 2 < len(atoms) and atoms[j + 1].kind == "space" and atoms[j + 2].kind == "num" \
                    and _group_of_three(atoms[j + 2].digits) and atoms[j + 2].suffix is None \
                    and atoms[j + 1].end == atoms[j + 2].start and atoms[j + 1].start == end:
                digits += atoms[j + 2].digits
                spaces.append(atoms[j + 1].digits)
                end = atoms[j + 2].end
                j += 2
                if "." in digits:
                    break  # the decimals close the number
            thousands = len(spaces) >= 2 or all(space not in ("", " ") for space in spaces) \
                or all(atoms[k].digits.startswith("0") for k in range(i + 2, j + 1, 2))
            if j > i and thousands:
                last = atoms[j]
                joined.append(replace(atom, end=end, value=float(digits), digits=digits, suffix=last.suffix,
                                      plain="." not in digits, last_token=last.token,
                                      noun_follows=last.noun_follows))
                i = j + 1
                continue
        if atom.kind != "space":  # spaces matter only inside digit groups
            joined.append(atom)
        i += 1
    return joined


def _group_of_three(digits: str) -> bool:
    """A thousands group: "234", or the last group with decimals: "567.89"."""
    whole, _, decimals = digits.partition(".")
    return len(whole) == 3 and whole.isdigit() and (not decimals or decimals.isdigit())


def parse_number(text: str) -> float | None:
    """Value of `text` when the whole text is one number, else None.

    Reads digits with separators ("1,234,567", "1 234 567", "4.800", ".08"), signs,
    scientific notation, number words ("seventeen", "twenty-one", "one hundred and six"),
    scales and their abbreviations ("2.2 billion", "$" aside: "2.2bn", "10k", "3 lakh"),
    dozens ("a dozen", "half a dozen"), fractions ("a third", "half", "two thirds",
    "one and a half", "3/4", "2 1/4", "⅔", "one over three") and decimals in words
    ("two point five"). Ordinals are not numbers here: see `parse_ordinal`.

    >>> parse_number("2.2 billion")
    2200000000.0
    >>> parse_number("twenty-one")
    21.0
    >>> parse_number("first") is None
    True
    """
    reading = _read_text(text)
    if reading is None or reading.kind == "ordinal":
        return None
    return reading.value


def parse_ordinal(text: str) -> int | None:
    """Value of an ordinal ("first", "2nd", "twenty-first", "one hundred twenty-fifth").

    >>> parse_ordinal("9th"), parse_ordinal("ninth"), parse_ordinal("nine")
    (9, 9, None)
    """
    reading = _read_text(text)
    if reading is None or reading.kind != "ordinal":
        return None
    return int(reading.value)


def _read_text(text: str) -> _Reading | None:
    atoms = [a for a in _text_atoms(text.strip()) if a.kind != "break" or a.start != a.end]
    if not atoms or any(a.kind == "break" for a in atoms):
        return None
    return _evaluate(atoms)


# --- doc mode --------------------------------------------------------------------------


def find_numbers(doclike: "Doc | Span", *, ordinals: bool = True) -> list[NumberMention]:
    """Every number mention in a doc or span, in text order.

    Args:
        doclike: a parsed spaCy `Doc` or `Span`; offsets are into the doc's text.
        ordinals: keep ordinal mentions ("first", "2nd").

    Returns:
        `NumberMention` records. Numbers inside URLs and e-mail addresses are skipped,
        digits glued to letters carry the letters as `suffix`.
    """
    atoms = _doc_atoms(doclike)
    mentions: list[NumberMention] = []
    for run in _runs(atoms):
        for reading, chunk in _read_run(run):
            mention = _mention(doclike, reading, chunk)
            if mention is None or (not ordinals and mention.kind == "ordinal"):
                continue
            mentions.append(mention)
    return mentions


def _doc_atoms(doclike: "Doc | Span") -> list[_Atom]:
    atoms: list[_Atom] = []
    tokens = list(doclike)
    for position, token in enumerate(tokens):
        previous = tokens[position - 1] if position else None
        text = token.text
        if _plain_token(text) and (
                previous is None or previous.whitespace_ or not previous.text[-1:].isdigit()):
            # Most tokens are words or punctuation with no part in a number: they
            # only end a run. One break stands for a stretch of them, and the spaces
            # and line breaks after them cannot join a digit group, so nothing else
            # is kept. This skips `_token_atoms` for about nine tokens in ten.
            if not atoms or atoms[-1].kind != "break" or atoms[-1].suffix is not None:
                atoms.append(_Atom("break", token.idx, token.idx + len(text)))
            continue
        following = tokens[position + 1] if position + 1 < len(tokens) else None
        token_atoms = _token_atoms(token, previous, following)
        if len(token_atoms) == 1 and token_atoms[0].kind == "break" and token_atoms[0].suffix is None:
            atoms.append(token_atoms[0])  # most tokens: no number here, nothing to annotate
        else:
            noun_follows = _noun_follows(following)
            atoms.extend(replace(atom, token=token.i, noun_follows=noun_follows) for atom in token_atoms)
        if token.whitespace_ and "\n" in token.whitespace_:
            atoms.append(_Atom("break", token.idx + len(token.text), token.idx + len(token.text), token=token.i))
        elif token.whitespace_ in _THIN_SPACES and following is not None and not following.is_space:
            atoms.append(_Atom("space", token.idx + len(token.text), following.idx, token=token.i,
                               digits=token.whitespace_))
    return _join_digit_groups(atoms)


@functools.lru_cache(maxsize=1 << 16)
def _plain_token(text: str) -> bool:
    """A token text for which `_token_atoms` gives one bare break whatever its neighbours,
    unless it is glued to digits before it (the caller checks that)."""
    if text.lower() in ("out", "of") or text in _HYPHENS or text[:1] in _MINUS_SIGNS:
        return False  # these depend on the tokens around them
    atoms = _lex_chunk(text, 0)
    return len(atoms) == 1 and atoms[0].kind == "break" and atoms[0].suffix is None


def _noun_follows(following: "Token | None") -> bool:
    """Is the next token something a number could count ("3 years", "a third straight year")?"""
    if following is None or following.pos_ not in ("NOUN", "PROPN", "ADJ") or following.like_num:
        return False
    lower = following.lower_
    return lower not in ("more", "less", "fewer", "higher", "lower") and lower not in _SCALES \
        and lower not in _DOZENS and not following.is_punct


def _token_atoms(token: "Token", previous: "Token | None", following: "Token | None") -> list[_Atom]:
    text = token.text
    start = token.idx
    if token.like_url or token.like_email or ("/" in text and "." in text and any(c.isalpha() for c in text)):
        return [_Atom("break", start, start + len(text))]
    glued = previous is not None and not previous.whitespace_ and previous.text[-1:].isdigit()
    if text.lower() == "out" and following is not None and following.lower_ == "of":
        return [_Atom("over", start, start + len(text), strict=True)]
    if text.lower() == "of" and previous is not None and previous.lower_ == "out":
        return []
    if glued and previous is not None and text.rstrip(".").isalpha() and text.rstrip("."):
        return _glued_suffix(token, previous, following)
    if text in _CURRENCY_SIGNS:
        return [_Atom("break", start, start + len(text))]
    if text in _HYPHENS | _MINUS_SIGNS and previous is not None and not previous.whitespace_ \
            and any(c.isalpha() for c in previous.text) and _lex_word(previous.text, 0, 0, glued=False) is None:
        return [_Atom("break", start, start + len(text))]  # "I7-860", "SCP-173": a code's hyphen
    if text[:1] in _MINUS_SIGNS and len(text) > 1 and previous is not None and not previous.whitespace_ \
            and previous.text[-1:].isalnum():
        # "I7-860": a hyphen inside a code, not a minus sign
        return [_Atom("hyphen", start, start + 1), *_lex_chunk(text[1:], start + 1)]
    atoms = _lex_chunk(text, start, glued=glued)
    if len(atoms) == 1 and atoms[0].kind == "frac" and not _fraction_word_counts(token, previous):
        return [_Atom("break", start, start + len(text))]
    if len(atoms) == 1 and atoms[0].kind == "word" and atoms[0].value == 1 and token.pos_ != "NUM":
        # "the one you mentioned": a pronoun; "one hundred" still works through the
        # tagger, which calls that "one" a numeral
        inside_number = previous is not None and (
            previous.lower_ in _TENS or previous.lower_ in ("-", "and", "point", "over", "of", "minus", "negative")
            or previous.lower_ in _SCALES or previous.lower_ in ("hundred", "hundreds"))
        if not inside_number and not (following is not None and following.lower_ in (
                "hundred", "thousand", "million", "billion", "trillion", "and", "-", "half", "third",
                "quarter", "fifth", "out", "over", "point")):
            return [_Atom("break", start, start + len(text))]
    return atoms


def _fraction_word_counts(token: "Token", previous: "Token | None") -> bool:
    """"half" and "quarter" as numbers ("more than half", "a quarter of", "two and a half"),
    not as parts of a year or a game ("the second half", "third quarter results")."""
    before = previous.lower_ if previous is not None else ""
    if before in _ORDINAL_WORDS or _DIGIT_ORDINAL.fullmatch(before) or before in (
            "the", "this", "that", "each", "every", "other", "its", "their", "his", "her", "our", "next", "last"):
        return False
    if token.lower_ in ("quarter", "quarters"):
        # a bare "quarter" is a period or a district; as a number it needs "a", "one", "three" ...
        return before in ("a", "one", "-", "and") or before in _UNITS or before in _TEENS or before in _TENS
    return True


def _glued_suffix(token: "Token", previous: "Token", following: "Token | None") -> list[_Atom]:
    """Letters right after digits in the next token: a scale, or a unit kept as suffix."""
    start = token.idx
    text = token.text[:-1] if token.text.endswith(".") and len(token.text) > 1 else token.text  # "£300m."
    if text in _GLUED_ABBR or text == "m":
        if text == "m":
            before = previous.nbor(-1) if previous.i > 0 else None
            after_currency = before is not None and before.text in _CURRENCY_SIGNS
            plural_noun = following is not None and following.tag_ in ("NNS", "NNPS")
            if not (after_currency or plural_noun):
                return [_Atom("break", start, start + len(text), suffix=text)]
            return [_Atom("scale", start, start + len(text), value=1e6, abbr=True)]
        return [_Atom("scale", start, start + len(text), value=_GLUED_ABBR[text], abbr=True)]
    if text.lower() in _SCALES or text.lower() in _DOZENS:
        return _lex_chunk(text, start)
    return [_Atom("break", start, start + len(text), suffix=text)]


def _runs(atoms: list[_Atom]) -> Iterator[list[_Atom]]:
    """Maximal stretches of atoms with no break between them."""
    run: list[_Atom] = []
    for _index, atom in enumerate(atoms):
        if atom.kind == "break":
            if atom.suffix and run and run[-1].kind == "num" and run[-1].end == atom.start:
                # letters in the next token glued to the digits ("5" "m" in "a 5m wall")
                run[-1] = replace(run[-1], suffix=atom.suffix, noun_follows=atom.noun_follows)
            if run:
                yield run
            run = []
        else:
            run.append(atom)
    if run:
        yield run


def _read_run(run: list[_Atom]) -> Iterator[tuple[_Reading, list[_Atom]]]:
    """Greedy longest readings, left to right."""
    i = 0
    n = len(run)
    while i < n:
        atom = run[i]
        if atom.kind in ("and", "comma", "point", "over", "caret", "space") or \
                (atom.kind in ("minus", "hyphen") and i > 0 and run[i - 1].kind in _VALUE_KINDS):
            i += 1
            continue
        best: tuple[_Reading, int] | None = None
        for j in range(n, i, -1):
            reading = _evaluate(run[i:j])
            if reading is not None:
                best = (reading, j)
                break
        if best is None:
            i += 1
            continue
        reading, j = best
        if reading.parts is not None and j < n and run[j].kind in _VALUE_KINDS:
            # "two out of five hundred tvs": the denominator was cut short, so this
            # is no ratio; read the numerator on its own
            cut = next(k for k in range(i, j) if run[k].kind == "over")
            shorter = _evaluate(run[i:cut])
            if shorter is None:
                i += 1
                continue
            reading, j = shorter, cut
        # "3 hundred and 2 hundred": the tail group belongs to the next number
        if j < n and run[j].kind in ("hundred", "scale", "dozen") and j - i >= 3 and run[j - 2].kind == "and":
            shorter = _evaluate(run[i:j - 2])
            if shorter is not None:
                reading, j = shorter, j - 2
        yield reading, run[i:j]
        i = j


def _mention(doclike: "Doc | Span", reading: _Reading, chunk: list[_Atom]) -> NumberMention | None:
    doc = doclike.doc  # a Doc's .doc is the Doc itself
    values = [a for a in chunk if a.kind in _VALUE_KINDS]
    if not values:
        return None
    if len(values) == 1 and values[0].kind == "scale" and not values[0].abbr:
        return None
    start, end = chunk[0].start, chunk[-1].end
    if math.isnan(reading.value) or math.isinf(reading.value):
        return None
    last = chunk[-1]
    suffix = last.suffix if last.kind == "num" else None
    token_end = max(last.token, last.last_token) + 1
    if suffix is not None:
        following = doc[token_end] if token_end < len(doc) else None
        if following is not None and following.idx == last.end and following.text == suffix:
            token_end = following.i + 1
    token_end = max(token_end, chunk[0].token + 1)
    return NumberMention(
        start=start,
        end=end,
        text=text_between(doc, start, end, chunk[0].token, token_end),
        value=reading.value,
        kind=reading.kind,
        token_start=chunk[0].token,
        token_end=token_end,
        suffix=suffix,
        parts=reading.parts,
    )


def text_between(doc: "Doc", start: int, end: int, token_start: int, token_end: int) -> str:
    """`doc.text[start:end]` for offsets inside tokens `token_start:token_end`.

    `Doc.text` rebuilds the whole text on every access; slicing the covering span
    keeps extraction linear in the length of the document.
    """
    span = doc[token_start:token_end]
    return span.text[start - span.start_char:end - span.start_char]

