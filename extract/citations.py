"""Citations: the outlets and links an article gives as where its story comes from.

Three sources, deduplicated by KB id (or name, or link):

- outlets named as a source in the text: an attribution of kind "outlet"
  whose name is the outlet itself ("The Harbour Gazette published an
  article", "The Financial Times analyzed"), a dateline ("(Reuters) -"), and
  "told X" / "in an interview with X". Generic labels ("Korean Media:") are
  not citations: they name no outlet;
- origin links (`Link.kind == "origin_link"`, or an "Original: <url>" line in
  the text when the cleaner left it there), resolved to an outlet by domain,
  and source lines ("Source: Reuters", `Link.kind == "source_line"`);
- in-body hyperlinks, named after the outlet whose domain they point to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from newstrace.corpus.records import Link

from .attribution import attribute_sentences
from .entities import entity_at
from .kb import KnowledgeBase, name_key
from .records import Attribution, Citation, Entity

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

# "Original: toutiao.com/article/1/", "Source: Reuters" lines left in the body.
_SOURCE_LINE = re.compile(
    r"^[ \t]*(Original|Source|Via|Originally published (?:at|in|by))\s*:\s*([^\n]+?)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_URL_LIKE = re.compile(r"^(?:https?://)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?$")
_DATELINE = re.compile(r"\(([A-Z][\w .&-]{1,30})\)\s*[-–—]")


def find_citations(
    doc: "Doc",
    entities: Sequence[Entity],
    kb: KnowledgeBase,
    links: Sequence[Link] = (),
    *,
    attributions: Sequence[Attribution | None] | None = None,
) -> list[Citation]:
    """Outlets and links the article cites, first mention first.

    Args:
        doc: a parsed doc.
        entities: `find_entities(doc, kb)`.
        kb: the knowledge base (outlets and their domains).
        links: the article's links from the corpus stage.
        attributions: `attribute_sentences(...)`, computed when not given.

    Returns:
        Citations of kind "outlet", "origin_link", "hyperlink" or
        "source_line" (an unknown source line); origin links outside the body
        keep start = end = -1.
    """
    if attributions is None:
        attributions = attribute_sentences(doc, entities, kb)
    found = [
        *_named_outlets(attributions, entities),
        *_datelines(doc, kb),
        *_interviews(doc, entities, kb),
        *_origin_links(doc, kb, links),
        *_hyperlinks(kb, links),
    ]
    return _dedupe(sorted(found, key=_order))


def _order(citation: Citation) -> tuple[int, int]:
    # Body mentions in text order, then links that sit outside the body.
    return (0, citation.start) if citation.start >= 0 else (1, 0)


def _named_outlets(
    attributions: Sequence[Attribution | None], entities: Sequence[Entity]
) -> Iterator[Citation]:
    for attribution in attributions:
        if attribution is None or attribution.kind != "outlet" or attribution.start < 0:
            continue
        entity = entity_at(entities, attribution.start, attribution.end)
        # Carried attributions repeat the first mention; dedupe keeps one.
        if entity is None or entity.kind not in ("outlet", None) or entity.label != "ORG":
            continue
        yield Citation(entity.canonical or entity.text, "outlet", entity.start, entity.end,
                       entity.kb_id, cue=attribution.cue)


def _datelines(doc: "Doc", kb: KnowledgeBase) -> Iterator[Citation]:
    for match in _DATELINE.finditer(doc.text):
        resolved = kb.resolve(match.group(1))
        if resolved is not None and resolved.kind == "outlet":
            yield Citation(resolved.name, "outlet", match.start(1), match.end(1), resolved.id, cue="dateline")


def _interviews(doc: "Doc", entities: Sequence[Entity], kb: KnowledgeBase) -> Iterator[Citation]:
    """"told Reuters", "in an interview with the FT": the outlet the story came through."""
    for entity in entities:
        if entity.kind != "outlet":
            continue
        span = doc.char_span(entity.start, entity.end, alignment_mode="expand")
        if span is None:
            continue
        head = span.root
        if head.dep_ in ("dobj", "dative") and head.head.lemma_ == "tell":
            yield Citation(entity.canonical or entity.text, "outlet", entity.start, entity.end,
                           entity.kb_id, cue=f"{head.head.text}")
        elif head.dep_ == "pobj" and head.head.lower_ == "with" and head.head.head.lemma_ == "interview":
            yield Citation(entity.canonical or entity.text, "outlet", entity.start, entity.end,
                           entity.kb_id, cue="interview with")


def _origin_links(doc: "Doc", kb: KnowledgeBase, links: Sequence[Link]) -> Iterator[Citation]:
    origins = [link for link in links if link.kind == "origin_link"]
    for link in origins:
        yield _link_citation(kb, link.href, "origin_link", link.start, link.end, cue="origin link")
    for link in links:
        if link.kind == "source_line":
            yield _source_line(kb, link.text or link.href, link.start, link.end, link.href)
    if origins:
        return  # the cleaner already turned the "Original:" line into a link
    for match in _SOURCE_LINE.finditer(doc.text):
        value, cue = match.group(2), match.group(1)
        if _URL_LIKE.match(value):
            yield _link_citation(kb, value, "origin_link", match.start(2), match.end(2), cue=cue)
        else:
            yield _source_line(kb, value, match.start(2), match.end(2), None)


def _source_line(kb: KnowledgeBase, name: str, start: int, end: int, href: str | None) -> Citation:
    """A "Source: Reuters" line: an outlet citation when the KB knows the name."""
    match = kb.resolve(name)
    if match is not None and match.kind == "outlet":
        return Citation(match.name, "outlet", start, end, match.id, href=href, cue="source line")
    if href and _URL_LIKE.match(href):
        return _link_citation(kb, href, "source_line", start, end, cue="source line")
    return Citation(name, "source_line", start, end, match.id if match else None, href=href, cue="source line")


def _hyperlinks(kb: KnowledgeBase, links: Sequence[Link]) -> Iterator[Citation]:
    for link in links:
        if link.kind == "hyperlink":
            yield _link_citation(kb, link.href, "hyperlink", link.start, link.end, cue=link.text or None)


def _link_citation(
    kb: KnowledgeBase, href: str, kind: str, start: int, end: int, cue: str | None
) -> Citation:
    entry = kb.resolve_url(href)
    name = entry.name if entry else _bare(href)
    return Citation(name, kind, start, end, entry.id if entry else None, href=href, cue=cue)


def _bare(href: str) -> str:
    return re.sub(r"^[a-z]+://", "", href.strip()).rstrip("/")


def _dedupe(citations: Sequence[Citation]) -> list[Citation]:
    seen: set[tuple[str, str]] = set()
    out = []
    for citation in citations:
        if citation.kind == "outlet":
            key = ("outlet", citation.kb_id or name_key(citation.name))
        else:
            key = (citation.kind, _bare(citation.href or citation.name))
        if key not in seen:
            seen.add(key)
            out.append(citation)
    return out
