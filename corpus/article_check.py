"""The no-article decision: why an extraction is not a story (too short, a teaser, a link list)."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from .records import Extracted

# trafilatura's own MIN_EXTRACTED_SIZE: below this a "page" is almost always a
# navigation stub, an error page or a teaser, never a story worth annotating.
MIN_ARTICLE_CHARS = 250

# A wire brief is one full paragraph: shorter than trafilatura's floor, but a story that states a figure.
# It passes when it holds a whole sentence of at least BRIEF_MIN_WORDS words with a digit in it; menus,
# bylines and error pages of this length have no such sentence.
BRIEF_MIN_CHARS = 150
BRIEF_MIN_WORDS = 20

# A paywall prompt next to this little text means we only saw the teaser.
# Sites that ship the full story with a hidden prompt still pass.
PAYWALL_TEASER_MAX_CHARS = 1500

# When most of the "body" is anchor text, it is a link list (section front,
# tag page), not an article.
MAX_LINK_SHARE = 0.6
MIN_LINKS_FOR_LINK_LIST = 5


def is_link_list(linked_chars: int, total_chars: int) -> bool:
    # A deals roundup or a story with many inline links still has real prose
    # between the links; a menu or tag page does not.
    return linked_chars > MAX_LINK_SHARE * total_chars and total_chars - linked_chars < MIN_ARTICLE_CHARS



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
    if len(body) < MIN_ARTICLE_CHARS and not is_brief(body):
        return "too_short"
    if "link_list" in flags or _is_hyperlink_list(extracted):
        return "link_list"
    return None


_SENTENCE = re.compile(r"[^.!?\n]+[.!?](?=\s|$)")


@functools.cache
def _furniture() -> re.Pattern[str]:
    """The words of data/brief_furniture.txt as one whole-word, case-folded pattern."""
    lines = (Path(__file__).parent / "data" / "brief_furniture.txt").read_text(encoding="utf-8").splitlines()
    words = sorted({line.split("#", 1)[0].strip().casefold() for line in lines} - {""}, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(r"\s+".join(map(re.escape, w.split())) for w in words) + r")(?!\w)")


def is_brief(body: str) -> bool:
    """Whether a short body is a wire brief: at least BRIEF_MIN_CHARS long, with one full sentence of
    BRIEF_MIN_WORDS words or more that states a number, and no word of page furniture (a consent notice
    or an error page of that length has one)."""
    if len(body) < BRIEF_MIN_CHARS or _furniture().search(body.casefold()):
        return False
    return any(len(s.split()) >= BRIEF_MIN_WORDS and any(c.isdigit() for c in s) for s in _SENTENCE.findall(body))


def _is_hyperlink_list(extracted: Extracted) -> bool:
    anchors = [link for link in extracted.links if link.kind == "hyperlink" and link.start >= 0]
    if len(anchors) < MIN_LINKS_FOR_LINK_LIST:
        return False
    return is_link_list(sum(link.end - link.start for link in anchors), len(extracted.text))
