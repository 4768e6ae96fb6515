"""Turn a page (decoded HTML) or a saved .txt article into clean body text.

The pipeline for HTML is: parse -> trafilatura -> our own line-level
boilerplate pass -> language/no-article decisions. Plain-text files skip the
first two steps. Everything here is a pure library function: no printing, no
network, no storage.

trafilatura has no wall-clock limit in library mode and segfaults when
`extract()` runs in several threads at once, so callers that handle untrusted
pages go through `extract_in_worker`, which runs `extract_html` in a
separate, killable process (see the worker section at the end).
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import queue
import re
import threading
import time
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from copy import deepcopy
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urljoin, urlsplit

from .dates import FoundDate, body_date, htmldate_date, structured_date
from .errors import NewstraceError
from .language import detect_language
from .records import Extracted, Link

# trafilatura's own MIN_EXTRACTED_SIZE: below this a "page" is almost always a
# navigation stub, an error page or a teaser, never a story worth annotating.
MIN_ARTICLE_CHARS = 250

# A paywall prompt next to this little text means we only saw the teaser.
# Sites that ship the full story with a hidden prompt still pass.
PAYWALL_TEASER_MAX_CHARS = 1500

# When most of the "body" is anchor text, it is a link list (section front,
# tag page), not an article.
MAX_LINK_SHARE = 0.6
MIN_LINKS_FOR_LINK_LIST = 5
MAX_ANCHORS_CHECKED = 20000

# libxml2 stops building the tree at 256 levels unless XML_PARSE_HUGE is set,
# and lxml's HTML parser recovers silently: everything deeper just vanishes.
LIBXML_MAX_DEPTH = 255

# Below this many characters a favor_precision body is checked against the
# balanced extraction (see _longer_balanced_body). On the extraction benchmark
# the balanced body won on 6 of 181 pages, all with a precise body under 340
# characters (empty, a teaser, a reprint notice), and never above; each check
# costs a second full pass, so the limit stays low.
PRECISE_SUSPECT_CHARS = 500

# Characters of preceding text used to find an anchor again in another rendering.
LINK_CONTEXT_CHARS = 40

# A title sits at the top; past this many lines a file simply has none.
MAX_TITLE_SEARCH_LINES = 50

# Bounds the audit trail kept on the result; a page of 10k "Share" lines must
# not make the record huge.
MAX_DROPPED_KEPT = 200


class ExtractionTimeout(NewstraceError):
    """The extractor ran past its wall-clock limit and its process was killed."""

    reason = "extraction_timeout"


class ExtractorCrashed(NewstraceError):
    """The extractor process died (segfault, abort, OOM kill) before answering."""

    reason = "extractor_crash"


class ExtractionCancelled(NewstraceError):
    """The job waited behind one that overran or crashed, and never ran: send it again."""

    reason = "extraction_cancelled"


@dataclass(frozen=True)
class CleanOptions:
    """Extraction settings; the defaults were chosen on the extraction benchmark.

    Measured with bench/extract_benchmark.py (181 pages, F1 of trafilatura's
    text alone): default 0.953, without comments 0.960, favor_recall 0.959,
    favor_precision 0.964, without tables 0.957. Comments are reader
    chatter, and tables carry figures, so: precision, no comments, tables.
    `fast` skips trafilatura's second opinion from readability and jusText:
    with our cleaning F1 0.975 with it, 0.974 without (it fixed one page and
    broke another), for a quarter less extraction time.
    """

    favor_precision: bool = True
    fast: bool = True
    # Off where the caller detects the language itself (ingest does, in its
    # own process, so the extraction worker neither loads nor runs the model).
    detect_language: bool = True
    favor_recall: bool = False
    include_comments: bool = False
    include_tables: bool = True
    drop_boilerplate: bool = True
    extensive_date_search: bool = True


@dataclass(frozen=True)
class ExtractedPage(Extracted):
    """An `Extracted` plus what the cleaner noticed on the way.

    `flags` carries conditions `is_article` needs ("parser_depth", "paywall");
    `dropped` lists the boilerplate lines removed, so a reviewer can check
    that no story sentence went with them.
    """

    flags: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()


@dataclass(frozen=True)
class CleanedBody:
    text: str
    links: tuple[Link, ...] = ()
    dropped: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()


# -- boilerplate rules --------------------------------------------------------------------
#
# Each rule sees one stripped line and only lines up to its own length limit,
# which both keeps story paragraphs out of reach of prompt-like patterns and
# bounds the regex work per line. Every quantifier is bounded, so no pattern
# can backtrack more than a few hundred steps from any position.
#
# Deliberately not a rule: "Summary" / "Key points" / "TL;DR" digests. On the
# extraction benchmark both pages that carry one have it in the gold article
# body, and a digest restates the story's own figures, which later stages
# should see (measured with bench/extract_benchmark.py, see the module notes).

_I = re.IGNORECASE


@dataclass(frozen=True)
class _Rule:
    name: str
    max_len: int
    pattern: re.Pattern[str]
    # Words of which every match contains at least one (compared case-folded).
    # An unanchored pattern is tried at every position of every line, and seven
    # such rules cost a fifth of bare trafilatura's time on the generated
    # pages; a substring test rules out nearly all lines first. Each tuple must
    # cover every alternative of its pattern: a new alternative needs a word
    # here and an example in tests/test_clean.py (_PREFILTERED_EXAMPLES).
    needs: tuple[str, ...] = ()

    def matches(self, line: str, folded: str) -> bool:
        if len(line) > self.max_len:
            return False
        if self.needs and not any(word in folded for word in self.needs):
            return False
        return self.pattern.search(line) is not None


_NAV_SEP = re.compile(r"\s(?:/|>|»|›|\||→|::)\s")
_HOME_CRUMB = re.compile(r"^(?:home|homepage|home page|start|front page|main page)\s?(?:/|>|»|›|\||→|::)", _I)

_RULES: tuple[_Rule, ...] = (
    _Rule("share", 120, re.compile(
        r"^(?:share|shares|share (?:this|the) (?:article|story|post|page|video|link)"
        r"|share (?:on|via|to) [\w .,&+-]{1,60}"
        r"|(?:tweet|email|e-mail|print|pin|whatsapp|copy link|copy url|save)"
        r"(?: (?:this |the )?(?:article|story|page|link))?"
        r"|order reprints?|reprints?(?: (?:&|and) permissions)?|permissions"
        r"|(?:follow|like|find|join|connect with) us(?: (?:on|at|via) [\w .,&@/+-]{0,80})?"
        r"|click to (?:tweet|share|email|print)|sharing is caring"
        r"|like this (?:story|article)\?.{0,80})[\s.!:…]{0,3}$", _I)),
    _Rule("follow_prompt", 200, re.compile(
        r"^follow\b.{0,150}\b(?:on|at|via)\s(?:twitter|facebook|instagram|linkedin|youtube"
        r"|tiktok|threads|bluesky|mastodon|x\b|google news)", _I)),
    _Rule("read_more", 250, re.compile(
        r"^(?:(?:read|see|view|watch|check out) (?:more|also|next|all|the full (?:story|article|report))\b"
        r"|(?:also|further) read(?:ing)?\b"
        r"|related(?: (?:articles?|stories|posts?|coverage|reading|content|links?|news|topics|videos?"
        r"|roundup))?\s?(?:[:：]|$)"
        r"|more (?:from|on|stories|news|articles|coverage|headlines|videos?)\b[^.!?]{0,80}$"
        r"|more\s?:$"
        r"|(?:recommended|suggested)(?: for you| reading| stories| articles| videos?)?\s?[:：]?$"
        r"|you (?:may|might) (?:also )?(?:like|enjoy|be interested in)\b"
        r"|don['’]?t miss(?:\s?[:：!].{0,200})?$"
        r"|in case you missed it\b"
        r"|(?:watch|listen|video)\s?[:：]"
        r"|also on [\w.-]{1,60}\.[a-z]{2,10}\b"
        r"|explore further$)"
        # Teaser links tagged like "Headline [VIDEO]" at the end of a line.
        r"|\[(?:insight|video|videos|reaction|news|warning|pictures|pics|poll|photos?|gallery|latest|live"
        r"|exclusive|watch|analysis|opinion)\]\W{0,3}$", _I)),
    _Rule("section_header", 80, re.compile(
        r"^(?:(?:most|more) (?:read|popular|viewed|shared|commented|emailed)\b[^.!?]{0,50}"
        r"|popular (?:on|in|now)\b[^.!?]{0,50}|trending(?: now| stories| news)?"
        r"|latest (?:news|stories|videos?|headlines)|top stories|editor['’]?s picks?)\s?[:：]?$", _I)),
    _Rule("advert", 80, re.compile(
        r"^(?:advertisement|advertising|sponsored(?: content)?|story continues below(?: advertisement)?"
        r"|continue reading(?: below| the main story)?|scroll to continue(?: with content)?)\s?[:：]?$", _I)),
    _Rule("comments", 80, re.compile(
        r"^(?:leave a (?:reply|comment)|post a comment|add (?:a|your) comment|comments?"
        r"|\d{1,6} comments?|(?:view|show|read|see|load) (?:all )?(?:\d{1,6} )?comments"
        r"|join the (?:conversation|discussion)|comments? (?:are )?closed"
        r"|(?:be the first|log in|sign in|login|register) to (?:comment|post a comment|leave a comment|reply)"
        r"|reply|cancel reply|tell us what you think)[\s.!:…]{0,4}$", _I)),
    _Rule("disclaimer", 1000, re.compile(r"^disclaimer\s?[:：-]", _I)),
    _Rule("author_views", 300, re.compile(
        r"(?:^(?:statement|note|disclaimer)\s?[:：].{0,120}"
        r"|\b(?:this|the) (?:article|story|post|column|piece|content|op-?ed|blog)\b.{0,60})"
        r"\b(?:represents?|reflects?|are|is|expresses?)\s(?:solely\s|only\s|purely\s|strictly\s)?"
        r"(?:the\s)?(?:personal\s)?(?:views?|opinions?)\sof\s(?:the\s|its\s)?(?:authors?|writers?|contributors?)\b"
        r"|\bviews expressed\b.{0,120}\b(?:authors?|writers?|contributors?)\b", _I), needs=("view", "opinion")),
    _Rule("copyright", 200, re.compile(r"^(?:copyright\b|©|ⓒ|\(c\)\s)|\ball rights reserved\b", _I),
          needs=("copyright", "©", "ⓒ", "(c)", "all rights reserved")),
    _Rule("cookies", 300, re.compile(
        r"\b(?:we use cookies|(?:this|our) (?:site|website) uses cookies|(?:accept|reject|manage) (?:all )?cookies"
        r"|cookie (?:policy|settings|preferences|consent))\b", _I), needs=("cookie",)),
    _Rule("paywall", 300, re.compile(
        r"\b(?:subscribe|sign in|log in|login|register|become a (?:member|subscriber))\b.{0,60}"
        r"\bto (?:continue|keep) reading\b"
        r"|\bto (?:continue|keep) reading\b.{0,60}\b(?:subscribe|sign in|log in|subscription|become a member)"
        r"|\b(?:this|the) (?:article|story|content|post) is (?:only |exclusively )?(?:available|reserved)"
        r" (?:to|for) (?:our )?(?:paid |premium )?(?:subscribers|members)\b"
        r"|^already a (?:subscriber|member)\b"
        r"|\bsubscribe (?:now |today )?(?:for|to get) (?:full|unlimited|complete) access\b"
        r"|\byou(?:['’]ve| have) (?:reached|used) (?:your|all your|all of your) (?:limit|free articles?)\b", _I),
          needs=("reading", "available", "reserved", "already", "access", "you")),
    _Rule("subscribe", 250, re.compile(
        r"^(?:subscribe|sign up|sign-up|register|join|get|download|start your day)\b.{0,200}"
        r"\b(?:newsletters?|inbox|free trial|app|subscription|podcast|youtube)\b"
        r"|\b(?:your inbox|our newsletters?|(?:sign up|subscribe) (?:now|today|here|for free)\b"
        r"|sign up for (?:our|the) .{0,40}newsletter)", _I),
          needs=("newsletter", "inbox", "free trial", "app", "subscription", "podcast", "youtube", "sign up",
                 "subscribe")),
    _Rule("contact", 250, re.compile(
        r"^(?:write to|e-?mail|contact|reach|have a (?:news )?tip)\b.{0,150}(?:@|https?://|twitter\.com)"
        r"|^[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,6}$", _I)),
    _Rule("credits", 400, re.compile(
        r"^\(?(?:additional |with )?(?:reporting|writing|editing) by\b"
        r"|\bcontributed (?:reporting|to this (?:report|story|article))\b", _I),
          needs=("reporting", "writing", "editing", "contributed")),
    _Rule("widget_message", 120, re.compile(
        r"^(?:thanks?(?: you)? for (?:signing up|subscribing)[^\n]{0,40}|thank you[.!]?|sorry[.!]?"
        r"|an error (?:has )?occurred[^\n]{0,60}|something went wrong[^\n]{0,40}"
        r"|please try again(?: later)?[.!]?|this article has been sent to[^\n]{0,60})$", _I)),
    _Rule("promo", 300, re.compile(
        r"^if you (?:enjoyed|liked|value|appreciate|found)\b.{0,60}\b(?:this|our) "
        r"(?:article|story|journalism|work|content|reporting)", _I)),
    # "Click here for the full report" may be the only pointer to a primary
    # source, so only promotional "click here" lines go.
    _Rule("click_here", 250, re.compile(
        r"\b(?:click|tap)(?:ing)? here\b.{0,80}\b(?:subscribe|sign up|download|app|newsletter|more information"
        r"|buy|order|register|shop|deals?|get (?:the|our|it))\b"
        r"|\b(?:subscribe|sign up|download|app|newsletter|buy|order|register|shop|get)\b"
        r".{0,80}\b(?:click|tap)(?:ing)? here\b", _I), needs=("click", "tap")),
    _Rule("tags", 250, re.compile(
        r"^(?:tags?|tagged(?: with)?|filed under|topics?|categories|keywords)\s?(?:[:：|]|$)", _I)),
)

_LEADING_MARKER = re.compile(r"^[-–—•*·▪►>\[(]{1,3}\s?")
_TIMESTAMP_LABEL = re.compile(
    r"^(?:last )?(?:updated|published|posted|modified|first published)(?: on| at)?\s?[:：]?\s?", _I)
_WORD = re.compile(r"[^\W\d_]{1,40}")
_DATE_WORDS = frozenset(
    "jan feb mar apr may jun jul aug sep sept oct nov dec january february march april june july august "
    "september october november december mon tue wed thu fri sat sun monday tuesday wednesday thursday "
    "friday saturday sunday am pm a m p at on by et gmt utc the of".split())

# A scraper sometimes glues a widget label onto the next line ("Read more news
# onSouth Korean media: ..."); the label is lower case, the story starts upper case.
_GLUED_PREFIX = re.compile(
    r"^(?i:read more(?: news)?(?: on| from| at| about)?|leave a reply|share this(?: article| story)?"
    r"|advertisement|related(?: articles| stories)?)(?=[A-Z0-9\"“‘])")
_GLUED_SUFFIXES = ("click to tweet", "click to share")

# Lines that are nothing but bullets, bars or dots carry no text.
_NO_WORDS = re.compile(r"^[\W_]{0,200}$")

# Self-description of machine-made content. Each alternative starts with a
# literal word, so scanning a whole page costs one pass. Both patterns are
# lower case and run on lower-cased text: without IGNORECASE the scan takes
# half the time, and it runs over every visible text node of every page.
_AUTO_RE = re.compile(
    r"\bauto[- ]?(?:matically[- ])?(?:generated|aggregated|summari[sz]ed|written|created|produced|curated)\b"
    r"|\b(?:machine|computer|algorithm|bot)[- ](?:generated|summari[sz]ed|written|curated)\b"
    r"|\b(?:generated|created|written|summari[sz]ed|compiled|produced|aggregated)\s"
    r"(?:automatically\s|entirely\s|partly\s|partially\s)?(?:by|with|using)\s(?:an?\s|the\s)?"
    r"(?:computer(?: program)?|algorithm|bot|ai\b|artificial intelligence|machine|automated"
    r"|(?:large )?language model|llm)"
    r"|\bsyndicated feed\b")
# Every _AUTO_RE match contains one of these (the second word of its first two
# alternatives, the first of the third, the fourth whole). Checked first, they
# spare the regex scan on nine lines in ten. A new alternative needs its word
# here and an example in tests/test_clean.py.
_AUTO_WORDS = ("auto", "generated", "summari", "written", "curated", "created", "compiled", "produced",
               "aggregated", "syndicated feed")
# ...but only when the sentence is about itself, so a story *about* AI-generated
# images is not mistaken for an AI-generated story.
_SELF_REF = re.compile(
    r"\b(?:this|the following) (?:story|article|content|summary|post|report|page|text|news|item|piece|brief)\b"
    r"|\bdisclaimer\b|\b(?:has|have) not been (?:edited|reviewed|verified|checked)\b")
_SENTENCE_MARKS = (".", "!", "?", "\n")
_AUTO_WINDOW = 200

# "Original: <url>", "Source: ...", "Via: ..." lines of a saved text file.
_ORIGIN_LINE = re.compile(
    r"^(?:original(?: (?:article|link|url|source|story))?|originally published(?: (?:at|on|in|by))?"
    r"|source(?: (?:link|url|article))?|via|read the original(?: article)?)\s?[:：]\s?(\S.{0,500})$", _I)
_URLISH = re.compile(r"^(?:https?://)?(?:[\w-]{1,63}\.){1,8}[a-z]{2,24}(?:[/?#]\S{0,2000})?$", _I)


def boilerplate_reason(line: str, title: str | None = None) -> str | None:
    """Name of the rule that marks this line as boilerplate, or None to keep it."""
    return _line_reason(line, _fold(title) if title else "")


def _line_reason(line: str, title_key: str) -> str | None:
    line = line.strip()
    if line.startswith("|"):
        # trafilatura renders table rows as "| a | b |"; figures live in tables.
        return None
    if not line or _NO_WORDS.match(line):
        return "no_words"
    # "- Print Article", "[Related: ...]": judge the words, not the list marker.
    if line.startswith("[") and line.endswith("]"):
        line = line[1:-1]
    line = _LEADING_MARKER.sub("", line, count=1).strip()
    if not line:
        return "no_words"
    if title_key and len(line) <= 2 * len(title_key) + 10 and _fold(line) == title_key:
        return "title_repeat"
    if _is_breadcrumb(line):
        return "breadcrumb"
    if _is_timestamp(line):
        return "timestamp"
    if len(line) <= 600 and is_auto_generated_note(line):
        return "auto_generated_note"
    folded = line.casefold()
    for rule in _RULES:
        if rule.matches(line, folded):
            return rule.name
    return None


def _is_timestamp(line: str) -> bool:
    """"Updated at 1:23 p.m.", "Published: Nov. 19, 2019 5:45 AM PST": a label and nothing but a date."""
    if len(line) > 100:
        return False
    match = _TIMESTAMP_LABEL.match(line)
    if match is None:
        return False
    rest = line[match.end():]
    words = _WORD.findall(rest)
    return any(ch.isdigit() for ch in rest) and all(
        w.isdigit() or w.casefold() in _DATE_WORDS or (w.isupper() and len(w) <= 4) for w in words)


def _is_breadcrumb(line: str) -> bool:
    if len(line) > 250:
        return False
    if _HOME_CRUMB.match(line):
        return True
    parts = _NAV_SEP.split(line)
    # Three or more short, sentence-less segments read as a trail, not prose; the
    # last crumb is often the page's own headline, so it may be as long as one.
    return (len(parts) >= 3 and all(0 < len(p.split()) <= 8 for p in parts[:-1])
            and 0 < len(parts[-1].split()) <= 20 and line[-1] not in ".!?")


def _fold(text: str) -> str:
    return " ".join(text.casefold().split()).strip(" .!?:;\"'“”‘’")


def is_auto_generated_note(text: str) -> bool:
    """True when the text says of itself that a machine aggregated, wrote or summarised it."""
    text = text.lower()
    if not any(word in text for word in _AUTO_WORDS):
        return False
    claims = [m.span() for m in _AUTO_RE.finditer(text)]
    if not claims:
        return False
    # One pass for each pattern, then a range check per claim, so a page
    # stuffed with keywords still costs linear time.
    selves = [m.start() for m in _SELF_REF.finditer(text)]
    for start, end in claims:
        lo, hi = _sentence_bounds(text, start, end)
        index = bisect_left(selves, lo)
        if index < len(selves) and selves[index] < hi:
            return True
    return False


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    lo = max(0, start - _AUTO_WINDOW)
    hi = min(len(text), end + _AUTO_WINDOW)
    cut = max(text.rfind(mark, lo, start) for mark in _SENTENCE_MARKS) + 1
    ends = [i for i in (text.find(mark, end, hi) for mark in _SENTENCE_MARKS) if i >= 0]
    return max(lo, cut), (min(ends) if ends else hi)


# -- line-level cleaning with offset bookkeeping ------------------------------------------


def clean_body(text: str, links: Sequence[Link] = (), *, title: str | None = None,
               drop_boilerplate: bool = True) -> CleanedBody:
    """Drop boilerplate lines and blank lines; keep hyperlink offsets pointing at the same words.

    Lines are stripped and joined with a single "\\n". A link survives when its
    anchor lies wholly inside one kept stretch of text.
    """
    spans: list[tuple[int, int]] = []
    dropped: list[str] = []
    flags: set[str] = set()
    in_teaser_list = False
    title_key = _fold(title) if title else ""
    # Pages repeat their widgets ("Share", "Advertisement"); judge each text once.
    verdicts: dict[str, str | None] = {}
    for start, end in _content_spans(text):
        line = text[start:end]
        if not drop_boilerplate:
            reason = None
        elif line in verdicts:
            reason = verdicts[line]
        else:
            reason = verdicts[line] = _line_reason(line, title_key)
        # Headlines listed under "Related:" / "Most read" are teasers too.
        if reason is None and in_teaser_list and _is_teaser_item(line):
            reason = "teaser_list"
        in_teaser_list = reason in _TEASER_HEADS or (in_teaser_list and reason == "teaser_list")
        if reason:
            if reason == "paywall":
                flags.add("paywall")
            if len(dropped) < MAX_DROPPED_KEPT:
                dropped.append(line)
            continue
        spans.append((start, end))
    new_text = "\n".join(text[a:b] for a, b in spans)
    return CleanedBody(new_text, _remap_links(links, spans, new_text), tuple(dropped), tuple(sorted(flags)))


_TEASER_HEADS = frozenset({"read_more", "section_header", "teaser_list"})
_LIST_ITEM = re.compile(r"^[-–•*·▪►]\s")


def _is_teaser_item(line: str) -> bool:
    return len(line) <= 150 and bool(_LIST_ITEM.match(line)) and line[-1] not in ".!?"


def _content_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each non-blank line, with whitespace and glued widget labels trimmed off."""
    pos = 0
    for raw in text.split("\n"):
        line_start = pos
        pos += len(raw) + 1
        line = raw.strip()
        if not line:
            continue
        start = line_start + len(raw) - len(raw.lstrip())
        end = start + len(line)
        glued = _GLUED_PREFIX.match(line)
        if glued:
            start += glued.end()
            line = line[glued.end():]
        tail = line[-16:].casefold()
        for suffix in _GLUED_SUFFIXES:
            if tail.endswith(suffix):
                end -= len(suffix)
                line = line[:-len(suffix)]
                break
        stripped = line.strip()
        if stripped:
            start += len(line) - len(line.lstrip())
            yield start, start + len(stripped)


def _remap_links(links: Sequence[Link], spans: list[tuple[int, int]], new_text: str) -> tuple[Link, ...]:
    starts = [a for a, _b in spans]
    new_starts: list[int] = []
    cursor = 0
    for a, b in spans:
        new_starts.append(cursor)
        cursor += (b - a) + 1
    out: list[Link] = []
    for link in links:
        if link.start < 0:
            out.append(link)
            continue
        index = bisect_right(starts, link.start) - 1
        if index < 0 or link.end > spans[index][1]:
            continue
        s = new_starts[index] + (link.start - spans[index][0])
        e = s + (link.end - link.start)
        out.append(Link(link.href, new_text[s:e], s, e, link.kind))
    return tuple(out)


# -- HTML ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Anchor:
    """An <a href> of the page with the text around it, to find it again in the body text."""

    href: str
    text: str
    before: str  # up to LINK_CONTEXT_CHARS of text just before the anchor, inside its parent
    after: str  # the first character after it, or ""


@dataclass(frozen=True)
class _PageMeta:
    title: str | None = None
    author: str | None = None
    published: str | None = None
    sitename: str | None = None
    # Where `published` came from (corpus/dates.py); `urls` are read for a path date when the page states none.
    date_source: str | None = None
    date_estimated: bool = False
    urls: tuple[str, ...] = ()


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
    anchors, anchor_texts = _page_anchors(tree, url)
    common: dict[str, Any] = dict(url=url, include_comments=options.include_comments,
                                  include_tables=options.include_tables)
    # One trafilatura pass, without links: with include_links, precision mode
    # drops the words before an inline link (bench/extract_benchmark.py notes),
    # so the page's own anchors are placed in the text afterwards instead.
    precise = bare_extraction(tree, favor_precision=options.favor_precision,
                              favor_recall=options.favor_recall, fast=options.fast, **common)
    body_text = xmltotxt(precise.body, False) if precise is not None and precise.body is not None else ""
    # After the extraction: the metadata steps read the same tree, and the
    # body must not depend on whether they ever change it.
    meta = _page_metadata(tree, url, options)
    cleaned = clean_body(body_text, _place_anchors(anchors, body_text), title=meta.title,
                         drop_boilerplate=options.drop_boilerplate)
    if len(cleaned.text) < PRECISE_SUSPECT_CHARS:
        cleaned = _longer_balanced_body(tree, cleaned, url, meta.title, options, common)
    if _mostly_link_lines(cleaned.text, anchor_texts):
        flags.add("link_list")
    dated = _dated(meta, cleaned.text)
    return ExtractedPage(
        text=cleaned.text,
        title=meta.title,
        author=meta.author,
        published=dated.date,
        date_source=dated.source,
        date_estimated=dated.estimated,
        outlet=meta.sitename or _hostname(url),
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
    if linked is None or linked.body is None:
        return chosen
    text, links = _body_text_and_links(linked.body, url)
    fallback = clean_body(text, links, title=title, drop_boilerplate=options.drop_boilerplate)
    return fallback if len(fallback.text) > 2 * len(chosen.text) else chosen


def _page_metadata(tree: Any, url: str | None, options: CleanOptions) -> _PageMeta:
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
    return _PageMeta(*(_meta_value(v) for v in (title, author, dated.date, sitename)),
                     date_source=dated.source, date_estimated=dated.estimated,
                     urls=tuple(u for u in (page_url, url) if u))


def _whole_metadata_step(tree: Any, url: str | None, options: CleanOptions) -> _PageMeta:
    from trafilatura.metadata import extract_metadata

    found = extract_metadata(tree, url, _date_params(url, options))
    # trafilatura's own date is htmldate's (with the URL and without the text
    # search, see _date_params); ours is used instead so it carries its source.
    dated = _structured_date(tree, (found.url, url))
    return _PageMeta(*(_clean_meta(v) for v in (found.title, found.author, dated.date, found.sitename)),
                     date_source=dated.source, date_estimated=dated.estimated,
                     urls=tuple(u for u in (found.url, url) if u))


def _structured_date(tree: Any, urls: tuple[str | None, ...]) -> FoundDate:
    """What the page's metadata says of its first publication (corpus/dates.py; never the body text).

    A URL path date htmldate returns comes back as an estimate; `_dated` may still prefer a dateline.
    """
    found = structured_date(tree)
    return found if found.date else htmldate_date(tree, urls)


def _dated(meta: _PageMeta, body: str) -> FoundDate:
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


def _page_anchors(tree: Any, url: str | None) -> tuple[list[_Anchor], set[str]]:
    """The page's links with their context, and the text of every <a> (for the link-list test)."""
    anchors: list[_Anchor] = []
    texts: set[str] = set()
    for element in _limited(tree.iter("a"), MAX_ANCHORS_CHECKED):
        text = " ".join(element.text_content().split())
        texts.add(text)
        href = element.get("href")
        if text and href:
            anchors.append(_Anchor(_absolute(href.strip(), url), text, _text_before(element), _char_after(element)))
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


def _place_anchors(anchors: Sequence[_Anchor], text: str) -> list[Link]:
    """Links at the words of `text` where the page's anchors are, in text order.

    First every anchor that can be found with the words before it, in page
    order, each search starting after the previous find, so a repeated anchor
    text ("here") lands on the right occurrence. Then anchors without usable
    context, only where they cannot be a coincidence (see `_find_alone`) and
    only where no link is yet. Menu links match nothing, which keeps them out.
    """
    cursor = 0
    spans: list[tuple[int, int, str]] = []
    pending: list[tuple[_Anchor, int]] = []
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


def _find_with_context(text: str, anchor: _Anchor, cursor: int) -> int | None:
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


def _find_alone(text: str, anchor: _Anchor, cursor: int) -> int | None:
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


def _mostly_link_lines(text: str, anchor_texts: set[str]) -> bool:
    """True when most of the text is lines that are each the whole text of some link on the page.

    trafilatura's fallback extractor returns menus as plain lines without
    link markup, so the page's own <a> elements are the evidence.
    """
    lines = [line for line in text.split("\n") if line]
    if len(lines) < MIN_LINKS_FOR_LINK_LIST:
        return False
    linked_chars = sum(len(line) for line in lines if line in anchor_texts)
    return _is_link_list(linked_chars, sum(len(line) for line in lines))


def _is_link_list(linked_chars: int, total_chars: int) -> bool:
    # A deals roundup or a story with many inline links still has real prose
    # between the links; a menu or tag page does not.
    return linked_chars > MAX_LINK_SHARE * total_chars and total_chars - linked_chars < MIN_ARTICLE_CHARS


def _limited(items: Iterator[Any], limit: int) -> Iterator[Any]:
    for index, item in enumerate(items):
        if index >= limit:
            return
        yield item


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


def _hostname(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


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


# Marker pairs for anchor boundaries. They must be printable (trafilatura
# deletes non-printable characters) and absent from the page.
_MARKER_PAIRS = (("\u27e6", "\u27e7"), ("\u2983", "\u2984"), ("\u2e28", "\u2e29"), ("\u300e", "\u300f"))


def _body_text_and_links(body: Any, url: str | None) -> tuple[str, list[Link]]:
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


# -- plain-text files ---------------------------------------------------------------------

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse_text_file(text: str) -> ExtractedPage:
    """Title, body, origin links and flags of a saved plain-text article.

    The first line with words (after boilerplate such as a breadcrumb) is the
    title; "Original:/Source:/Via:" lines become origin links outside the body.
    """
    text = _CONTROL_CHARS.sub("", text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))
    auto = is_auto_generated_note(text)
    lines, origins = _split_origin_lines(text.split("\n"))
    skipped, title, rest = _take_title(lines)
    cleaned = clean_body("\n".join(rest), title=title)
    # A text file has no metadata: its date is a dateline or stamp (read before the boilerplate pass,
    # which drops stamp lines), or an estimate from the text.
    dated = body_date("\n".join(rest))
    return ExtractedPage(
        text=cleaned.text,
        title=title,
        published=dated.date,
        date_source=dated.source,
        date_estimated=dated.estimated,
        language=detect_language(cleaned.text),
        links=tuple(origins),
        auto_generated=auto,
        flags=cleaned.flags,
        dropped=(*skipped, *cleaned.dropped),
    )


def _split_origin_lines(lines: list[str]) -> tuple[list[str], list[Link]]:
    kept: list[str] = []
    origins: list[Link] = []
    for line in lines:
        stripped = line.strip()
        match = _ORIGIN_LINE.match(stripped) if len(stripped) <= 600 else None
        if match is None:
            kept.append(line)
            continue
        value = match.group(1).strip().rstrip(".,;")
        kind = "origin_link" if _URLISH.match(value) else "source_line"
        origins.append(Link(value if kind == "origin_link" else "", value, -1, -1, kind))
    return kept, origins


def _take_title(lines: list[str]) -> tuple[tuple[str, ...], str | None, list[str]]:
    """(boilerplate lines skipped before the title, the title, the lines after it)."""
    skipped: list[str] = []
    for index, line in enumerate(lines[:MAX_TITLE_SEARCH_LINES]):
        candidate = line.strip()
        glued = _GLUED_PREFIX.match(candidate)
        if glued:
            skipped.append(candidate[:glued.end()])
            candidate = candidate[glued.end():].strip()
        if not candidate:
            continue
        if boilerplate_reason(candidate) is None:
            return tuple(skipped), candidate, lines[index + 1:]
        skipped.append(candidate)
    return (), None, lines


# -- the no-article decision --------------------------------------------------------------


def is_article(extracted: Extracted) -> str | None:
    """Why this extraction is not an article, or None when it is one.

    Reasons: parser_depth (libxml2 dropped deep content), empty_body,
    paywall (only a teaser next to a subscribe prompt), too_short (under
    MIN_ARTICLE_CHARS), link_list (mostly anchor text: a section front).
    """
    flags = getattr(extracted, "flags", ())
    body = extracted.text.strip()
    if "parser_depth" in flags:
        return "parser_depth"
    if not body:
        return "empty_body"
    if "paywall" in flags and len(body) < PAYWALL_TEASER_MAX_CHARS:
        return "paywall"
    if len(body) < MIN_ARTICLE_CHARS:
        return "too_short"
    if "link_list" in flags or _is_hyperlink_list(extracted):
        return "link_list"
    return None


def _is_hyperlink_list(extracted: Extracted) -> bool:
    anchors = [link for link in extracted.links if link.kind == "hyperlink" and link.start >= 0]
    if len(anchors) < MIN_LINKS_FOR_LINK_LIST:
        return False
    return _is_link_list(sum(link.end - link.start for link in anchors), len(extracted.text))


# -- extraction in a killable worker process ----------------------------------------------
#
# Why a process and not a thread: trafilatura/lxml segfault when extract()
# runs concurrently in threads (adbar/trafilatura#840, again #925), a thread
# cannot be stopped when a page makes extraction run for minutes
# (adbar/trafilatura#704: no library-mode timeout), and a native crash in a
# thread takes the whole CLI down with it. A child process can be killed at
# its deadline and replaced, and its crash is just an exception here.
# Not a plain fork: the parent may hold open database connections and
# threads, which must never be duplicated into a child. "forkserver" forks
# each worker from a small server process that has imported trafilatura once
# and holds nothing of ours, so a worker (and each replacement after an
# overrun) starts ready without importing it again; "spawn", a fresh
# interpreter per worker, where the platform has no forkserver.

_START_METHOD = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"

DEFAULT_EXTRACT_TIMEOUT_S = 20.0
WORKER_START_TIMEOUT_S = 120.0


def _worker_main(conn: Any) -> None:
    # Load the heavy modules before announcing readiness, so a job's deadline
    # measures extraction, not start-up. Not the language model: it takes
    # longer to load than trafilatura and ingest detects languages itself;
    # other callers load it with their first job.
    import trafilatura  # noqa: F401

    conn.send(("ready", None))
    jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
    # Jobs are taken off the pipe the moment they arrive, by a thread of their
    # own: the parent sends the next page while this process sends its last
    # answer, and with both bigger than the pipe's buffer each send would
    # otherwise wait for the other side to read, forever.
    threading.Thread(target=_receive_jobs, args=(conn, jobs), daemon=True).start()
    while True:
        job = jobs.get()
        if job is None:
            return
        func, args, kwargs = job
        try:
            conn.send(("ok", func(*args, **kwargs)))
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the parent
            conn.send(("error", _picklable(exc)))


def _receive_jobs(conn: Any, jobs: "queue.SimpleQueue[Any]") -> None:
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            job = None
        jobs.put(job)
        if job is None:
            return


def _picklable(exc: BaseException) -> BaseException:
    import pickle

    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - fall back to a plain description
        return RuntimeError(f"{type(exc).__name__}: {exc}")


class ExtractionWorker:
    """One long-lived extraction process, replaced whenever it dies or overruns.

    The process runs one job at a time, but up to `depth` jobs can be sent
    ahead: the next one waits in the pipe, so the worker starts it the moment
    it answers the last, instead of idling until the caller (busy storing the
    previous page) gets round to sending more. With `submit` the caller
    collects answers later, so its own work overlaps with the extraction.
    Use several workers for parallelism. Programs using it with the "spawn"
    context must guard their entry point with `if __name__ == "__main__":`,
    because "spawn" re-imports the main module.
    """

    def __init__(self, context: str = _START_METHOD, start_timeout_s: float = WORKER_START_TIMEOUT_S,
                 depth: int = 2) -> None:
        if depth < 1:
            raise ValueError("depth must be at least 1")
        self.context = context
        self.start_timeout_s = start_timeout_s
        self.depth = depth
        self._process: Any = None
        self._conn: Any = None
        self._ready = False
        self._started_at = 0.0
        # Sent and not yet answered, oldest first; the process works on the first.
        self._calls: deque[PendingCall] = deque()
        self._lock = threading.Lock()

    @property
    def queued(self) -> int:
        """Jobs sent and not answered yet (the running one included)."""
        return len(self._calls)

    def start(self) -> None:
        """Begin starting the process without waiting for it, so its imports overlap with the caller's."""
        with self._lock:
            if self._process is None or not self._process.is_alive():
                self._spawn()

    def call(self, func: Callable[..., Any], *args: Any, timeout_s: float, **kwargs: Any) -> Any:
        """Run a picklable top-level `func(*args, **kwargs)` in the worker, within `timeout_s` seconds."""
        return self.submit(func, *args, timeout_s=timeout_s, **kwargs).result()

    def submit(self, func: Callable[..., Any], *args: Any, timeout_s: float, **kwargs: Any) -> "PendingCall":
        """Send `func(*args, **kwargs)` to the worker.

        Its `timeout_s` counts from when the worker starts it: from now if
        nothing is ahead of it, else from when the answer before it is taken.
        """
        with self._lock:
            if len(self._calls) >= self.depth:
                raise RuntimeError(f"the extraction worker holds at most {self.depth} jobs; collect one first")
            conn = self._ensure_started()
            try:
                conn.send((func, args, kwargs))
            except (BrokenPipeError, EOFError, OSError) as exc:
                self._stop(grace_s=0.0, failure=_died)
                raise ExtractorCrashed(f"extraction worker died: {exc}") from exc
            pending = PendingCall(self, timeout_s)
            if not self._calls:
                pending.deadline = time.monotonic() + timeout_s
            self._calls.append(pending)
            return pending

    def _advance(self, *, wait: bool) -> None:
        """Take the answers that have arrived, oldest first; with `wait`, wait for the oldest one.

        An overrun or a dead process is settled here too: the job it was
        running fails, the jobs queued behind it are cancelled (they never ran).
        """
        with self._lock:
            while self._calls:
                head = self._calls[0]
                conn = self._conn
                try:
                    # An answer that arrived while the caller was busy is taken even past the deadline.
                    ready = conn.poll(max(0.0, head.deadline - time.monotonic()) if wait else 0.0)
                except (BrokenPipeError, EOFError, OSError):
                    self._stop(grace_s=0.0, failure=_died)
                    return
                if not ready:
                    if time.monotonic() >= head.deadline:
                        self._stop(grace_s=0.0, failure=lambda _code, head=head: ExtractionTimeout(
                            f"extraction took longer than {head.timeout_s:g} s; worker restarted"))
                    return
                try:
                    status, payload = conn.recv()
                except (EOFError, OSError):
                    self._stop(grace_s=0.0, failure=_died)
                    return
                self._calls.popleft()
                head._settle(status, payload)
                if self._calls:
                    following = self._calls[0]
                    following.deadline = time.monotonic() + following.timeout_s
                # Past the first answer, only what is already there.
                wait = False

    def _wait_handles(self) -> tuple[Any, ...]:
        """What becomes readable when the oldest job is answered or the process dies."""
        if self._process is None or self._conn is None:
            return ()
        return self._conn, self._process.sentinel

    def _next_deadline(self) -> float:
        return self._calls[0].deadline if self._calls else float("inf")

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None and self._process.is_alive() else None

    def close(self) -> None:
        with self._lock:
            idle = self._ready and not self._calls
            if self._conn is not None and idle:
                try:
                    self._conn.send(None)
                except (BrokenPipeError, OSError):
                    pass
            # A worker still busy with an abandoned job (an interrupted batch) is not waited for.
            self._stop(grace_s=2.0 if idle else 0.0)

    def __enter__(self) -> "ExtractionWorker":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _spawn(self) -> None:
        self._stop(grace_s=0.0)
        ctx = multiprocessing.get_context(self.context)
        if self.context == "forkserver":
            # Only these: the server must not import the caller's __main__ (the default).
            ctx.set_forkserver_preload([__name__, "trafilatura"])
        parent_conn, child_conn = ctx.Pipe(duplex=True)
        process = ctx.Process(target=_worker_main, args=(child_conn,), daemon=True,
                              name="newstrace-extract")
        process.start()
        child_conn.close()
        self._process, self._conn, self._ready = process, parent_conn, False
        self._started_at = time.monotonic()

    def _ensure_started(self) -> Any:
        if self._process is None or not self._process.is_alive():
            # A process that died with jobs on board: they are settled before a new one takes its place.
            self._stop(grace_s=0.0, failure=_died)
            self._spawn()
        if self._ready:
            return self._conn
        conn = self._conn
        if not conn.poll(max(0.0, self._started_at + self.start_timeout_s - time.monotonic())):
            self._stop(grace_s=0.0)
            raise ExtractorCrashed(f"extraction worker did not start within {self.start_timeout_s:g} s")
        try:
            conn.recv()
        except (EOFError, OSError) as exc:
            code = self._stop(grace_s=0.0)
            raise ExtractorCrashed(f"extraction worker failed to start (exit code {code})") from exc
        self._ready = True
        return conn

    def _stop(self, grace_s: float, failure: Callable[[int | None], NewstraceError] | None = None) -> int | None:
        """Stop the process; the job it was running gets `failure(exit code)`, those queued are cancelled.

        The replacement starts lazily on the next job, so a batch that ends
        on a bad page does not pay for a process it never uses.
        """
        process, conn = self._process, self._conn
        self._process = self._conn = None
        self._ready = False
        code = None
        if process is not None:
            process.join(grace_s)
            if process.is_alive():
                process.kill()
                process.join(5.0)
            if conn is not None:
                conn.close()
            code = process.exitcode
        calls, self._calls = self._calls, deque()
        for index, call in enumerate(calls):
            if index == 0 and failure is not None:
                call._settle("error", failure(code))
            else:
                call._settle("error", ExtractionCancelled(
                    "the job was queued behind one that failed and never ran; send it again"))
        return code


def _died(code: int | None) -> ExtractorCrashed:
    return ExtractorCrashed(f"extraction worker died (exit code {code})")


class PendingCall:
    """A job sent to an ExtractionWorker; `result()` gives its answer.

    A handle, not a record: the worker sets its deadline when the job
    reaches the front of the queue and its outcome when the answer arrives.
    """

    __slots__ = ("worker", "timeout_s", "deadline", "_status", "_payload")

    def __init__(self, worker: ExtractionWorker, timeout_s: float) -> None:
        self.worker = worker
        self.timeout_s = timeout_s
        self.deadline = float("inf")  # time.monotonic() by which the answer must have arrived
        self._status: str | None = None
        self._payload: Any = None

    def done(self) -> bool:
        """True when `result()` will not block."""
        return self._status is not None

    def result(self) -> Any:
        """The job's return value; raises what the job raised, ExtractionTimeout, ExtractorCrashed
        or ExtractionCancelled (queued behind a job that failed: it never ran)."""
        while self._status is None:
            if self not in self.worker._calls:
                raise RuntimeError("this job was never sent, or its worker lost track of it")
            self.worker._advance(wait=True)
        if self._status == "error":
            raise self._payload
        return self._payload

    def _settle(self, status: str, payload: Any) -> None:
        self._status, self._payload = status, payload


def wait_for_calls(calls: Sequence[PendingCall], timeout_s: float | None = None) -> list[PendingCall]:
    """The calls whose `result()` will not block: answered, worker gone, past their deadline or cancelled.

    Waits until at least one is, or `timeout_s` has passed (then returns an
    empty list). With several workers this lets the caller take results as
    they come, so a page that hangs in one worker does not hold up the others.
    """
    from multiprocessing.connection import wait

    if not calls:
        return []
    until = None if timeout_s is None else time.monotonic() + timeout_s
    workers = list({id(call.worker): call.worker for call in calls}.values())
    while True:
        for worker in workers:
            worker._advance(wait=False)
        ready = [call for call in calls if call.done()]
        if ready:
            return ready
        now = time.monotonic()
        if until is not None and until <= now:
            return []
        busy = [worker for worker in workers if worker.queued]
        if not busy:
            raise RuntimeError("waiting for jobs no worker holds")
        limit = min(worker._next_deadline() for worker in busy) - now
        if until is not None:
            limit = min(limit, until - now)
        wait([handle for worker in busy for handle in worker._wait_handles()], timeout=max(0.0, limit))


_default_worker: ExtractionWorker | None = None
_default_lock = threading.Lock()


def default_worker() -> ExtractionWorker:
    """The process-wide worker used by `extract_in_worker`."""
    global _default_worker
    with _default_lock:
        if _default_worker is None:
            _default_worker = ExtractionWorker()
            atexit.register(_default_worker.close)
        return _default_worker


def default_worker_count() -> int:
    # Two on a machine with two cores or more: the main process needs a core
    # too, so more workers would only share the same cores.
    return min(2, os.cpu_count() or 1)


# Workers started ahead by `start_workers` and not yet handed out by `take_workers`.
_spares: list[ExtractionWorker] = []


def start_workers(count: int) -> None:
    """Start the process-wide worker and `count - 1` more, in the background.

    For a caller that will extract after slow set-up of its own: the
    workers' start then runs beside that set-up. `take_workers` hands them out.
    The starting happens on a thread because starting a worker blocks: the
    forkserver forks it only once it has imported trafilatura, half a second
    in which the caller can import and open its store instead. Using a worker
    still starting is safe: its lock makes the user wait for the start.
    """
    workers = [default_worker()]
    with _default_lock:
        while len(_spares) < count - 1:
            _spares.append(ExtractionWorker())
        workers += _spares[:count - 1]
    threading.Thread(target=_start_each, args=(workers,), name="newstrace-start-workers", daemon=True).start()


def _start_each(workers: list[ExtractionWorker]) -> None:
    for worker in workers:
        try:
            worker.start()
        except Exception:  # noqa: BLE001 - the worker's first job reports why it cannot start
            return


def take_workers(count: int) -> list[ExtractionWorker]:
    """The process-wide worker and `count - 1` more, those `start_workers` started first.

    The extra ones belong to the caller, which closes them when done.
    """
    with _default_lock:
        extra = _spares[:count - 1]
        del _spares[:count - 1]
    extra += [ExtractionWorker() for _ in range(count - 1 - len(extra))]
    return [default_worker(), *extra]


def _close_spares() -> None:
    with _default_lock:
        spares = _spares[:]
        _spares.clear()
    for worker in spares:
        worker.close()


atexit.register(_close_spares)


def close_workers() -> None:
    """Stop the process-wide worker and those started ahead; a later job starts the worker again.

    For a caller done with extraction that goes on to other work (`newstrace
    run`): an idle worker still holds an interpreter with trafilatura and
    whatever heap its pages left, about 100 MB each.
    """
    _close_spares()
    with _default_lock:
        worker = _default_worker
    if worker is not None:
        worker.close()


def extract_in_worker(html: str, url: str | None = None, timeout_s: float = DEFAULT_EXTRACT_TIMEOUT_S,
                      *, options: CleanOptions = CleanOptions(),
                      worker: ExtractionWorker | None = None) -> ExtractedPage:
    """`extract_html` in a separate process with a wall-clock limit.

    Raises ExtractionTimeout or ExtractorCrashed; either way the worker is
    replaced and the next call works, so a batch can record the failure and go on.
    """
    result: ExtractedPage = start_extraction(html, url, timeout_s, options=options, worker=worker).result()
    return result


def start_extraction(html: str, url: str | None = None, timeout_s: float = DEFAULT_EXTRACT_TIMEOUT_S,
                     *, options: CleanOptions = CleanOptions(),
                     worker: ExtractionWorker | None = None) -> PendingCall:
    """Send `extract_html` to the worker and return at once; `.result()` gives the ExtractedPage.

    The wall-clock limit counts from this call. Raises ExtractorCrashed if
    the worker cannot take the job.
    """
    return (worker or default_worker()).submit(_extract_job, html, url, options, timeout_s=timeout_s)


def _extract_job(html: str, url: str | None, options: CleanOptions) -> ExtractedPage:
    return extract_html(html, url, options=options)
