"""Page metadata: title, author, first publication date and site name, from trafilatura's
metadata steps and corpus/dates.py (a body dateline or URL date only when the page states none)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from .clean_records import CleanOptions
from .dates import FoundDate, body_date, htmldate_date, structured_date


@dataclass(frozen=True)
class PageMeta:
    title: str | None = None
    author: str | None = None
    published: str | None = None
    sitename: str | None = None
    # Where `published` came from (corpus/dates.py); `urls` are read for a path date when the page states none.
    date_source: str | None = None
    date_estimated: bool = False
    urls: tuple[str, ...] = ()



def page_metadata(tree: Any, url: str | None, options: CleanOptions) -> PageMeta:
    """Title, author, first publication date and site name, as trafilatura's metadata step finds them.

    trafilatura's `extract_metadata` also collects categories, tags and a
    licence and resolves the hostname against the public-suffix list; those
    cost a third of the step, on every page, and nothing here stores them. So
    the steps we use are called one by one, falling back to the whole step if
    a trafilatura release renames them.
    """
    try:
        from trafilatura.metadata import (
            META_URL,
            examine_meta,
            extract_author,
            extract_meta_json,
            extract_sitename,
            extract_title,
            extract_url,
        )
    except ImportError:
        return _whole_metadata_step(tree, url, options)
    found = examine_meta(tree)
    if found.author and " " not in found.author:
        # trafilatura's rule: a one-word author in <meta> is a handle or a site name.
        found.author = None
    try:
        found = extract_meta_json(tree, found)
    except Exception:  # noqa: BLE001 - trafilatura guards its JSON-LD reader the same way
        pass
    title = found.title or extract_title(tree)
    author = found.author or extract_author(tree)
    page_url = found.url or extract_url(tree, url)
    dated = _structured_date(tree, (page_url, url))
    sitename = found.sitename or extract_sitename(tree)
    if sitename:
        sitename = sitename.lstrip("@")
        if sitename and "." not in sitename and not sitename[0].isupper():
            sitename = sitename.title()
    elif page_url:
        match = META_URL.match(page_url)
        sitename = match[1] if match else None
    title, author, published, sitename = (_meta_value(v) for v in (title, author, dated.date, sitename))
    return PageMeta(title, author, published, sitename, date_source=dated.source, date_estimated=dated.estimated,
                     urls=tuple(u for u in (page_url, url) if u))


def _whole_metadata_step(tree: Any, url: str | None, options: CleanOptions) -> PageMeta:
    from trafilatura.metadata import extract_metadata

    found = extract_metadata(tree, url, _date_params(url, options))
    # trafilatura's own date is htmldate's (with the URL and without the text
    # search, see _date_params); ours is used instead so it carries its source.
    dated = _structured_date(tree, (found.url, url))
    title, author, published, sitename = (_clean_meta(v) for v in (found.title, found.author, dated.date,
                                                                   found.sitename))
    return PageMeta(title, author, published, sitename, date_source=dated.source, date_estimated=dated.estimated,
                     urls=tuple(u for u in (found.url, url) if u))


def _structured_date(tree: Any, urls: tuple[str | None, ...]) -> FoundDate:
    """What the page's metadata says of its first publication (corpus/dates.py; never the body text).

    A URL path date htmldate returns comes back as an estimate; `page_date` may still prefer a dateline.
    """
    found = structured_date(tree)
    return found if found.date else htmldate_date(tree, urls)


def page_date(meta: PageMeta, body: str) -> FoundDate:
    """The metadata date, else a dateline, URL or text date from the cleaned body (estimates marked so)."""
    if meta.published and not meta.date_estimated:
        return FoundDate(meta.published, meta.date_source or "metadata")
    return body_date(body, meta.urls)


def _meta_value(value: str | None) -> str | None:
    # The same trimming trafilatura applies to its own metadata, so values
    # match what `extract_metadata` would have returned.
    from html import unescape

    from trafilatura.utils import line_processing

    if not isinstance(value, str):
        return None
    if len(value) > 10000:
        value = value[:9999] + "…"
    return _clean_meta(line_processing(unescape(value)))


def _date_params(url: str | None, options: CleanOptions) -> dict[str, Any]:
    # original_date: the first publication is what provenance needs, not the
    # last "updated" stamp.
    # extensive_search stays off whatever the options say: it reads dates out
    # of the body, and a year the text mentions ("in 1999") became the page's
    # 1999-01-01 (RELIABILITY.md I19). Body dates are corpus/dates.py's estimates.
    params: dict[str, Any] = {
        "original_date": True,
        "extensive_search": False,
        "outputformat": "%Y-%m-%d",
        "max_date": date.today().isoformat(),
    }
    if url:
        params["url"] = url
    return params


def _clean_meta(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None


def url_hostname(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None
