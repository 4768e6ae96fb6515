"""Display helpers shared by the report renderers (HTML, Markdown, terminal).

Every string in a report came from a scraped page, so text reaches a renderer
only through `clean_text`: ANSI sequences and control characters removed. Each
renderer still applies its own escaping (HTML entities, Markdown punctuation,
rich `Text`) on top.

By default text is tidied for one-line display (Markdown table cells end at a
newline, terminal cells are one line). The HTML renderer passes
`keep_spacing=True`: it cleans slices of an article separately and joins them,
and stripping each slice would eat the spaces at the joins.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

# ANSI escape sequences are removed whole, so "\x1b[2J" does not leave "[2J" behind.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
# C0/C1 controls (bar tab and newline) and bidi overrides, which can make a title read backwards.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_BREAKS = re.compile(r"[\r\n\t]+")
_BREAKS_AND_SPACE = re.compile(r"\s*[\r\n\t]+\s*")
# Anything the three passes below would touch: every ANSI sequence starts with ESC and
# every break is a control, so most strings (plain prose) skip all three.
_NEEDS_CLEANING = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")

# What an analyst reads for each flag code the report uses; an unknown code is shown as it is.
FLAG_LABELS = {
    "drift": "drift",
    "unattributed": "unattributed",
    "inferred_attribution": "inferred attribution",
    "primary_mismatch": "primary mismatch",
    "no_primary_source": "no primary source",
    "contradiction": "contradiction",
    "sources_differ": "sources differ",
    "ambiguous_source": "ambiguous source",
    "traced_by_value": "traced by value",
}


def clean_text(value: Any, *, keep_newlines: bool = False, keep_spacing: bool = False) -> str:
    """`value` as safe display text; None becomes "".

    ANSI sequences and control characters are removed. Unless `keep_newlines`,
    line breaks and tabs become a space: with `keep_spacing` each run of them
    becomes one space and the rest is left alone; without it the whitespace
    around them collapses to one space and the ends are stripped.
    """
    if value is None:
        return ""
    text = str(value)
    if _NEEDS_CLEANING.search(text) is None:
        return text if keep_spacing else text.strip()
    text = _ANSI.sub("", text)
    if not keep_newlines:
        text = (_BREAKS if keep_spacing else _BREAKS_AND_SPACE).sub(" ", text)
    text = _CONTROL.sub("", text)
    return text if keep_spacing else text.strip()


def shorten(value: Any, limit: int, *, keep_spacing: bool = False) -> str:
    """Cleaned text cut to at most `limit` characters, ending in "…" when cut."""
    text = clean_text(value, keep_spacing=keep_spacing)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def format_number(value: Any, *, keep_spacing: bool = False) -> str:
    """A number with thousands separators (1,200; 0.25); anything else as cleaned text."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return clean_text(value, keep_spacing=keep_spacing)
    return f"{value:,}" if isinstance(value, int) else f"{value:.6g}"


# Large values are shown as a reader writes them ("2.2 billion", "17 million"), never as 2.2e+09.
_SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
# Currency codes (as extract stores them) shown as the sign readers know; other codes are written out.
_CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "KRW": "₩"}


def format_amount(value: Any, *, keep_spacing: bool = False) -> str:
    """`format_number`, with values of a million and more in scale words: 879 million, 1.038 billion."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        for size, word in _SCALES:
            if abs(value) >= size:
                scaled = float(f"{value / size:.4g}")
                return f"{format_number(scaled)} {word}"
    return format_number(value, keep_spacing=keep_spacing)


def format_value(value: Any, unit: Any, of: Any = None, *, keep_spacing: bool = False,
                 currency: Any = None) -> str:
    """A family's value the way an analyst would say it: 17%, 8 of 10, #2, 3×, $2.2 billion; a list joined by commas."""
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(v, unit, of, keep_spacing=keep_spacing, currency=currency) for v in value)
    if of is None and str(unit) == "ratio" and (said := _share_words(value)):
        return said
    shown = format_amount(value, keep_spacing=keep_spacing)
    if of is not None:
        return f"{shown} of {format_number(of, keep_spacing=keep_spacing)}"
    if str(unit) == "money" and currency:
        code = clean_text(currency)
        sign = _CURRENCY_SIGNS.get(code)
        return f"{sign}{shown}" if sign else f"{code} {shown}"
    return {"percent": f"{shown}%", "rank": f"#{shown}", "multiplier": f"{shown}×"}.get(str(unit), shown)


def _share_words(value: Any) -> str | None:
    """A fraction as the share it says, "1 in 9" for 0.111111, when a small denominator gives it exactly."""
    from .figures import share_denominator

    if not isinstance(value, (int, float)) or (denominator := share_denominator(value)) is None:
        return None
    return f"{round(value * denominator)} in {denominator}"


def _usable(phrase: Any, *others: Any) -> str:
    """A holder or measure worth printing: words, no digits (a misread number), not a repeat of another part."""
    text = clean_text(phrase)
    if not text or any(c.isdigit() for c in text) or not any(c.isalpha() for c in text):
        return ""
    lowered = text.lower()
    if any(lowered == clean_text(o).lower() or lowered in clean_text(o).lower().split() for o in others if o):
        return ""
    return text


# One capitalised word with a demonym ending ("Chinese", "Spanish", "Canadian", "Korean") is an adjective:
# it modifies the measure ("Chinese share") and takes no possessive ("Chinese's" is not English).
_DEMONYM = re.compile(r"^[A-Z][a-z]+(?:ese|ish|ian|ean|can|ch|i)$")


def _possessive(holder: str) -> str:
    if holder.endswith(("'s", "’s")):
        return holder
    if _DEMONYM.match(holder):
        return holder
    return holder + ("'" if holder.endswith("s") else "'s")


def statement_label(value: Any, unit: Any, of: Any = None, holder: Any = None, measure: Any = None,
                    period: Any = None, currency: Any = None, *, keep_spacing: bool = False) -> str:
    """The family as an analyst writes it: "US developers' share of downloads: 15.8% (year to August 2025)".

    Holder and measure read as one noun phrase before the value; a part that is only a number, a repeat of
    the period or of the other part is left out rather than printed as "May: 19,000 jobs (May)".
    """
    shown = format_value(value, unit, of, keep_spacing=keep_spacing, currency=currency)
    period_text = clean_text(period, keep_spacing=keep_spacing)
    measure_text = _usable(measure, period_text)
    holder_text = _usable(holder, period_text, measure_text)
    if holder_text and measure_text:
        subject = f"{_possessive(holder_text)} {measure_text}"
    else:
        subject = holder_text or measure_text
    if unit == "rank" and subject:
        shown = f"ranked {shown}"
    label = f"{subject[:1].upper()}{subject[1:]}: {shown}" if subject else shown
    return f"{label} ({period_text})" if period_text else label


def number_in(value: Any) -> float | None:
    """The number itself, or the first number written in the text ("1,200 jobs" -> 1200.0); None if there is none."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    # No keep_spacing here: both kinds of cleaning keep numbers apart the same way, so they find the same number.
    match = _NUMBER.search(clean_text(value))
    if not match:
        return None
    try:
        return float(match.group().replace(",", ""))
    except ValueError:
        return None


def _close(x: float, y: float) -> bool:
    return math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9)


def values_match(a: Any, b: Any) -> bool:
    """Both hold a number (see `number_in`) and the numbers are equal."""
    x, y = number_in(a), number_in(b)
    return x is not None and y is not None and _close(x, y)


def values_differ(a: Any, b: Any) -> bool:
    """Both hold a number and the numbers differ; False when either has none, so nothing unreadable is drift."""
    x, y = number_in(a), number_in(b)
    return x is not None and y is not None and not _close(x, y)


def mapping(value: Any) -> Mapping[str, Any]:
    """`value` if it is a mapping, else an empty one: for a record's optional part read key by key."""
    return value if isinstance(value, Mapping) else {}


def figure_key_label(key: Any) -> str:
    """A cluster's figure key ("17|percent", "8|count|of10") shown as a value ("17%", "8 of 10").

    A key that does not parse is shown as it is, cleaned.
    """
    parts = clean_text(key).split("|")
    try:
        value = float(parts[0])
        of = float(parts[2].removeprefix("of")) if len(parts) > 2 else None
    except ValueError:
        return clean_text(key)
    return format_value(value, parts[1] if len(parts) > 1 else None, of)
