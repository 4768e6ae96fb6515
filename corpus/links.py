"""Link placement: the page's own <a> elements put back at the same words of the extracted text.

trafilatura's precise pass drops the words around inline links when asked to keep them, so the
body is extracted without links and each anchor is found again by the text just before it
(`place_anchors`); a balanced pass with links is read through marker characters instead
(`body_text_and_links`). `mostly_link_lines` tells a menu rendered as plain lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from copy import deepcopy
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from .article_check import MIN_LINKS_FOR_LINK_LIST, is_link_list
from .records import Link

# Characters of preceding text used to find an anchor again in another rendering.
LINK_CONTEXT_CHARS = 40
MAX_ANCHORS_CHECKED = 20000


@dataclass(frozen=True)
class Anchor:
    """An <a href> of the page with the text around it, to find it again in the body text."""

    href: str
    text: str
    before: str  # up to LINK_CONTEXT_CHARS of text just before the anchor, inside its parent
    after: str  # the first character after it, or ""


def page_anchors(tree: Any, url: str | None) -> tuple[list[Anchor], set[str]]:
    """The page's links with their context, and the text of every <a> (for the link-list test)."""
    anchors: list[Anchor] = []
    texts: set[str] = set()
    for element in _limited(tree.iter("a"), MAX_ANCHORS_CHECKED):
        text = " ".join(element.text_content().split())
        texts.add(text)
        href = element.get("href")
        if text and href:
            anchors.append(Anchor(_absolute(href.strip(), url), text, _text_before(element), _char_after(element)))
    return anchors, texts


# Elements that start a new line in trafilatura's text: context never crosses them.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote body br dd details div dl dt figcaption figure footer form h1 h2 h3 h4 "
    "h5 h6 header hr html li main nav ol p pre section summary table tbody td tfoot th thead tr ul".split())
# How far up through inline wrappers (<strong><a>, <span><em><a>) context is looked for.
MAX_INLINE_LEVELS = 4
MAX_CONTEXT_SIBLINGS = 8


def _text_before(element: Any) -> str:
    """Whitespace-normalised text just before `element` on its line, at most LINK_CONTEXT_CHARS."""
    pieces: list[str] = []
    length = 0
    node = element
    for _level in range(MAX_INLINE_LEVELS):
        sibling = node.getprevious()
        # Bounded: a parent holding thousands of links must not cost quadratic time.
        for _ in range(MAX_CONTEXT_SIBLINGS):
            if sibling is None or length >= LINK_CONTEXT_CHARS:
                break
            if isinstance(sibling.tag, str) and sibling.tag in _BLOCK_TAGS:
                return _context(pieces)
            piece = (sibling.text_content() if isinstance(sibling.tag, str) else "") + (sibling.tail or "")
            pieces.append(piece)
            length += len(piece)
            sibling = sibling.getprevious()
        parent = node.getparent()
        if length >= LINK_CONTEXT_CHARS or sibling is not None or parent is None:
            break
        pieces.append(parent.text or "")
        length += len(parent.text or "")
        if parent.tag in _BLOCK_TAGS:
            break
        node = parent
    return _context(pieces)


def _context(pieces_backwards: list[str]) -> str:
    raw = "".join(reversed(pieces_backwards))[-4 * LINK_CONTEXT_CHARS:]
    return re.sub(r"\s+", " ", raw).lstrip()[-LINK_CONTEXT_CHARS:]


def _char_after(element: Any) -> str:
    """The first character after `element` on its line ("" at the end of a block)."""
    node = element
    for _level in range(MAX_INLINE_LEVELS):
        tail = node.tail or ""
        if tail:
            return " " if tail[0].isspace() else tail[0]
        following = node.getnext()
        if following is not None:
            if not isinstance(following.tag, str) or following.tag in _BLOCK_TAGS:
                return ""
            text = following.text_content()
            return (" " if text[0].isspace() else text[0]) if text else ""
        node = node.getparent()
        if node is None or node.tag in _BLOCK_TAGS:
            return ""
    return ""


def place_anchors(anchors: Sequence[Anchor], text: str) -> list[Link]:
    """Links at the words of `text` where the page's anchors are, in text order.

    First every anchor that can be found with the words before it, in page
    order, each search starting after the previous find, so a repeated anchor
    text ("here") lands on the right occurrence. Then anchors without usable
    context, only where they cannot be a coincidence (see `_find_alone`) and
    only where no link is yet. Menu links match nothing, which keeps them out.
    """
    cursor = 0
    spans: list[tuple[int, int, str]] = []
    pending: list[tuple[Anchor, int]] = []
    for anchor in anchors:
        start = _find_with_context(text, anchor, cursor)
        if start is None:
            pending.append((anchor, cursor))
            continue
        cursor = start + len(anchor.text)
        spans.append((start, cursor, anchor.href))
    for anchor, bound in pending:
        start = _find_alone(text, anchor, bound)
        if start is None:
            continue
        end = start + len(anchor.text)
        if not any(s < end and start < e for s, e, _href in spans):
            spans.append((start, end, anchor.href))
    return [Link(href, text[s:e], s, e, "hyperlink") for s, e, href in sorted(spans)]


def _find_with_context(text: str, anchor: Anchor, cursor: int) -> int | None:
    """Where `anchor` is in `text` at or after `cursor`, judged by the words before it."""
    before = anchor.before
    if not before.strip():
        return None
    stripped = before.rstrip()
    word = stripped[stripped.rfind(" ") + 1:]
    # The page's whitespace is not always trafilatura's: try the context with
    # and without a separating space, then only the last word of it.
    for prefix, suffix in ((before, anchor.after), (before, ""), (stripped + " ", anchor.after),
                           (word + " ", anchor.after), (word, anchor.after)):
        # The context may reach back over the previous link, which lies before the cursor.
        found = text.find(prefix + anchor.text + suffix, max(0, cursor - len(prefix)))
        if found >= 0:
            return found + len(prefix)
    return None


# A bare anchor this long, unique in the text or starting a line, is not there by chance.
MIN_UNIQUE_ANCHOR_CHARS = 12
# A one-character line ("J", "5") matches an anchor by chance; a word does not.
MIN_LINE_ANCHOR_CHARS = 2


def _find_alone(text: str, anchor: Anchor, cursor: int) -> int | None:
    """Where an anchor with no usable context is, if only one place can be meant.

    That is: a whole line or table cell; at the start of one and followed by
    the same character as on the page, if the anchor text is long; or the
    only occurrence of a long anchor text.
    """
    if len(anchor.text) < MIN_LINE_ANCHOR_CHARS:
        return None
    long_text = len(anchor.text) >= MIN_UNIQUE_ANCHOR_CHARS
    found = text.find(anchor.text, cursor)
    while found >= 0:
        end = found + len(anchor.text)
        starts = found == 0 or text[found - 1] == "\n" or text[max(0, found - 2):found] == "| "
        rest = text[end:end + 2]
        whole = rest[:1] in ("", "\n") or rest == " |"
        if starts and (whole or (long_text and anchor.after and rest[:1] == anchor.after)):
            return found
        found = text.find(anchor.text, found + 1)
    if long_text:
        found = text.find(anchor.text, cursor)
        if found >= 0 and text.find(anchor.text, found + 1) < 0:
            return found
    return None


def mostly_link_lines(text: str, anchor_texts: set[str]) -> bool:
    """True when most of the text is lines that are each the whole text of some link on the page.

    trafilatura's fallback extractor returns menus as plain lines without
    link markup, so the page's own <a> elements are the evidence.
    """
    lines = [line for line in text.split("\n") if line]
    if len(lines) < MIN_LINKS_FOR_LINK_LIST:
        return False
    linked_chars = sum(len(line) for line in lines if line in anchor_texts)
    return is_link_list(linked_chars, sum(len(line) for line in lines))



def _limited(items: Iterator[Any], limit: int) -> Iterator[Any]:
    for index, item in enumerate(items):
        if index >= limit:
            return
        yield item


# Marker pairs for anchor boundaries. They must be printable (trafilatura
# deletes non-printable characters) and absent from the page.
_MARKER_PAIRS = (("\u27e6", "\u27e7"), ("\u2983", "\u2984"), ("\u2e28", "\u2e29"), ("\u300e", "\u300f"))


def body_text_and_links(body: Any, url: str | None) -> tuple[str, list[Link]]:
    """trafilatura's plain-text rendering of `body`, with offsets of every in-body link.

    trafilatura's text renderer writes links as Markdown; we want its plain
    text. So anchors are fenced with marker characters, the <ref> tags are
    unwrapped, the tree is rendered by trafilatura, and the markers are read
    back out as offsets. If the markers changed the rendering in any way, the
    plain rendering wins and anchors are located by search instead.
    """
    from lxml import etree
    from trafilatura.xml import xmltotxt

    plain_tree = deepcopy(body)
    etree.strip_tags(plain_tree, "ref")
    plain = xmltotxt(plain_tree, False)
    page_text = "".join(body.itertext())
    pair = next((p for p in _MARKER_PAIRS if p[0] not in page_text and p[1] not in page_text), None)
    if pair is None:
        return plain, []
    marked_tree = deepcopy(body)
    hrefs = _fence_anchors(marked_tree, pair)
    etree.strip_tags(marked_tree, "ref")
    text, spans = _read_markers(xmltotxt(marked_tree, False), pair)
    if text != plain or len(spans) != len(hrefs):
        spans = _locate_anchors(plain, _anchor_texts(body))
        text = plain
    links = [Link(_absolute(href, url), text[s:e], s, e, "hyperlink")
             for href, (s, e) in zip(hrefs, spans) if s < e]
    return text, links


def _fence_anchors(tree: Any, pair: tuple[str, str]) -> list[str]:
    hrefs: list[str] = []
    for ref in list(tree.iter("ref")):
        slots = [s for s in _text_slots(ref) if (getattr(s[0], s[1]) or "").strip()]
        if not slots:
            continue
        first_el, first_attr = slots[0]
        value = getattr(first_el, first_attr)
        lead = len(value) - len(value.lstrip())
        setattr(first_el, first_attr, value[:lead] + pair[0] + value[lead:])
        last_el, last_attr = slots[-1]
        value = getattr(last_el, last_attr)
        body = value.rstrip()
        setattr(last_el, last_attr, body + pair[1] + value[len(body):])
        hrefs.append(ref.get("target") or "")
    return hrefs


def _text_slots(element: Any, with_tail: bool = False) -> Iterator[tuple[Any, str]]:
    """(element, "text"|"tail") pairs in reading order, inside `element`."""
    yield element, "text"
    for child in element:
        yield from _text_slots(child, True)
    if with_tail:
        yield element, "tail"


def _read_markers(marked: str, pair: tuple[str, str]) -> tuple[str, list[tuple[int, int]]]:
    """Remove the markers; return the clean text and one (start, end) per opening marker."""
    pieces: list[str] = []
    length = 0
    last = 0
    open_stack: list[tuple[int, int]] = []  # (index into spans, start offset)
    spans: list[tuple[int, int]] = []
    for match in re.finditer(f"[{re.escape(pair[0])}{re.escape(pair[1])}]", marked):
        pieces.append(marked[last:match.start()])
        length += match.start() - last
        last = match.end()
        if match.group() == pair[0]:
            open_stack.append((len(spans), length))
            spans.append((length, length))
        elif open_stack:
            index, start = open_stack.pop()
            spans[index] = (start, length)
    pieces.append(marked[last:])
    return "".join(pieces), spans


def _anchor_texts(body: Any) -> list[str]:
    return [" ".join("".join(ref.itertext()).split()) for ref in body.iter("ref")
            if "".join(ref.itertext()).strip()]


def _locate_anchors(text: str, anchors: list[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cursor = 0
    for anchor in anchors:
        found = text.find(anchor, cursor) if anchor else -1
        if found < 0:
            spans.append((0, 0))
            continue
        spans.append((found, found + len(anchor)))
        cursor = found + len(anchor)
    return spans


def _absolute(href: str, base: str | None) -> str:
    if not base or not href:
        return href
    try:
        return urljoin(base, href)
    except ValueError:
        return href
