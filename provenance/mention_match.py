"""Whether two mentions can be of one quantity: one holder, and values equal up to the rounding each
was stated with. Conflicts (numeric, direction, expectation, scope) all ask this before they call two
retellings contradictory, so it lives apart from any one kind of conflict."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from .figures import holder_countries

_HOLDER_STOP = frozenset("the a an of in for and its their all".split())


def _holder_words(text: str | None) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"\w+", (text or "").lower()) if w not in _HOLDER_STOP)


def same_holder(family: Any, one: Any, other: Any) -> bool:
    """Whether two mentions can be of one holder: a mention without one has the family's.

    "The healthcare sector added 73,300 jobs" is one sector's count, not the economy's 74,000, even
    when the two landed in one family; holders with no word in common are two quantities.
    """
    holders = [getattr(m, "holder", None) or getattr(family, "holder", None) for m in (one, other)]
    a, b = (_holder_words(h) for h in holders)
    if not a or not b or a & b:
        return True
    # One country named two ways ("the United States" and "US") is one holder.
    places = [holder_countries(h) for h in holders]
    return bool(places[0] and places[0] == places[1])


def both_from_one(a: float, b: float, stated: Sequence[float]) -> bool:
    """Whether a and b are both roundings or truncations of one more precise stated value."""
    return any(stated_step(v) < min(stated_step(a), stated_step(b)) and rounded_from(a, v) and rounded_from(b, v)
               for v in stated)


def rounded_from(short: float, precise: float) -> bool:
    """Whether `short` is `precise` rounded, or cut, to the precision `short` was stated with."""
    step = stated_step(short)
    # Rounded, or decimals cut off (15.86 -> 15.8); whole numbers are rounded, not cut (25 is not "20").
    tiny = step * 1e-6  # float noise: 15.9 - 15.8 is 0.0999...
    return (abs(short - precise) < step / 2 - tiny
            or (step < 1 and stated_step(precise) < step and -tiny <= abs(precise) - abs(short) < step - tiny))


def same_up_to_rounding(a: float, b: float) -> bool:
    """Whether one value is the other rounded to the precision it was stated with (15.9 for 15.86)."""
    if a == b:
        return True
    return any(stated_step(x) >= stated_step(y) and rounded_from(x, y) for x, y in ((a, b), (b, a)))


def stated_step(value: float) -> float:
    """The unit of the last significant digit a value was stated with: 0.1 for 3.1, 10 million for 890 million."""
    text = f"{abs(value):.6f}".rstrip("0")
    if text.endswith("."):
        whole = text[:-1]
        stripped = whole.rstrip("0")
        return 10.0 ** (len(whole) - len(stripped)) if stripped else 1.0
    return 10.0 ** -len(text.split(".")[1])
