"""Number parsing: `parse_number` / `parse_ordinal` on text, `find_numbers` on real docs."""

from __future__ import annotations

import math

import pytest

from newstrace.extract.numbers import find_numbers, parse_number, parse_ordinal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # digits, separators, decimals, signs
        ("17", 17),
        ("1,234,567", 1234567),
        ("1 234 567", 1234567),
        ("40\u202f000", 40000),
        ("12,34,567.89", 1234567.89),
        ("4.800", 4.8),
        (".08", 0.08),
        ("-9.25", -9.25),
        ("minus five point five", -5.5),
        ("1e10", 1e10),
        ("1.3e6", 1.3e6),
        # words
        ("seventeen", 17),
        ("twenty-one", 21),
        ("twenty one", 21),
        ("one hundred and six", 106),
        ("a hundred and two", 102),
        ("two hundred and two thousand", 202000),
        ("twenty-one trillion and three hundred", 21000000000300),
        ("three million, two hundred & forty", 3000240),
        ("two hundred point zero three", 200.03),
        ("zero", 0),
        # scales and abbreviations
        ("2.2 billion", 2.2e9),
        ("2.2bn", 2.2e9),
        ("10k", 1e4),
        ("5m", 5e6),
        ("10M", 1e7),
        ("1.2b", 1.2e9),
        ("1,674.5 million", 1674500000),
        ("13 lakh", 1.3e6),
        ("3 crore", 3e7),
        ("a dozen", 12),
        ("half a dozen", 6),
        ("3 dozens", 36),
        ("half million", 5e5),
        ("five and a half million", 5.5e6),
        ("one million and a half", 1.5e6),
        # fractions
        ("a third", 1 / 3),
        ("half", 0.5),
        ("a quarter", 0.25),
        ("two thirds", 2 / 3),
        ("three quarters", 0.75),
        ("one fifth", 0.2),
        ("one-eighth", 0.125),
        ("one and a half", 1.5),
        ("twenty and three fifths", 20.6),
        ("3/4", 0.75),
        ("2 1/4", 2.25),
        ("⅔", 2 / 3),
        ("one over three", 1 / 3),
        ("one out of three", 1 / 3),
    ],
)
def test_parse_number(text: str, expected: float) -> None:
    value = parse_number(text)
    assert value is not None, text
    assert math.isclose(value, expected, rel_tol=1e-9, abs_tol=1e-12), (text, value)


@pytest.mark.parametrize(
    "text",
    ["", "million", "a", "and", "one two", "first", "12 out of 10", "17%", "hundred", "fifths", "3/0", "M2"],
)
def test_parse_number_rejects(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("first", 1),
        ("second", 2),
        ("ninth", 9),
        ("nineth", 9),
        ("2nd", 2),
        ("9th", 9),
        ("21st", 21),
        ("twenty-first", 21),
        ("one hundred twenty-fifth", 125),
        ("two hundredth", 200),
        ("three trillionth", 3e12),
    ],
)
def test_parse_ordinal(text: str, expected: int) -> None:
    assert parse_ordinal(text) == expected


@pytest.mark.parametrize("text", ["nine", "a third", "two thirds", "17", "top"])
def test_parse_ordinal_rejects(text: str) -> None:
    assert parse_ordinal(text) is None


# --- find_numbers on the real pipeline ---------------------------------------------------


def _found(nlp, text: str, **options):
    doc = nlp(text)
    mentions = find_numbers(doc, **options)
    for mention in mentions:
        assert doc.text[mention.start:mention.end] == mention.text
        assert doc[mention.token_start].idx <= mention.start
    return [(m.text, m.value, m.kind) for m in mentions]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It rose 17% to $2.2 billion.", [("17", 17, "cardinal"), ("2.2 billion", 2.2e9, "cardinal")]),
        ("Eight of the top ten", [("Eight", 8, "cardinal"), ("ten", 10, "cardinal")]),
        ("ranked 2nd and 9th", [("2nd", 2, "ordinal"), ("9th", 9, "ordinal")]),
        ("3 hundred and 2 hundred", [("3 hundred", 300, "cardinal"), ("2 hundred", 200, "cardinal")]),
        ("I want to earn $2000 over 3 years", [("2000", 2000, "cardinal"), ("3", 3, "cardinal")]),
        ("2000 over 3", [("2000 over 3", 2000 / 3, "fraction")]),
        ("192.168.1.2", [("192", 192, "cardinal"), ("168", 168, "cardinal"), ("1", 1, "cardinal"),
                         ("2", 2, "cardinal")]),
        ("a third of adults", [("a third", 1 / 3, "fraction")]),
        ("for a third straight year", [("third", 3, "ordinal")]),
        ("$5m budget and 10m users", [("5m", 5e6, "cardinal"), ("10m", 1e7, "cardinal")]),
        ("The one you mentioned", []),
        ("Visit https://example.com/article/1852208574524496/ now", []),
    ],
)
def test_find_numbers(nlp, text: str, expected: list[tuple[str, float, str]]) -> None:
    found = _found(nlp, text)
    assert [(t, k) for t, _, k in found] == [(t, k) for t, _, k in expected]
    for (_, value, _), (_, want, _) in zip(found, expected):
        assert math.isclose(value, want, rel_tol=1e-9)


def test_find_numbers_keeps_glued_units_as_suffix(nlp) -> None:
    doc = nlp("a 10m wall, 29km away, 17X faster, the 1990s")
    suffixes = {m.text: m.suffix for m in find_numbers(doc)}
    assert suffixes == {"10": "m", "29": "km", "17": "X", "1990": "s"}


def test_find_numbers_can_leave_out_ordinals(nlp) -> None:
    assert _found(nlp, "She finished second with 12 points", ordinals=False) == [("12", 12, "cardinal")]


def test_find_numbers_needs_only_a_tokenizer() -> None:
    import spacy

    doc = spacy.blank("en")("It rose 17% to $2.2 billion, up from one and a half million.")
    assert [(m.text, m.value) for m in find_numbers(doc)] == [
        ("17", 17), ("2.2 billion", 2.2e9), ("one and a half million", 1.5e6)]
