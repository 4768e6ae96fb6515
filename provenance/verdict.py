"""The one-line verdict on a figure family, built from its JSON record.

It answers the analyst's first question ("where did this figure come from,
and how faithfully is it retold?") before any table: the primary source and
its value, then how the other mentions relate to that value.  It reads the
family's public dict (records.FigureFamily.to_dict's shape), so the HTML,
Markdown and JSON outputs all state the same counts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from .display import clean_text, format_value, mapping, number_in, values_match


@dataclass(frozen=True)
class Verdict:
    primary: str | None  # the primary source's name, None when none was identified
    primary_value: float | None  # as the primary document states it, else the family value
    primary_date: str | None
    retellings: int  # mentions outside the primary document
    match: int  # state the primary value
    rounded: int  # state a different number that the primary value rounds to
    rounded_to: tuple[str, ...]  # the rounded forms, as stated
    differ: int  # state a number that is neither
    no_source: int  # name no source at all
    first_seen: str | None
    sentence: str

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["rounded_to"] = list(self.rounded_to)
        return out


def _rounds_to(primary: float, stated: float) -> bool:
    # A retelling that drops decimals (17.1 -> 17, 4.16 -> 4.2) states the primary value rounded.
    for digits in range(0, 3):
        if math.isclose(round(primary, digits), stated, rel_tol=0, abs_tol=1e-9):
            return True
    return False


def build_verdict(figure: Mapping[str, Any]) -> Verdict:
    source = figure.get("primary_source") if isinstance(figure.get("primary_source"), Mapping) else None
    mentions = [m for m in figure.get("mentions") or [] if isinstance(m, Mapping)]
    document = (source.get("article") or (source.get("evidence") or {}).get("article")) if source else None
    own = [m for m in mentions if document is not None and m.get("article") == document]
    stated = number_in(own[0].get("value", own[0].get("text"))) if own else None
    primary_value = stated if stated is not None else number_in(figure.get("value"))
    primary_date = next((clean_text(m.get("date"))[:10] for m in own if m.get("date")), None)
    others = [m for m in mentions if not (document is not None and m.get("article") == document)]
    match = rounded = differ = no_source = 0
    rounded_to: list[str] = []
    for mention in others:
        value = number_in(mention.get("value", mention.get("text")))
        if mention.get("attribution") is None:
            no_source += 1
        if value is None or primary_value is None or values_match(value, primary_value):
            match += 1
        elif _rounds_to(primary_value, value):
            rounded += 1
            shown = clean_text(mention.get("text")) or str(value)
            if shown not in rounded_to:
                rounded_to.append(shown)
        else:
            differ += 1
    seen = mapping(figure.get("first_seen"))
    # The day is what an analyst reads; the time of a wire copy's timestamp is noise in a sentence.
    first = clean_text(seen.get("date"))[:10] or None
    name = clean_text(source.get("name")) if source else None
    unit, of = figure.get("unit"), figure.get("of")
    head = (f"Primary: {name or 'unnamed source'}, {format_value(primary_value, unit, of)}"
            + (f" ({primary_date})" if primary_date else "") if source else "No primary source identified")
    parts = [_count(match, "matches", "match") if match else "none matches"]
    if rounded:
        parts.append(f"{_count(rounded, 'rounds', 'round')} it to {', '.join(rounded_to)}")
    if differ:
        parts.append(f"{_count(differ, 'states', 'state')} another number")
    if no_source:
        parts.append(f"{_count(no_source, 'names', 'name')} no source")
    sentence = (f"{head}. {len(others)} retelling{'' if len(others) == 1 else 's'}: {', '.join(parts)}"
                + (f"; first seen {first}" if first else "") + ".")
    return Verdict(name, primary_value, primary_date, len(others), match, rounded, tuple(rounded_to), differ,
                   no_source, first, sentence)


def _count(n: int, one: str, many: str) -> str:
    """ "1 names", "3 name": the count with its verb agreeing."""
    return f"{n} {one if n == 1 else many}"
