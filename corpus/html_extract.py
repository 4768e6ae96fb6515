"""HTML pages: trafilatura's extraction, then our boilerplate pass, link placement and metadata.

`extract_html` runs in the calling process; pages from outside go through an extraction worker
(corpus/extraction_pool.py), because trafilatura has no wall-clock limit and is not thread-safe.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .boilerplate import CleanedBody, clean_body, is_auto_generated_note
from .clean_records import CleanOptions, ExtractedPage
from .language import detect_language
from .links import body_text_and_links, mostly_link_lines, page_anchors, place_anchors
from .page_metadata import page_date, page_metadata, url_hostname

# libxml2 stops building the tree at 256 levels unless XML_PARSE_HUGE is set,
# and lxml's HTML parser recovers silently: everything deeper just vanishes.
LIBXML_MAX_DEPTH = 255

# Below this many characters a favor_precision body is checked against the
# balanced extraction (see _longer_balanced_body). On the extraction benchmark
# the balanced body won on 6 of 181 pages, all with a precise body under 340
# characters (empty, a teaser, a reprint notice), and never above; each check
# costs a second full pass, so the limit stays low.
PRECISE_SUSPECT_CHARS = 500

# A numeric reference to a C0 control or DEL (`&#8;`, `&#x1b;`): lxml refuses the element holding it
# and trafilatura then finds no body at all, so one stray reference cost the whole article (I3).
_CONTROL_REFERENCE = re.compile(r"&#(?:[xX]0{0,6}(?P<hex>[0-9a-fA-F]{1,2})|0{0,7}(?P<dec>[0-9]{1,3}));?")


def drop_control_references(html: str) -> str:
    """`html` without numeric references to control characters (tab, LF and CR kept; NUL is left to
    the parser, which turns it into U+FFFD as WHATWG says)."""
    if "&#" not in html:
        return html

    def replace(match: re.Match[str]) -> str:
        code = int(match["hex"], 16) if match["hex"] else int(match["dec"])
        return "" if 0 < code < 32 and code not in (9, 10, 13) or code == 127 else match[0]

    return _CONTROL_REFERENCE.sub(replace, html)


def extract_html(html: str, url: str | None = None, *, options: CleanOptions = CleanOptions()) -> ExtractedPage:
    """Clean article text, metadata and in-body links from one decoded HTML page.

    Runs in the calling process: use `extract_in_worker` for untrusted pages.
    """
    if not isinstance(html, str):
        raise TypeError("extract_html takes decoded text; decode bytes with the page's charset first")
    from trafilatura import bare_extraction
    from trafilatura.utils import load_html
    from trafilatura.xml import xmltotxt

    tree = load_html(drop_control_references(html))
    if tree is None:
        return ExtractedPage(text="", flags=("unparseable",))
    flags = {"parser_depth"} if _depth_limit_hit(tree) else set()
    auto = _page_is_auto_generated(tree)
    anchors, anchor_texts = page_anchors(tree, url)
    common: dict[str, Any] = dict(url=url, include_comments=options.include_comments,
                                  include_tables=options.include_tables)
    # One trafilatura pass, without links: with include_links, precision mode
    # drops the words before an inline link (bench/extract_benchmark.py notes),
    # so the page's own anchors are placed in the text afterwards instead.
    precise = bare_extraction(tree, favor_precision=options.favor_precision,
                              favor_recall=options.favor_recall, fast=options.fast, **common)
    # A trafilatura Document (a dict only with as_dict=True, never asked for here), or None.
    precise_body = getattr(precise, "body", None)
    body_text = xmltotxt(precise_body, False) if precise_body is not None else ""
    # After the extraction: the metadata steps read the same tree, and the
    # body must not depend on whether they ever change it.
    meta = page_metadata(tree, url, options)
    cleaned = clean_body(body_text, place_anchors(anchors, body_text), title=meta.title,
                         drop_boilerplate=options.drop_boilerplate)
    if len(cleaned.text) < PRECISE_SUSPECT_CHARS:
        cleaned = _longer_balanced_body(tree, cleaned, url, meta.title, options, common)
    if mostly_link_lines(cleaned.text, anchor_texts):
        flags.add("link_list")
    dated = page_date(meta, cleaned.text)
    return ExtractedPage(
        text=cleaned.text,
        title=meta.title,
        author=meta.author,
        published=dated.date,
        date_source=dated.source,
        date_estimated=dated.estimated,
        outlet=meta.sitename or url_hostname(url),
        language=detect_language(cleaned.text) if options.detect_language else None,
        links=cleaned.links,
        auto_generated=auto,
        flags=tuple(sorted(flags | set(cleaned.flags))),
        dropped=cleaned.dropped,
    )


def _longer_balanced_body(tree: Any, chosen: CleanedBody, url: str | None, title: str | None,
                          options: CleanOptions, common: dict[str, Any]) -> CleanedBody:
    """The balanced extraction's body when it is much longer than the short precise one.

    Precision mode occasionally settles on a reprint notice or a teaser block;
    a much longer balanced body is then the article. Only short bodies can be
    such a case, so only they pay for this second pass.
    """
    from trafilatura import bare_extraction

    linked = bare_extraction(tree, include_links=True, **common)
    linked_body = getattr(linked, "body", None)
    if linked_body is None:
        return chosen
    text, links = body_text_and_links(linked_body, url)
    fallback = clean_body(text, links, title=title, drop_boilerplate=options.drop_boilerplate)
    return fallback if len(fallback.text) > 2 * len(chosen.text) else chosen


def _depth_limit_hit(tree: Any) -> bool:
    """True when libxml2 cut the tree at its nesting limit (the text below is gone)."""
    from trafilatura.utils import HTML_PARSER

    # The parser's log is reset on every parse, so it speaks about this page.
    if any("depth" in entry.message.lower() for entry in HTML_PARSER.error_log):
        return True
    return bool(_AT_MAX_DEPTH(tree))


def _at_max_depth_xpath() -> Any:
    from lxml import etree

    # One child step per level: libxml2 answers it in a single walk of the
    # tree, where a Python loop over every element cost five times as much.
    return etree.XPath("boolean(" + "/*" * LIBXML_MAX_DEPTH + ")")


class _LazyXPath:
    """Compiled on first use, so importing this module does not import lxml."""

    def __init__(self, build: Callable[[], Any]) -> None:
        self._build = build
        self._compiled: Any = None

    def __call__(self, tree: Any) -> Any:
        if self._compiled is None:
            self._compiled = self._build()
        return self._compiled(tree)


_AT_MAX_DEPTH = _LazyXPath(_at_max_depth_xpath)


def _page_is_auto_generated(tree: Any) -> bool:
    # The disclaimer often sits in a footer trafilatura throws away, so look at
    # every visible text node, not only the extracted body.
    return is_auto_generated_note(" ".join(_VISIBLE_TEXT(tree)))


def _visible_text_xpath() -> Any:
    from lxml import etree

    # Plain strings: lxml's default "smart" strings carry a parent reference each, which nothing here needs.
    return etree.XPath("//body//text()[not(ancestor::script) and not(ancestor::style)"
                       " and not(ancestor::noscript) and not(ancestor::template)]", smart_strings=False)


_VISIBLE_TEXT = _LazyXPath(_visible_text_xpath)
