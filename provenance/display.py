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


def format_value(value: Any, unit: Any, of: Any = None, *, keep_spacing: bool = False) -> str:
    """A family's value the way an analyst would say it: 17%, 8 of 10, #2, 3×; a list joined by commas."""
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(v, unit, of, keep_spacing=keep_spacing) for v in value)
    shown = format_number(value, keep_spacing=keep_spacing)
    if of is not None:
        return f"{shown} of {format_number(of, keep_spacing=keep_spacing)}"
    return {"percent": f"{shown}%", "rank": f"#{shown}", "multiplier": f"{shown}×"}.get(str(unit), shown)


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


def entries(container: Mapping[str, Any], key: str) -> list[dict]:
    """The mappings listed under `container[key]`; a missing key or a malformed item is skipped, not an error."""
    return [item for item in container.get(key) or [] if isinstance(item, Mapping)]


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


def statement(figure: Mapping[str, Any], *, keep_spacing: bool = False) -> str:
    """The figure's own statement, or one built from its parts: "holder: value measure (period)"."""
    if figure.get("statement"):
        return clean_text(figure["statement"], keep_spacing=keep_spacing)
    holder, period = figure.get("holder"), figure.get("period")
    parts = [f"{clean_text(holder, keep_spacing=keep_spacing)}:" if holder else "",
             format_value(figure.get("value"), figure.get("unit"), figure.get("of"), keep_spacing=keep_spacing),
             clean_text(figure.get("measure"), keep_spacing=keep_spacing),
             f"({clean_text(period, keep_spacing=keep_spacing)})" if period else ""]
    return " ".join(p for p in parts if p)
