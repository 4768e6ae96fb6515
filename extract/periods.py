"""Reference periods of figures, normalised to keys that say which quantity a figure is of.

`period_key(text, reference=..., forecast=...)` reads the period phrase a statistic carries
("in 2024", "July 2025", "the second quarter", "fiscal 2024", "this year", "from 1990 to
2022") and returns a key:

- "2025" a year, "1990s" a decade, "2025-07" a month, "2025-Q3" a quarter, "2025-H1" a half,
- "2024/2025" a split year or season ("2024-25", "2024/25"), "FY2024" a fiscal year,
- "1990-2022" a span ("from 1990 to 2022", "between 2020 and 2050", "2020-2050"),
- None when the phrase names no calendar period ("the past year", "since 2020", "on
  Tuesday"), or when it needs the publication date and none is given.

Relative periods ("this year", "next year", "a year earlier", "last month") and periods
without a year ("in July", "the second quarter") are resolved against `reference`, the
article's publication date, only when the caller passes one; a date that is itself an
estimate must not be passed (see `extract.statistics.find_statistics`). A month or quarter
without a year is the latest one that has begun by the reference date, or, for a forecast,
the next one that has not ended.

The words (months, quarter ordinals, relative phrases, fiscal words) are language data:
`extract/lang/<lang>/stat_periods.yaml`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

from newstrace.extract.langdata import DEFAULT_LANGUAGE, has, table

__all__ = ["month_named", "parse_reference", "period_key", "period_words"]

_YEAR = r"(1[89]\d\d|20\d\d|2100)"


@functools.lru_cache(maxsize=8)
def _data(lang: str) -> dict[str, Any]:
    # a language without its own period words still has years and digits: read it with the default
    # language's table rather than fail the whole extraction of the page
    data = table(lang if has(lang, "stat_periods") else DEFAULT_LANGUAGE, "stat_periods")
    months = {str(k).lower(): int(v) for k, v in data["months"].items()}
    ordinals = {str(k).lower(): int(v) for k, v in data["ordinals"].items()}
    relative = {str(k).lower(): (str(v[0]), int(v[1])) for k, v in data["relative"].items()}
    fiscal = [str(w).lower() for w in data["fiscal"]]
    month_alt = "|".join(sorted((re.escape(m) for m in months), key=len, reverse=True))
    ordinal_alt = "|".join(sorted((re.escape(o) for o in ordinals), key=len, reverse=True))
    fiscal_alt = "|".join(re.escape(f) for f in fiscal)
    joiners = "|".join(re.escape(str(j)) for j in data["span_joiners"] if str(j).isalpha())
    bases = sorted((str(b).lower() for b in data.get("comparison_bases") or ()), key=len, reverse=True)
    return {
        "months": months, "ordinals": ordinals,
        # longest phrase first, so "so far this year" wins over "this year"
        "relative": sorted(relative.items(), key=lambda item: -len(item[0])),
        "month_re": re.compile(rf"\b({month_alt})\.?(?:\s+(\d{{1,2}})(?:st|nd|rd|th)?\b,?)?(?:\s+(?:of\s+)?{_YEAR})?\b"),
        "quarter_re": re.compile(
            rf"\b(?:q([1-4])|({ordinal_alt})[\s-]+quarter)\b(?:\s+(?:of\s+)?(?:{fiscal_alt})?\s*(?:year\s+)?{_YEAR})?"),
        "quarter_after_re": re.compile(rf"\b{_YEAR}\s*[-/ ]?\s*q([1-4])\b"),
        "half_re": re.compile(rf"\b(?:h([12])|(first|second)\s+half)\b(?:\s+(?:of\s+)?{_YEAR})?"),
        "fiscal_re": re.compile(rf"\b(?:{fiscal_alt})\s*(?:year\s*)?(?:of\s+)?'?(\d{{4}}|\d{{2}})(?:\s*[-/]\s*(\d{{2,4}}))?\b"),
        "split_re": re.compile(rf"\b{_YEAR}\s*[/\-–]\s*(\d{{2}}|\d{{4}})\b"),
        "span_re": re.compile(rf"\b{_YEAR}(?:'s)?\s+(?:{joiners})\s+(?:the\s+end\s+of\s+)?{_YEAR}\b"),
        "decade_re": re.compile(r"\b(1[89]\d0|20\d0)'?s\b"),
        "year_re": re.compile(rf"\b{_YEAR}\b"),
        # None when the language lists no comparison words: then nothing is cut
        "base_re": re.compile(r"(?<!\w)(?:" + "|".join(re.escape(b) for b in bases) + r")(?!\w)") if bases else None,
    }


def period_words(name: str, lang: str = DEFAULT_LANGUAGE) -> frozenset[str]:
    """A word list of `stat_periods.yaml` (lower case); empty when the language lists none."""
    data = table(lang if has(lang, "stat_periods") else DEFAULT_LANGUAGE, "stat_periods")
    return frozenset(str(w).lower() for w in data.get(name) or ())


def parse_reference(published: str | None) -> dt.date | None:
    """The publication date of an ISO date or datetime string, or None when it does not parse."""
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published.strip()[:10])
    except ValueError:
        return None


def period_key(text: str | None, *, reference: dt.date | None = None, forecast: bool = False,
               lang: str = DEFAULT_LANGUAGE) -> str | None:
    """The normalised key of a period phrase (see the module docstring), or None."""
    if not text:
        return None
    data = _data(lang)
    t = " ".join(text.lower().replace("’", "'").split())
    if re.search(r"\bMay\b", text):
        t = re.sub(r"\bmay\b", "in may", t, count=1)  # a capital "May" is the month, not the verb
    # "2024 than 2023", "2024 compared with 2023": the base of a comparison is not the period, and a phrase
    # that names only the base ("compared to 2023") names no period of the figure. Nor is the base's year
    # the article's: a January page compares last year with the one before, so the period stays open.
    if data["base_re"] is not None:
        base = data["base_re"].search(t)
        if base is not None:
            t = t[:base.start()].strip()
            if not t:
                return None
    if re.search(r"\b(since|past|recent|ago|over the)\b", t) and not re.search(r"\ba year ago\b", t):
        return None  # open or rolling periods: "since 2020", "the past 12 months"
    for phrase, (grain, offset) in data["relative"]:
        if re.search(rf"\b{re.escape(phrase)}\b", t):
            return _relative(grain, offset, reference)
    for finder in (_fiscal, _quarter, _half, _split_year, _span, _month, _decade, _year):
        found = finder(t, data, reference, forecast)
        if found is not None:
            return found or None  # "" = the phrase is of this form but cannot be resolved
    return None


def month_named(text: str | None, *, lang: str = DEFAULT_LANGUAGE) -> int | None:
    """The one calendar month a period phrase names, with or without its year ("in July", "July 2025",
    "el pasado julio"), else None: no month, several ("May and June"), or a day that dates a report.

    For a page with no known date "in July" has no `period_key`, yet it still tells July's figure from
    June's: callers compare it with the month of a resolved key.
    """
    if not text:
        return None
    data = _data(lang if has(lang, "stat_periods") else DEFAULT_LANGUAGE)
    t = " ".join(text.lower().replace("’", "'").split())
    found = set()
    for match in data["month_re"].finditer(t):
        word = match.group(1)
        if word == "may" and not re.search(r"\bMay\b", text):
            continue  # the verb "may"
        if match.group(2) and not re.search(r"\b(in|during|for|through|of)\b", t[:match.start()]):
            return None  # "December 22": a day dates the report, not a period of the figure
        found.add(data["months"][word])
    return found.pop() if len(found) == 1 else None


def _relative(grain: str, offset: int, reference: dt.date | None) -> str | None:
    if reference is None:
        return None
    if grain == "year":
        return str(reference.year + offset)
    if grain == "month":
        index = reference.year * 12 + reference.month - 1 + offset
        return f"{index // 12}-{index % 12 + 1:02d}"
    if grain == "quarter":
        index = reference.year * 4 + (reference.month - 1) // 3 + offset
        return f"{index // 4}-Q{index % 4 + 1}"
    return None


def _year_for(first_month: int, last_month: int, reference: dt.date | None, forecast: bool) -> int | None:
    """The year of a month range named without one: the latest begun by `reference`, or for a
    forecast the next not yet ended."""
    if reference is None:
        return None
    if forecast:
        return reference.year if last_month >= reference.month else reference.year + 1
    return reference.year if first_month <= reference.month else reference.year - 1


def _fiscal(t: str, data: dict, reference: dt.date | None, forecast: bool) -> str | None:
    match = data["fiscal_re"].search(t)
    if match is None:
        return None
    year = int(match.group(1))
    if year < 100:
        year += 2000
    if match.group(2):
        second = int(match.group(2))
        second = second + (year // 100) * 100 if second < 100 else second
        if second == year + 1:
            return f"FY{year}/{second}"
    return f"FY{year}"


def _quarter(t: str, data: dict, reference: dt.date | None, forecast: bool) -> str | None:
    match = data["quarter_re"].search(t)
    after = data["quarter_after_re"].search(t)  # "2024 Q4", "2024-Q4"
    year: int | None
    if after is not None:
        year, number = int(after.group(1)), int(after.group(2))
    elif match is not None:
        number = int(match.group(1)) if match.group(1) else data["ordinals"][match.group(2)]
        year = int(match.group(3)) if match.group(3) else None
    else:
        return None
    if year is None:
        found = _year_for(3 * number - 2, 3 * number, reference, forecast)
        if found is None:
            return ""
        year = found
    return f"{year}-Q{number}"


def _half(t: str, data: dict, reference: dt.date | None, forecast: bool) -> str | None:
    match = data["half_re"].search(t)
    if match is None:
        return None
    number = int(match.group(1)) if match.group(1) else (1 if match.group(2) == "first" else 2)
    year = int(match.group(3)) if match.group(3) else _year_for(6 * number - 5, 6 * number, reference, forecast)
    return f"{year}-H{number}" if year is not None else ""


def _split_year(t: str, data: dict, reference: dt.date | None, forecast: bool) -> str | None:
    match = data["split_re"].search(t)
    if match is None:
        return None
    first, second = int(match.group(1)), match.group(2)
    end = int(second) + (first // 100) * 100 if len(second) == 2 else int(second)
    if end == first + 1:
        return f"{first}/{end}"  # "2024-25", "2024/2025": a season or split year
    if end > first:
        return f"{first}-{end}"  # "2020-2050": a span
    return None


def _span(t: str, data: dict, reference: dt.date | None, forecast: bool) -> str | None:
    match = data["span_re"].search(t)
    if match is None:
        return None
    first, end = int(match.group(1)), int(match.group(2))
    return f"{first}-{end}" if end > first else None


def _month(t: str, data: dict, reference: dt.date | None, forecast: bool) -> str | None:
    for match in data["month_re"].finditer(t):
        word = match.group(1)
        if word == "may" and not (match.group(2) or match.group(3)) and not re.search(r"\b(in|of|during|for)\s+may\b", t):
            continue  # the verb "may"
        if match.group(2) and not re.search(r"\b(in|during|for|through|of)\b", t[:match.start()]):
            return ""  # "December 22": a day dates the report, not a period of the figure
        month = data["months"][word]
        year = int(match.group(3)) if match.group(3) else None
        if year is None:
            other = data["year_re"].search(t)
            year = int(other.group(1)) if other else _year_for(month, month, reference, forecast)
        if year is None:
            return ""
        return f"{year}-{month:02d}"
    return None


def _decade(t: str, data: dict, reference: dt.date | None, forecast: bool) -> str | None:
    match = data["decade_re"].search(t)
    return f"{match.group(1)}s" if match else None


def _year(t: str, data: dict, reference: dt.date | None, forecast: bool) -> str | None:
    years = data["year_re"].findall(t)
    if not years:
        return None
    if len(set(years)) > 1:
        return f"{min(years)}-{max(years)}"  # "1990 and 2022" read as one phrase: a span
    return years[0]
