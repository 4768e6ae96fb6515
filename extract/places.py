"""Places: the countries a phrase names, by name, short form or demonym.

`countries_in("United Kingdom developers") == frozenset({"GB"})`: the table is
language data (`extract/lang/<lang>/countries.yaml`, ISO 3166-1 alpha-2 code ->
names, short forms and demonyms), so a figure's holder can be compared with
another's by country whatever the wording ("UK", "British", "Britain").

Matching is on word boundaries, longest phrase first, so "Papua New Guinea" is
not "Guinea" and "Latin American" names no country (the table's `_none`).
Short all-capital forms ("US", "UK", "CAR") match only as written, since "us"
and "car" are words; the other forms must start with a capital ("Turkey", not
"turkey"; "Chinese", not "chinese" spelt in lower case by nobody).
"""

from __future__ import annotations

import functools
import re

from .langdata import DEFAULT_LANGUAGE, table

_NONE = "_none"
_MAX_WORDS = 6


@functools.lru_cache(maxsize=8)
def _index(lang: str) -> tuple[dict[str, str], dict[str, str]]:
    """(exact forms -> code, case-folded forms -> code); `_none` phrases map to ""."""
    exact: dict[str, str] = {}
    folded: dict[str, str] = {}
    for code, forms in table(lang, "countries").items():
        target = "" if code == _NONE else str(code)
        for form in forms:
            form = " ".join(str(form).split())
            letters = [c for c in form if c.isalpha()]
            if len(letters) <= 3 and all(c.isupper() for c in letters):
                exact[form] = target
            else:
                folded[form.casefold()] = target
    return exact, folded


_TOKEN = re.compile(r"[^\W\d_](?:[\w'’.]*[^\W_])?\.?|[^\W\d_]")


def countries_in(text: str | None, lang: str = DEFAULT_LANGUAGE) -> frozenset[str]:
    """ISO codes of the countries `text` names ("British and French firms" -> {"GB", "FR"})."""
    if not text:
        return frozenset()
    exact, folded = _index(lang)
    # Possessives off ("Guinea's farmers"), hyphens apart ("US-based").
    tokens = [re.sub(r"['’]s$", "", m.group()) for m in _TOKEN.finditer(text.replace("-", " - "))]
    found: set[str] = set()
    i = 0
    while i < len(tokens):
        for size in range(min(_MAX_WORDS, len(tokens) - i), 0, -1):
            words = tokens[i:i + size]
            phrase = " ".join(words)
            code = exact.get(phrase) if size == 1 or phrase.isupper() else None
            if code is None and words[0][:1].isupper():
                code = folded.get(phrase.casefold())
                if code is None and phrase.endswith("."):
                    code = folded.get(phrase[:-1].casefold())
            if code is None and phrase.endswith(".") and (size == 1 or phrase.isupper()):
                code = exact.get(phrase[:-1])
            if code is not None:
                if code:
                    found.add(code)
                i += size
                break
        else:
            i += 1
    return frozenset(found)


def country_names(lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """ISO code -> the country's first (display) name."""
    return {str(code): str(forms[0]) for code, forms in table(lang, "countries").items() if code != _NONE}
