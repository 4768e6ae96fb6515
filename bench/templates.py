"""HTML page templates for generated coverage: the same story in other outlets' furniture.

Four layouts, written for this benchmark, differ in the places extractors
trip over: a navigation bar, a sidebar of related headlines, a newsletter
box, a comment prompt, an aggregator's "originally published" line and a
long footer. Every page carries its own canonical URL, so no two generated
pages are byte-identical even when their article text is.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Outlet:
    name: str
    domain: str
    sections: tuple[str, ...]


OUTLETS: tuple[Outlet, ...] = (
    Outlet("The Harbour Ledger", "harbourledger.example", ("World", "Business", "Tech", "Opinion")),
    Outlet("Midland Courier", "midlandcourier.example", ("Local", "Nation", "Markets", "Sport")),
    Outlet("Brightwater Post", "brightwaterpost.example", ("News", "Money", "Science", "Culture")),
    Outlet("Northgate Daily", "northgatedaily.example", ("Top stories", "Economy", "Digital", "Life")),
    Outlet("Pinecrest Wire", "pinecrestwire.example", ("Wire", "Finance", "Health", "Media")),
    Outlet("Coastline Herald", "coastlineherald.example", ("Politics", "Business", "Tech", "Travel")),
    Outlet("Summit Observer", "summitobserver.example", ("Analysis", "Industry", "Policy", "Data")),
    Outlet("Riverbend Times", "riverbendtimes.example", ("Region", "World", "Companies", "Arts")),
    Outlet("Newsfeed Digest", "newsfeeddigest.example", ("Trending", "Latest", "Picks")),
    Outlet("Aggregated Today", "aggregatedtoday.example", ("Popular", "Business", "Tech")),
)


@dataclass(frozen=True)
class PageContent:
    title: str
    paragraphs: tuple[str, ...]
    outlet: Outlet
    url: str
    published: str  # ISO 8601
    section: str
    author: str
    related: tuple[tuple[str, str], ...]  # (headline, url)
    credit: str | None = None  # "first appeared on ..." line, for syndicated copies


def render(layout: int, page: PageContent) -> str:
    """The page in layout `layout` (any int; taken modulo the number of layouts)."""
    return _LAYOUTS[layout % len(_LAYOUTS)](page)


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _head(page: PageContent) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<title>{_e(page.title)} | {_e(page.outlet.name)}</title>\n'
            f'<link rel="canonical" href="{_e(page.url)}">\n'
            f'<meta property="og:title" content="{_e(page.title)}">\n'
            f'<meta property="og:site_name" content="{_e(page.outlet.name)}">\n'
            f'<meta property="og:url" content="{_e(page.url)}">\n'
            f'<meta property="article:published_time" content="{page.published}">\n'
            f'<meta name="author" content="{_e(page.author)}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n</head>\n')


def _nav(page: PageContent) -> str:
    items = "".join(f'<li><a href="https://{page.outlet.domain}/{_slug(s)}/">{_e(s)}</a></li>'
                    for s in page.outlet.sections)
    return (f'<nav class="site-nav"><a class="logo" href="https://{page.outlet.domain}/">{_e(page.outlet.name)}</a>'
            f'<ul>{items}<li><a href="https://{page.outlet.domain}/subscribe">Subscribe</a></li>'
            f'<li><a href="https://{page.outlet.domain}/login">Sign in</a></li></ul></nav>\n')


def _related(items: Sequence[tuple[str, str]], heading: str) -> str:
    links = "".join(f'<li><a href="{_e(url)}">{_e(title)}</a></li>' for title, url in items)
    return f'<aside class="related"><h3>{_e(heading)}</h3><ul>{links}</ul></aside>\n'


def _body(page: PageContent) -> str:
    return "".join(f"<p>{_e(p)}</p>\n" for p in page.paragraphs)


def _byline(page: PageContent) -> str:
    return (f'<div class="byline">By <span class="author">{_e(page.author)}</span> · '
            f'<time datetime="{page.published}">{page.published[:10]}</time></div>\n')


def _credit(page: PageContent) -> str:
    return f"<p><em>{_e(page.credit)}</em></p>\n" if page.credit else ""


def _footer(page: PageContent) -> str:
    year = page.published[:4]
    return (f'<footer><p>© {year} {_e(page.outlet.name)}. All rights reserved.</p>'
            f'<ul><li><a href="https://{page.outlet.domain}/about">About us</a></li>'
            f'<li><a href="https://{page.outlet.domain}/privacy">Privacy policy</a></li>'
            f'<li><a href="https://{page.outlet.domain}/terms">Terms of use</a></li>'
            f'<li><a href="https://{page.outlet.domain}/contact">Contact the newsroom</a></li></ul>'
            '<p>We use cookies to understand how our site is used. By continuing you accept them.</p>'
            '</footer>\n</body>\n</html>\n')


def _newsroom(page: PageContent) -> str:
    return (_head(page) + "<body>\n" + _nav(page)
            + f'<main><article><header><p class="kicker">{_e(page.section)}</p><h1>{_e(page.title)}</h1>'
            + _byline(page) + "</header>\n<div class=\"article-body\">\n" + _body(page) + _credit(page)
            + "</div></article>\n" + _related(page.related, "More from " + page.outlet.name) + "</main>\n"
            + _footer(page))


def _portal(page: PageContent) -> str:
    return (_head(page) + "<body>\n" + _nav(page)
            + '<div class="layout"><div class="content">\n'
            + f'<h1 class="headline">{_e(page.title)}</h1>' + _byline(page)
            + '<div class="share"><a href="#">Share</a> <a href="#">Tweet</a> <a href="#">Email</a></div>\n'
            + _body(page) + _credit(page)
            + '<div class="newsletter"><h4>Get the morning briefing</h4>'
            + '<p>Sign up for our free newsletter, delivered every weekday.</p>'
            + '<form><input type="email" placeholder="Your email"><button>Sign up</button></form></div>\n'
            + '</div><div class="sidebar">' + _related(page.related, "Most read") + "</div></div>\n"
            + _footer(page))


def _blog(page: PageContent) -> str:
    return (_head(page) + "<body>\n" + _nav(page)
            + f'<main id="main"><div class="post"><h1 class="entry-title">{_e(page.title)}</h1>'
            + f'<p class="meta">Posted in {_e(page.section)} by {_e(page.author)} on {page.published[:10]}</p>\n'
            + '<div class="entry-content">\n' + _body(page) + _credit(page) + "</div>\n"
            + '<div class="comments"><h3>Leave a comment</h3>'
            + '<p>Comments are moderated and may take a while to appear.</p></div>\n'
            + "</div>" + _related(page.related, "You may also like") + "</main>\n" + _footer(page))


def _aggregator(page: PageContent) -> str:
    source = page.credit or f"Originally reported for {page.outlet.name}"
    return (_head(page) + "<body>\n" + _nav(page)
            + f'<section class="item"><h2>{_e(page.title)}</h2>'
            + f'<p class="source">{_e(source)}</p>\n'
            + '<div class="item-text">\n' + _body(page) + "</div>\n"
            + f'<p class="readmore"><a href="{_e(page.url)}">Read the full story</a></p></section>\n'
            + _related(page.related, "Trending now") + _footer(page))


_LAYOUTS = (_newsroom, _portal, _blog, _aggregator)


def _slug(text: str) -> str:
    return "-".join("".join(ch.lower() if ch.isalnum() else " " for ch in text).split())


def slug(text: str, limit: int = 60) -> str:
    return _slug(text)[:limit].strip("-") or "story"
