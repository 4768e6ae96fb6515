"""Saved plain-text articles: the title, the body, and "Original:/Source:" lines as origin links."""

from __future__ import annotations

import re

from .boilerplate import GLUED_PREFIX, boilerplate_reason, clean_body, is_auto_generated_note
from .clean_records import ExtractedPage
from .dates import body_date
from .language import detect_language
from .records import Link

# A title sits at the top; past this many lines a file simply has none.
MAX_TITLE_SEARCH_LINES = 50

# "Original: <url>", "Source: ...", "Via: ..." lines of a saved text file.
_ORIGIN_LINE = re.compile(
    r"^(?:original(?: (?:article|link|url|source|story))?|originally published(?: (?:at|on|in|by))?"
    r"|source(?: (?:link|url|article))?|via|read the original(?: article)?)\s?[:：]\s?(\S.{0,500})$", re.IGNORECASE)
_URLISH = re.compile(r"^(?:https?://)?(?:[\w-]{1,63}\.){1,8}[a-z]{2,24}(?:[/?#]\S{0,2000})?$", re.IGNORECASE)


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
        glued = GLUED_PREFIX.match(candidate)
        if glued:
            skipped.append(candidate[:glued.end()])
            candidate = candidate[glued.end():].strip()
        if not candidate:
            continue
        if boilerplate_reason(candidate) is None:
            return tuple(skipped), candidate, lines[index + 1:]
        skipped.append(candidate)
    return (), None, lines
