"""Named releases and editions an article is about: "Digital News Report 2023", "the July jobs report".

A recurring release (an annual survey, a monthly statistics report, a yearly outlook) is a series;
each year or month is an edition. Coverage of one edition and coverage of the next share their
words, their source and often their phrasing, so only the edition tells the two stories apart. This
module finds the editions a text names, as (series, edition) pairs:

* a capitalised name ending in a release noun, with a year after or before it
  ("Digital News Report 2023", "the 2024 Global EV Outlook") -> ("digital news report", "2023");
* a month (and optional year) before a release phrase in lower case
  ("the July jobs report", "June 2025 employment figures") -> ("jobs report", "07");
* "the 2022 edition" / "2022 edition of the ..." -> ("edition", "2022").

`own_editions` keeps, per series, the edition the text names most (earliest on a tie): a story on
the 2023 report that compares with "last year's 2022 report" is still about 2023. Release nouns and
month names are language data (`extract/lang/<lang>/release_nouns.yaml`, `stat_periods.yaml`).
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from newstrace.extract import langdata

_YEAR = r"((?:19|20)\d{2})"
_NAME_WORD = r"(?:[A-Z][\w&'\u2019-]*|of|on|the|and|for|in|de|des|du|der|la|le)"


@functools.cache
def _patterns(
    lang: str,
) -> tuple[tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]], dict[str, int]]:
    use = lang if langdata.has(lang, "release_nouns") else langdata.DEFAULT_LANGUAGE
    nouns = sorted(langdata.words(use, "release_nouns"), key=len, reverse=True)
    months_lang = lang if langdata.has(lang, "stat_periods") else langdata.DEFAULT_LANGUAGE
    months = langdata.table(months_lang, "stat_periods").get("months") or {}
    noun = "|".join(re.escape(n) for n in nouns)
    cap_noun = "|".join(re.escape(n[:1].upper() + n[1:]) for n in nouns)
    month = "|".join(re.escape(m) for m in sorted(months, key=len, reverse=True))
    return (
        # "Digital News Report 2023": a capitalised name of up to six words ending in a release noun, then a year.
        re.compile(rf"\b((?:[A-Z][\w&'\u2019-]*\s+)(?:{_NAME_WORD}\s+){{0,5}}(?:{cap_noun}))\s+{_YEAR}\b"),
        # "the 2024 Global EV Outlook", "2022 Digital News Report".
        re.compile(rf"\b{_YEAR}\s+((?:[A-Z][\w&'\u2019-]*\s+)(?:{_NAME_WORD}\s+){{0,5}}(?:{cap_noun}))\b"),
        # "the July jobs report", "June 2025 employment figures" (month first, lower-case phrase).
        re.compile(rf"\b({month})\.?(?:\s+{_YEAR})?\s+((?:[a-z][a-z-]+\s+){{0,2}}(?:{noun}))\b", re.I),
        # "the 2022 edition".
        re.compile(rf"\b{_YEAR}\s+(edition)\b", re.I),
    ), {m.lower(): int(v) for m, v in months.items()}


def editions(text: str, lang: str | None = None) -> list[tuple[str, str, int]]:
    """Every (series, edition, position) the text names, in text order."""
    patterns = _patterns((lang or langdata.DEFAULT_LANGUAGE).split("-")[0].lower())
    (after, before, monthly, edition), months = patterns
    found: list[tuple[str, str, int]] = []
    for match in after.finditer(text):
        found.append((_series(match[1]), match[2], match.start()))
    for match in before.finditer(text):
        found.append((_series(match[2]), match[1], match.start()))
    for match in monthly.finditer(text):
        phrase = match[3].lower()
        number = months.get(match[1].lower().rstrip("."))
        if number is None or phrase.split()[0] in months:
            continue
        found.append((_series(phrase), f"{match[2] + '-' if match[2] else ''}{number:02d}", match.start()))
    for match in edition.finditer(text):
        found.append(("edition", match[1], match.start()))
    return sorted(found, key=lambda f: f[2])


def own_editions(text: str, lang: str | None = None) -> frozenset[tuple[str, str]]:
    """Per series, the edition the text names most often (the earliest of equals)."""
    named = editions(text, lang)
    counts = Counter((series, _month_or_year(edition)) for series, edition, _ in named)
    first: dict[tuple[str, str], int] = {}
    for series, edition, position in named:
        first.setdefault((series, _month_or_year(edition)), position)
    best: dict[str, tuple[int, int, str]] = {}
    for (series, edition), n in counts.items():
        rank = (-n, first[(series, edition)], edition)
        if series not in best or rank < best[series]:
            best[series] = rank
    return frozenset((series, rank[2]) for series, rank in best.items())


def _month_or_year(edition: str) -> str:
    # "2025-07" and "07" name one monthly edition; keep the month so a page that gives the year
    # and one that does not still compare.
    return edition[-2:] if re.fullmatch(r"(?:\d{4}-)?\d{2}", edition) else edition


def _series(name: str) -> str:
    words = name.split()
    while words and words[0].lower() in ("the", "a", "an", "its", "this", "last", "new", "latest"):
        words = words[1:]
    return " ".join(w.lower() for w in words)
