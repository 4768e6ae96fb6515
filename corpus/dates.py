"""An article's publication date, with where it came from and whether it is only an estimate.

Provenance orders articles by date ("first seen", which copy is the original,
whom a source is inferred from), so a wrong date misleads more than a missing
one. The sources are tried from the most to the least trustworthy:

1. structured metadata the page states about itself: <meta> tags
   (`article:published_time`, `datePublished`, Dublin Core, ...), JSON-LD
   `datePublished`, a <time> marked as the publication time; then htmldate
   *without* its extensive text search (it reads the same headers under more
   names, and date-classed page elements such as a byline);
2. a dateline opening the body ("WASHINGTON, Aug. 1 (Reuters) -",
   "Geneva, 10 January -") or a labelled stamp ("Published: 3 May 2024");
3. a date in the URL path (/2024/03/01/, /2024-03-01/, /20240301/);
4. the body text.

Only (1) and a dateline or stamp with its year are taken as the publication
date. A URL path date is the folder the site filed the page under (the day an
old URL was created, a month without a day), so it is kept as an estimate; a
dateline without a year takes the year from the text and is an estimate too.
A date read from the body is at most an estimate: a page that mentions "in
1999" was not published on 1999-01-01, and a page quoting another document's
date was not published that day. A bare year is never turned into a date.

Estimates are kept (an analyst may want a rough timeline) but marked
`estimated`; nothing that orders articles may use them (`ordering_date`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

# `date_source` values, from the most to the least trustworthy.
DATE_SOURCES = ("metadata", "json-ld", "dateline", "url", "text")

# <meta> names/properties/itemprops that state the page's own first publication.
# Modification stamps ("article:modified_time", "dateModified") are left out on
# purpose: provenance needs the first appearance, not the last edit.
_META_PUBLISHED = (
    "article:published_time", "og:article:published_time", "og:published_time", "published_time",
    "datepublished", "date_published", "pubdate", "publishdate", "publish_date", "publish-date",
    "publication_date", "publication-date", "citation_publication_date", "citation_date",
    "dc.date", "dc.date.issued", "dc.date.created", "dcterms.date", "dcterms.issued", "dcterms.created",
    "sailthru.date", "parsely-pub-date", "article.published", "article_date_original",
    "original-publish-date", "date", "created", "release_date", "datecreated",
)
_JSONLD_KEYS = ("datePublished", "dateCreated", "uploadDate")

_ISO_PREFIX = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:\D|$)")
# URL path dates: /2024/03/01/, /2024-03-01, /20240301/, /2024/03/ (month only).
_URL_YMD = re.compile(r"(?<!\d)((?:19|20)\d{2})[/_-](0?[1-9]|1[0-2])[/_-](0?[1-9]|[12]\d|3[01])(?!\d)")
_URL_COMPACT = re.compile(r"(?<![\d])((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?![\d])")
_URL_YM = re.compile(r"/((?:19|20)\d{2})/(0?[1-9]|1[0-2])/")

# A dateline: a place in capitals or title case, a comma, a short date, an
# optional agency in brackets, then a dash or colon that opens the story.
# The place opens with any letter ("ÉVORA", "Ávila", "Östersund"); re has no
# upper-case class, so dateline_date checks that the letter is a capital.
_DATELINE = re.compile(
    r"^\s*(?P<place>[^\W\d_][\w'.\- ]{1,40}?(?:,\s*[^\W\d_][\w'.\- ]{1,30}?)?),\s+"
    r"(?P<date>[^\n()\-–—:]{3,32}?)\s*(?:\([^)\n]{2,40}\)\s*)?[-–—:]\s")
# A labelled stamp line: "Published: 3 May 2024", "Posted on May 3, 2024 at 10:00".
_STAMP = re.compile(r"^\s*(?:first\s+)?(?:published|posted|created|publié|veröffentlicht|publicado)"
                    r"(?:\s+(?:on|at|le|am|el))?\s*[:：]?\s*(?P<date>[^\n|]{6,40})", re.I)
_HAS_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# Lines of the body read for a dateline or stamp: it opens the story.
_HEAD_LINES = 3


@dataclass(frozen=True)
class FoundDate:
    """A publication date (ISO YYYY-MM-DD), where it came from, and whether it is an estimate."""

    date: str | None = None
    source: str | None = None
    estimated: bool = False

    @property
    def ordering_date(self) -> str | None:
        """The date to order by: None for an estimate."""
        return None if self.estimated else self.date


NO_DATE = FoundDate()


# -- structured metadata ------------------------------------------------------------------


def structured_date(tree: Any, *, today: date | None = None) -> FoundDate:
    """The page's own publication date from <meta>, JSON-LD or a <time> marked as published."""
    limit = today or date.today()
    found = _meta_date(tree, limit)
    if found:
        return FoundDate(found, "metadata")
    found = _jsonld_date(tree, limit)
    if found:
        return FoundDate(found, "json-ld")
    found = _time_element_date(tree, limit)
    if found:
        return FoundDate(found, "metadata")
    return NO_DATE


def _meta_date(tree: Any, limit: date) -> str | None:
    best: tuple[int, str] | None = None
    for element in tree.iter("meta"):
        names = {(element.get(attr) or "").strip().lower() for attr in ("property", "name", "itemprop", "http-equiv")}
        names.discard("")
        for name in names:
            if name in _META_PUBLISHED:
                value = iso_date(element.get("content") or "", limit)
                rank = _META_PUBLISHED.index(name)
                if value and (best is None or rank < best[0]):
                    best = (rank, value)
    return best[1] if best else None


def _jsonld_date(tree: Any, limit: date) -> str | None:
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for item in _jsonld_items(data):
            for key in _JSONLD_KEYS:
                value = item.get(key)
                if isinstance(value, str) and (found := iso_date(value, limit)):
                    return found
    return None


def _jsonld_items(data: Any, depth: int = 0) -> Iterable[dict[str, Any]]:
    """Objects of a JSON-LD block, the page's own first (top level, then @graph, then mainEntity)."""
    if depth > 3:
        return
    if isinstance(data, list):
        for item in data:
            yield from _jsonld_items(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage"):
            if key in data:
                yield from _jsonld_items(data[key], depth + 1)


def _time_element_date(tree: Any, limit: date) -> str | None:
    for element in tree.iter("time"):
        marked = (element.get("pubdate") is not None or (element.get("itemprop") or "").lower() == "datepublished"
                  or "publish" in (element.get("class") or "").lower())
        if marked and (found := iso_date(element.get("datetime") or element.text_content() or "", limit)):
            return found
    return None


def htmldate_date(tree: Any, urls: Iterable[str | None] = (), *, today: date | None = None) -> FoundDate:
    """htmldate's header and page-element search, never its extensive text search (see the module docstring).

    htmldate also reads the date of the page's canonical URL; a date equal to
    a URL path date is taken as that (an estimate), not as metadata.
    """
    try:
        from htmldate import find_date
    except ImportError:
        return NO_DATE
    limit = today or date.today()
    try:
        # No url: a URL path date is an estimate here, and htmldate would return it as the date.
        found = find_date(tree, extensive_search=False, original_date=True, outputformat="%Y-%m-%d",
                          max_date=limit.isoformat())
    except Exception:  # noqa: BLE001 - htmldate raises on odd pages; a missing date is the answer then
        return NO_DATE
    value = iso_date(found or "", limit)
    if not value:
        return NO_DATE
    in_url = url_date(*urls, *_canonical_urls(tree), today=limit)
    return in_url if in_url.date == value else FoundDate(value, "metadata")


def _canonical_urls(tree: Any) -> list[str]:
    found = []
    for element in tree.iter("link", "meta"):
        if (element.get("rel") or "").lower() == "canonical" and element.get("href"):
            found.append(element.get("href"))
        elif (element.get("property") or "").lower() == "og:url" and element.get("content"):
            found.append(element.get("content"))
    return found


# -- URL, dateline, text --------------------------------------------------------------------


def url_date(*urls: str | None, today: date | None = None) -> FoundDate:
    """A date in a URL path, as an estimate: a month-only path gives its first day, still an estimate."""
    limit = today or date.today()
    for url in urls:
        if not url:
            continue
        path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]+", "", url, flags=re.I)
        for pattern in (_URL_YMD, _URL_COMPACT):
            for match in pattern.finditer(path):
                value = _valid(int(match[1]), int(match[2]), int(match[3]), limit)
                if value:
                    return FoundDate(value, "url", True)
        month = _URL_YM.search(path)
        if month and (value := _valid(int(month[1]), int(month[2]), 1, limit)):
            return FoundDate(value, "url", True)
    return NO_DATE


def dateline_date(text: str, *, today: date | None = None) -> FoundDate:
    """The date of a dateline or a "Published:" stamp opening the body.

    With its year it is the publication date; without one ("Geneva, 10
    January -") the year is the latest one the text mentions that puts the
    date in the past, and the date is an estimate.
    """
    limit = today or date.today()
    head = [line for line in text.split("\n") if line.strip()][:_HEAD_LINES]
    for line in head:
        match = _DATELINE.match(line)
        if match is not None and not all(part.strip()[:1].isupper() for part in match["place"].split(",")):
            match = None  # "selon, 3 mars ...": a lower-case word is no place
        match = match or _STAMP.match(line) or _date_line(line)
        if match is None or not _HAS_DIGIT.search(match["date"]):
            continue
        parsed = parse_date_text(match["date"], today=limit)
        if parsed is None:
            continue
        value, has_year = parsed
        if has_year:
            return FoundDate(value, "dateline")
        year = _year_for(value, text, limit)
        if year is not None:
            return FoundDate(f"{year:04d}{value[4:]}", "dateline", True)
    return NO_DATE


def _date_line(line: str) -> re.Match[str] | None:
    """A masthead line that is a full date, after an optional short label: "Weekly digest | Thursday,
    January 22, 2026", "Monday 3 March 2025"."""
    line = line.strip()
    if len(line) > 80:
        return None
    rest = re.split(r"\s[|·•—–]\s", line)[-1].strip()
    found = _FULL_DATE.search(rest)
    # Nothing but the date and perhaps a weekday: a sentence that mentions a date is no stamp.
    if found is None or len(rest) - len(found.group(0)) > 12 or len(re.findall(r"[^\W\d_]{2,}", rest)) > 3:
        return None
    return re.match(r"(?P<date>.+)", found.group(0))


def _year_for(month_day: str, text: str, limit: date) -> int | None:
    years = sorted({int(y) for y in _YEAR.findall(text)}, reverse=True)
    for year in years:
        if _valid(year, int(month_day[5:7]), int(month_day[8:10]), limit):
            return year
    return None


def text_date(text: str, *, today: date | None = None) -> FoundDate:
    """The latest full date (day, month and year) the body states, as an estimate; None without one.

    A story is published on or after the dates it reports, so the latest one
    is the closest guess; it is still only a guess, marked so. Only dates
    written out with a day, a month and a year count ("12 March 2024", "March
    12, 2024", "12. März 2024", "2024-03-12"): a year or a decade alone ("in
    2022", "the 1990s") is no date at all.
    """
    limit = today or date.today()
    latest: str | None = None
    for match in _FULL_DATE.finditer(text):
        parts = match.groupdict()
        year, day = int(parts["y1"] or parts["y2"] or parts["y3"]), int(parts["d1"] or parts["d2"] or parts["d3"])
        if parts["iso"]:
            value = _valid(year, int(parts["m3"]), day, limit)
        else:
            parsed = parse_date_text(match.group(0), today=limit)
            # dateparser must have read the same day and year, or it guessed from other words.
            value = parsed[0] if parsed and parsed[1] and parsed[0] == _valid(year, int(parsed[0][5:7]), day, limit) else None
        if value and (latest is None or value > latest):
            latest = value
    return FoundDate(latest, "text", True) if latest else NO_DATE


# "12 March 2024", "12. März 2024", "15 de junio de 2022"; "March 12, 2024"; "2024-03-12".
_MONTH_WORD = r"[^\W\d_]{3,12}\.?"
_FULL_DATE = re.compile(
    rf"(?<![\w.])(?P<d1>[0-3]?\d)(?:st|nd|rd|th|er|\.)?\s+(?:de\s+)?{_MONTH_WORD}\s+(?:de\s+)?(?P<y1>(?:19|20)\d{{2}})(?!\d)"
    rf"|(?<![\w])(?:{_MONTH_WORD})\s+(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y2>(?:19|20)\d{{2}})(?!\d)"
    r"|(?<![\d-])(?P<iso>(?P<y3>(?:19|20)\d{2})-(?P<m3>[01]\d)-(?P<d3>[0-3]\d))(?![\d-])")


# -- the whole decision ------------------------------------------------------------------------


def page_date(tree: Any, urls: Iterable[str | None], body: str, *, today: date | None = None) -> FoundDate:
    """An HTML page's date: structured metadata, then a dateline, then the URL, then the text."""
    urls = tuple(urls)
    for found in (structured_date(tree, today=today), htmldate_date(tree, urls, today=today)):
        if found.date and not found.estimated:
            return found
    return body_date(body, (*urls, *_canonical_urls(tree)), today=today)


def body_date(body: str, urls: Iterable[str | None] = (), *, today: date | None = None) -> FoundDate:
    """A date from what is left when a document states none in its metadata (text files start here)."""
    found = dateline_date(body, today=today)
    if found.date and not found.estimated:
        return found
    for other in (url_date(*urls, today=today), found, text_date(body, today=today)):
        if other.date:
            return other
    return NO_DATE


# -- parsing ------------------------------------------------------------------------------------


def iso_date(value: str, limit: date | None = None) -> str | None:
    """YYYY-MM-DD of a machine-readable date ("2024-03-01T08:00:00Z", "20240301"), else of free text."""
    limit = limit or date.today()
    value = value.strip()
    if not value:
        return None
    match = _ISO_PREFIX.match(value) or _COMPACT.match(value)
    if match:
        return _valid(int(match[1]), int(match[2]), int(match[3]), limit)
    parsed = parse_date_text(value, today=limit)
    return parsed[0] if parsed and parsed[1] else None


def parse_date_text(text: str, *, today: date | None = None) -> tuple[str, bool] | None:
    """(YYYY-MM-DD, whether the text gave the year) for a written date in any language dateparser reads.

    "Nov. 3", "November 3" and "3 novembre" parse to the same month and day; a
    date without a year gets the current one (and `False`), so callers that
    compare two such dates compare month and day only.
    """
    limit = today or date.today()
    text = " ".join(text.split())
    if not text or not _HAS_DIGIT.search(text) and not re.search(r"[A-Za-z]", text):
        return None
    try:
        import dateparser
    except ImportError:
        return None
    settings = {"REQUIRE_PARTS": ["day", "month"], "PREFER_DAY_OF_MONTH": "first",
                "RELATIVE_BASE": datetime(limit.year, limit.month, limit.day)}
    try:
        when = dateparser.parse(text, settings=settings)
    except Exception:  # noqa: BLE001 - dateparser raises on odd input; it is then no date
        return None
    if when is None:
        return None
    has_year = bool(_YEAR.search(text)) or bool(re.search(r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2}\b", text))
    value = f"{when.year:04d}-{when.month:02d}-{when.day:02d}"
    if has_year and value > limit.isoformat():
        return None
    return value, has_year


def _valid(year: int, month: int, day: int, limit: date) -> str | None:
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    if found > limit or found.year < 1900:
        return None
    return found.isoformat()
