"""Boilerplate: the line rules (share prompts, paywalls, breadcrumbs...) and the line-level pass
that drops such lines from a body while keeping link offsets on the same words.

The rules are data: one `Rule` record per kind of widget line, tried in order (`RULES`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .records import Link

# Bounds the audit trail kept on the result; a page of 10k "Share" lines must
# not make the record huge.
MAX_DROPPED_KEPT = 200


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
class Rule:
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

RULES: tuple[Rule, ...] = (
    Rule("share", 120, re.compile(
        r"^(?:share|shares|share (?:this|the) (?:article|story|post|page|video|link)"
        r"|share (?:on|via|to) [\w .,&+-]{1,60}"
        r"|(?:tweet|email|e-mail|print|pin|whatsapp|copy link|copy url|save)"
        r"(?: (?:this |the )?(?:article|story|page|link))?"
        r"|order reprints?|reprints?(?: (?:&|and) permissions)?|permissions"
        r"|(?:follow|like|find|join|connect with) us(?: (?:on|at|via) [\w .,&@/+-]{0,80})?"
        r"|click to (?:tweet|share|email|print)|sharing is caring"
        r"|like this (?:story|article)\?.{0,80})[\s.!:…]{0,3}$", _I)),
    Rule("follow_prompt", 200, re.compile(
        r"^follow\b.{0,150}\b(?:on|at|via)\s(?:twitter|facebook|instagram|linkedin|youtube"
        r"|tiktok|threads|bluesky|mastodon|x\b|google news)", _I)),
    Rule("read_more", 250, re.compile(
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
    Rule("section_header", 80, re.compile(
        r"^(?:(?:most|more) (?:read|popular|viewed|shared|commented|emailed)\b[^.!?]{0,50}"
        r"|popular (?:on|in|now)\b[^.!?]{0,50}|trending(?: now| stories| news)?"
        r"|latest (?:news|stories|videos?|headlines)|top stories|editor['’]?s picks?)\s?[:：]?$", _I)),
    Rule("advert", 80, re.compile(
        r"^(?:advertisement|advertising|sponsored(?: content)?|story continues below(?: advertisement)?"
        r"|continue reading(?: below| the main story)?|scroll to continue(?: with content)?)\s?[:：]?$", _I)),
    Rule("comments", 80, re.compile(
        r"^(?:leave a (?:reply|comment)|post a comment|add (?:a|your) comment|comments?"
        r"|\d{1,6} comments?|(?:view|show|read|see|load) (?:all )?(?:\d{1,6} )?comments"
        r"|join the (?:conversation|discussion)|comments? (?:are )?closed"
        r"|(?:be the first|log in|sign in|login|register) to (?:comment|post a comment|leave a comment|reply)"
        r"|reply|cancel reply|tell us what you think)[\s.!:…]{0,4}$", _I)),
    Rule("disclaimer", 1000, re.compile(r"^disclaimer\s?[:：-]", _I)),
    Rule("author_views", 300, re.compile(
        r"(?:^(?:statement|note|disclaimer)\s?[:：].{0,120}"
        r"|\b(?:this|the) (?:article|story|post|column|piece|content|op-?ed|blog)\b.{0,60})"
        r"\b(?:represents?|reflects?|are|is|expresses?)\s(?:solely\s|only\s|purely\s|strictly\s)?"
        r"(?:the\s)?(?:personal\s)?(?:views?|opinions?)\sof\s(?:the\s|its\s)?(?:authors?|writers?|contributors?)\b"
        r"|\bviews expressed\b.{0,120}\b(?:authors?|writers?|contributors?)\b", _I), needs=("view", "opinion")),
    Rule("copyright", 200, re.compile(r"^(?:copyright\b|©|ⓒ|\(c\)\s)|\ball rights reserved\b", _I),
          needs=("copyright", "©", "ⓒ", "(c)", "all rights reserved")),
    Rule("cookies", 300, re.compile(
        r"\b(?:we use cookies|(?:this|our) (?:site|website) uses cookies|(?:accept|reject|manage) (?:all )?cookies"
        r"|cookie (?:policy|settings|preferences|consent))\b", _I), needs=("cookie",)),
    Rule("paywall", 300, re.compile(
        r"\b(?:subscribe|sign in|log in|login|register|become a (?:member|subscriber))\b.{0,60}"
        r"\bto (?:continue|keep) reading\b"
        r"|\bto (?:continue|keep) reading\b.{0,60}\b(?:subscribe|sign in|log in|subscription|become a member)"
        r"|\b(?:this|the) (?:article|story|content|post) is (?:only |exclusively )?(?:available|reserved)"
        r" (?:to|for) (?:our )?(?:paid |premium )?(?:subscribers|members)\b"
        r"|^already a (?:subscriber|member)\b"
        r"|\bsubscribe (?:now |today )?(?:for|to get) (?:full|unlimited|complete) access\b"
        r"|\byou(?:['’]ve| have) (?:reached|used) (?:your|all your|all of your) (?:limit|free articles?)\b", _I),
          needs=("reading", "available", "reserved", "already", "access", "you")),
    Rule("subscribe", 250, re.compile(
        r"^(?:subscribe|sign up|sign-up|register|join|get|download|start your day)\b.{0,200}"
        r"\b(?:newsletters?|inbox|free trial|app|subscription|podcast|youtube)\b"
        r"|\b(?:your inbox|our newsletters?|(?:sign up|subscribe) (?:now|today|here|for free)\b"
        r"|sign up for (?:our|the) .{0,40}newsletter)", _I),
          needs=("newsletter", "inbox", "free trial", "app", "subscription", "podcast", "youtube", "sign up",
                 "subscribe")),
    Rule("contact", 250, re.compile(
        r"^(?:write to|e-?mail|contact|reach|have a (?:news )?tip)\b.{0,150}(?:@|https?://|twitter\.com)"
        r"|^[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,6}$", _I)),
    Rule("credits", 400, re.compile(
        r"^\(?(?:additional |with )?(?:reporting|writing|editing) by\b"
        r"|\bcontributed (?:reporting|to this (?:report|story|article))\b", _I),
          needs=("reporting", "writing", "editing", "contributed")),
    Rule("widget_message", 120, re.compile(
        r"^(?:thanks?(?: you)? for (?:signing up|subscribing)[^\n]{0,40}|thank you[.!]?|sorry[.!]?"
        r"|an error (?:has )?occurred[^\n]{0,60}|something went wrong[^\n]{0,40}"
        r"|please try again(?: later)?[.!]?|this article has been sent to[^\n]{0,60})$", _I)),
    Rule("promo", 300, re.compile(
        r"^if you (?:enjoyed|liked|value|appreciate|found)\b.{0,60}\b(?:this|our) "
        r"(?:article|story|journalism|work|content|reporting)", _I)),
    # "Click here for the full report" may be the only pointer to a primary
    # source, so only promotional "click here" lines go.
    Rule("click_here", 250, re.compile(
        r"\b(?:click|tap)(?:ing)? here\b.{0,80}\b(?:subscribe|sign up|download|app|newsletter|more information"
        r"|buy|order|register|shop|deals?|get (?:the|our|it))\b"
        r"|\b(?:subscribe|sign up|download|app|newsletter|buy|order|register|shop|get)\b"
        r".{0,80}\b(?:click|tap)(?:ing)? here\b", _I), needs=("click", "tap")),
    Rule("tags", 250, re.compile(
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
GLUED_PREFIX = re.compile(
    r"^(?i:read more(?: news)?(?: on| from| at| about)?|leave a reply|share this(?: article| story)?"
    r"|advertisement|related(?: articles| stories)?)(?=[A-Z0-9\"“‘])")
_GLUED_SUFFIXES = ("click to tweet", "click to share")

# Lines that are nothing but bullets, bars or dots carry no text.
_NO_WORDS = re.compile(r"^[\W_]{0,200}$")

# Self-description of machine-made content. Each alternative starts with a
# literal word, so scanning a whole page costs one pass. Both patterns are
# lower case and run on lower-cased text: without IGNORECASE the scan takes
# half the time, and it runs over every visible text node of every page.
AUTO_RE = re.compile(
    r"\bauto[- ]?(?:matically[- ])?(?:generated|aggregated|summari[sz]ed|written|created|produced|curated)\b"
    r"|\b(?:machine|computer|algorithm|bot)[- ](?:generated|summari[sz]ed|written|curated)\b"
    r"|\b(?:generated|created|written|summari[sz]ed|compiled|produced|aggregated)\s"
    r"(?:automatically\s|entirely\s|partly\s|partially\s)?(?:by|with|using)\s(?:an?\s|the\s)?"
    r"(?:computer(?: program)?|algorithm|bot|ai\b|artificial intelligence|machine|automated"
    r"|(?:large )?language model|llm)"
    r"|\bsyndicated feed\b")
# Every AUTO_RE match contains one of these (the second word of its first two
# alternatives, the first of the third, the fourth whole). Checked first, they
# spare the regex scan on nine lines in ten. A new alternative needs its word
# here and an example in tests/test_clean.py.
AUTO_WORDS = ("auto", "generated", "summari", "written", "curated", "created", "compiled", "produced",
               "aggregated", "syndicated feed")
# ...but only when the sentence is about itself, so a story *about* AI-generated
# images is not mistaken for an AI-generated story.
_SELF_REF = re.compile(
    r"\b(?:this|the following) (?:story|article|content|summary|post|report|page|text|news|item|piece|brief)\b"
    r"|\bdisclaimer\b|\b(?:has|have) not been (?:edited|reviewed|verified|checked)\b")
_SENTENCE_MARKS = (".", "!", "?", "\n")
_AUTO_WINDOW = 200


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
    for rule in RULES:
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
    if not any(word in text for word in AUTO_WORDS):
        return False
    claims = [m.span() for m in AUTO_RE.finditer(text)]
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
        glued = GLUED_PREFIX.match(line)
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
