"""The one way untrusted text (scraped, imported, typed into a URL) reaches the terminal.

Rich parses plain strings as console markup: `[link=https://evil.example]x[/link]` in a title
would become a clickable OSC 8 link, `[/x]` in a URL raises MarkupError and kills the command
(I7, I10). So data is only ever wrapped in `rich.text.Text`, never interpolated into a markup
string, and before that every control character (C0 but newline and tab, DEL, C1, which covers
ESC and CSI) and every bidi override (which can reorder what the eye reads) is replaced by a space.
Code that prints data writes `plain(value)` or `one_line(value)`; styling comes from `style=`.
"""

from __future__ import annotations

import re
from typing import Any

# C0 without \t and \n, DEL, C1, and the bidi embedding/override/isolate controls.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def printable(value: Any) -> str:
    """`value` as text that cannot drive the terminal; None is ""; line breaks kept."""
    return "" if value is None else _UNSAFE.sub(" ", str(value))


def one_line(value: Any) -> str:
    """`value` on one line, whitespace collapsed, nothing that can drive the terminal."""
    return " ".join(_UNSAFE_OR_BREAK.sub(" ", "" if value is None else str(value)).split())


def plain(value: Any, style: str = "", *, single_line: bool = False) -> Any:
    """A rich `Text` holding `value` literally (never parsed as markup)."""
    from rich.text import Text

    return Text(one_line(value) if single_line else printable(value), style=style)
