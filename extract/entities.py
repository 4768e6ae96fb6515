"""Named entities: spaCy's NER corrected and resolved through the knowledge base.

The small English model gets tech coverage wrong in systematic ways (Alibaba
as a place, DeepSeek as a product, "AI" as a country), so the KB is applied at
two points:

1. `add_kb_components(nlp, kb)` installs, once per `nlp` object, an
   EntityRuler named ``newstrace_kb_ruler`` before ``ner``, built from every
   KB name with its case and spacing variants. Entities it sets are fixed
   before the statistical NER runs, so the NER cannot mislabel them or glue
   them to neighbours ("Alibaba’s Qwen"). It also adds
   ``newstrace_paragraphs`` before the parser (a line break always starts a
   sentence, so headlines and closing quote marks do not fuse with the next
   sentence) and ``newstrace_kb_cleanup`` after ``ner`` (drops the KB's
   `never_entities`, such as "AI"). Calling it again with the same KB is a
   no-op; with a different KB it swaps the patterns in place. Because
   `load_spacy()` is cached, the installed components are shared by every
   stage in the process.
2. `find_entities(doc, kb)` resolves each entity to a KB id. It also scans
   the doc for KB names itself, so a doc made by a pipeline without the ruler
   still gets the KB's entities.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from .kb import KnowledgeBase, Match
from .langdata import table
from .models import model_cache
from .records import Entity

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language
    from spacy.matcher import PhraseMatcher
    from spacy.tokens import Doc, Span, Token
    from spacy.vocab import Vocab

RULER_NAME = "newstrace_kb_ruler"
CLEANUP_NAME = "newstrace_kb_cleanup"
PARAGRAPHS_NAME = "newstrace_paragraphs"
_META_KEY = "newstrace_kb_fingerprint"

# Labels that name something; numbers, dates and amounts belong to the
# statistics extractor.
NAME_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT", "WORK_OF_ART", "EVENT", "LAW"}
)

# Heads of noun phrases that describe a person or an outlet without naming
# one: "an expert from MIT", "South Korean media" (language data:
# extract/lang/en/source_nouns.yaml).
_NOUNS = table("en", "source_nouns")
PERSON_NOUNS = frozenset(_NOUNS["person"])
OUTLET_NOUNS = frozenset(_NOUNS["outlet"])
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
# Definite descriptions that point back to the last organisation named:
# "the think tank said", "the company reported".
ORG_ANAPHORS = frozenset(_NOUNS["org_anaphor"])
# Last words of newspaper names, to call an unknown ORG an outlet.
MASTHEAD_WORDS = frozenset(_NOUNS["masthead"])


@dataclass(frozen=True)
class Referent:
    """Who or what a noun phrase in the text stands for (a subject, a speaker)."""

    text: str  # surface words in the doc
    start: int
    end: int
    name: str  # KB canonical name, earlier full mention, or the surface words
    kb_id: str | None
    kind: str | None  # KB kind, or person/outlet for descriptions
    how: str  # entity | coref (pronoun) | anaphor ("the company") | affiliation | description


# --- pipeline components ------------------------------------------------------------


def add_kb_components(nlp: "Language", kb: KnowledgeBase) -> "Language":
    """Install the KB ruler, the paragraph splitter and the cleanup in `nlp`, once.

    Args:
        nlp: a loaded pipeline, usually `extract.models.load_spacy()`.
        kb: the knowledge base whose names the ruler should fix.

    Returns:
        The same `nlp`, for chaining.
    """
    _register_factories()
    names = nlp.pipe_names
    if PARAGRAPHS_NAME not in names and "parser" in names:
        nlp.add_pipe(PARAGRAPHS_NAME, before="parser")
    if RULER_NAME not in nlp.pipe_names:
        where: dict[str, Any] = {"before": "ner"} if "ner" in nlp.pipe_names else {}
        nlp.add_pipe("entity_ruler", name=RULER_NAME, config={"overwrite_ents": True}, **where)
    if CLEANUP_NAME not in nlp.pipe_names:
        where = {"after": "ner"} if "ner" in nlp.pipe_names else {}
        nlp.add_pipe(CLEANUP_NAME, **where)
    if nlp.meta.get(_META_KEY) != kb.fingerprint:
        ruler = nlp.get_pipe(RULER_NAME)
        ruler.clear()  # type: ignore[attr-defined]
        ruler.add_patterns(list(_ruler_patterns(kb)))  # type: ignore[attr-defined]
        nlp.get_pipe(CLEANUP_NAME).never = kb.never_entities  # type: ignore[attr-defined]
        nlp.meta[_META_KEY] = kb.fingerprint
    return nlp


def kb_pipeline(kb: KnowledgeBase) -> "Language":
    """The shared spaCy pipeline with the KB components installed."""
    from .models import load_spacy

    return add_kb_components(load_spacy(), kb)


class _Cleanup:
    """Drop entities the KB says are never entities, and trailing whitespace tokens."""

    def __init__(self) -> None:
        self.never: frozenset[str] = frozenset()

    def __call__(self, doc: "Doc") -> "Doc":
        from spacy.tokens import Span

        kept = []
        for ent in doc.ents:
            end = ent.end
            while end - ent.start > 1 and doc[end - 1].is_space:
                end -= 1
            text = doc[ent.start:end].text.strip()
            if text and text not in self.never:
                kept.append(ent if end == ent.end else
                            Span(doc, ent.start, end, label=ent.label, kb_id=ent.kb_id, span_id=ent.id))
        doc.ents = kept
        return doc


def _make_cleanup(nlp: "Language", name: str) -> _Cleanup:
    return _Cleanup()


def _paragraph_breaks(doc: "Doc") -> "Doc":
    # The parser keeps its own boundaries and respects ours: a token after a
    # line break starts a sentence, and the whitespace and closing quote marks
    # before the break stay with the sentence they close.
    for i in range(1, len(doc)):
        token, previous = doc[i], doc[i - 1]
        if token.is_space:
            token.is_sent_start = False
        elif previous.is_space and "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
            if previous.is_space and i >= 2 and doc[i - 2].text in {'"', "”", "’", "'"}:
                doc[i - 2].is_sent_start = False
    return doc


def _register_factories() -> None:
    # Registered on first use, not at import: importing extract must stay free
    # of spaCy side effects.
    from spacy.language import Language

    if not Language.has_factory(CLEANUP_NAME):
        Language.factory(CLEANUP_NAME, func=_make_cleanup)
    if not Language.has_factory(PARAGRAPHS_NAME):
        Language.component(PARAGRAPHS_NAME, func=_paragraph_breaks)


def surface_variants(name: str) -> Iterator[str]:
    """Spellings of a KB name to look for: as written, Title Case, UPPER, and unspaced.

    Lower case is left out on purpose: "meta", "nature" and "us" are words.
    """
    words = name.split()
    seen = {name}
    yield name
    for variant in (
        # Acronyms keep their capitals: "WHO" as "Who" would tag every question.
        " ".join(w if w.isupper() and len(w) > 1 else w[:1].upper() + w[1:].lower() for w in words),
        name.upper() if len(name) > 3 else name,
        "".join(words) if 1 < len(words) <= 3 and all(w[:1].isupper() for w in words) else name,
    ):
        if variant not in seen:
            seen.add(variant)
            yield variant


def _ruler_patterns(kb: KnowledgeBase) -> Iterator[dict[str, str]]:
    for entry in kb:
        # Places stay out of the ruler: the NER finds them well, and a place
        # fixed before it runs would cut "Seoul National University" or "the
        # US Embassy" in two. find_entities resolves them afterwards.
        if entry.kind == "place":
            continue
        for name in entry.strong_names():
            for variant in surface_variants(name):
                yield {"label": entry.label, "pattern": variant, "id": entry.id}


@model_cache(maxsize=8)
def _matchers(vocab: "Vocab", kb: KnowledgeBase) -> tuple["PhraseMatcher", "PhraseMatcher"]:
    """Phrase matchers for strong names and for weak aliases, keyed by entry id."""
    from spacy.matcher import PhraseMatcher

    def tokens(text: str) -> "Doc":
        # Whitespace tokenisation is not enough ("U.S.", "Alibaba’s"); a blank
        # English tokenizer shares the vocab and matches the pipeline's.
        return _tokenizer(vocab)(text)

    strong, weak = PhraseMatcher(vocab), PhraseMatcher(vocab)
    for entry in kb:
        strong.add(entry.id, [tokens(v) for n in entry.strong_names() for v in surface_variants(n)])
        if entry.weak_aliases:
            weak.add(entry.id, [tokens(v) for n in entry.weak_aliases for v in surface_variants(n)])
    return strong, weak


@model_cache(maxsize=4)
def _tokenizer(vocab: "Vocab") -> Any:
    from spacy.lang.en import English

    return English(vocab=vocab).tokenizer


# --- finding and resolving entities ----------------------------------------------


def resolve_name(
    text: str,
    kb: KnowledgeBase,
    *,
    start: int = -1,
    end: int = -1,
    label: str | None = None,
) -> Entity:
    """Resolve a free-text name through the KB into an `Entity`.

    Args:
        text: a name as written ("HuggingFace", "the Washington Post").
        kb: the knowledge base.
        start, end: offsets of the name in the article, when known.
        label: spaCy label to keep when the KB does not know the name.

    Returns:
        An Entity; `kb_id` is None when nothing in the KB is close enough.
    """
    match = kb.resolve(text)
    if match is None:
        return Entity(start, end, text, label or "ORG")
    return entity_with_match(Entity(start, end, text, label or match.entry.label), match)


def entity_with_match(entity: Entity, match: Match) -> Entity:
    """`entity` resolved to the KB entry `match` found for it: the entry's label, id, canonical name and
    kind, and how the name matched. The one way a KB match becomes an Entity (the multilingual scan uses it too)."""
    return replace(
        entity,
        label=match.entry.label,
        kb_id=match.id,
        canonical=match.name,
        kind=match.kind,
        match=match.method,
        note=match.note,
    )


def find_entities(doc: "Doc", kb: KnowledgeBase, *, labels: Iterable[str] = NAME_LABELS) -> list[Entity]:
    """Named entities in `doc`, KB-corrected and resolved, in text order.

    Args:
        doc: a parsed doc; best made by a pipeline with `add_kb_components`.
        kb: the knowledge base.
        labels: spaCy labels to keep (names only by default).

    Returns:
        Entities with offsets into `doc.text`. `match` says how the KB id was
        found ("alias" or "fuzzy"; "ner" when unresolved), `note` flags names
        the KB lists as errors ("transliteration error for Llama").
    """
    wanted = frozenset(labels)
    strong_matcher, weak_matcher = _matchers(doc.vocab, kb)
    from_ner = _ner_entities(doc, kb, wanted)
    from_kb = [_kb_entity(doc[s:e], doc.vocab.strings[m], kb) for m, s, e in _longest(strong_matcher(doc))]
    from_kb = [e for e in from_kb if not _inside_a_longer_name(e, from_ner)]
    entities = _merge(from_ner, from_kb)
    entities = _merge(entities, list(_weak_entities(doc, kb, weak_matcher, entities)))
    return _propagate_names([e for e in entities if e.label in wanted or e.kb_id])


def _inside_a_longer_name(entity: Entity, ner: Sequence[Entity]) -> bool:
    """A place inside an organisation's name ("Bank of China") is part of that name."""
    return entity.kind == "place" and any(
        n.start <= entity.start and entity.end <= n.end and (n.end - n.start) > (entity.end - entity.start)
        and n.label not in ("GPE", "LOC", "NORP")
        for n in ner
    )


def _ner_entities(doc: "Doc", kb: KnowledgeBase, labels: frozenset[str]) -> list[Entity]:
    found = []
    for ent in doc.ents:
        start, end = _trimmed(ent)
        text = ent.text.strip()
        if ent.label_ not in labels or not text or kb.is_never_entity(text):
            continue
        entity = Entity(start, end, text, ent.label_)
        # The ruler tags its spans with the KB id; resolving the text again
        # recovers the alias-level detail (an error note, fuzzy or exact).
        match = kb.resolve(text) if ent.label_ != "NORP" else None
        if match is None and ent.ent_id_ and ent.ent_id_ in kb:
            entry = kb.get(ent.ent_id_)
            assert entry is not None
            match = Match(entry, text, "alias", 100.0)
        found.append(entity_with_match(entity, match) if match else entity)
    return found


def _kb_entity(span: "Span", entry_id: str, kb: KnowledgeBase) -> Entity:
    entry = kb.get(entry_id)
    assert entry is not None  # the matchers are built from this KB's ids
    match = kb.resolve(span.text)
    if match is None or match.id != entry.id:
        match = Match(entry, span.text, "alias", 100.0)
    return entity_with_match(Entity(span.start_char, span.end_char, span.text, entry.label), match)


def _weak_entities(
    doc: "Doc", kb: KnowledgeBase, matcher: "PhraseMatcher", known: Sequence[Entity]
) -> Iterator[Entity]:
    # A weak alias ("M2", "R1") counts only next to its parent or publisher,
    # or when spaCy itself already called the span an entity.
    ner_spans = {(e.start_char, e.end_char) for e in doc.ents}
    for match_id, s, e in _longest(matcher(doc)):
        span = doc[s:e]
        entry = kb.get(doc.vocab.strings[match_id])
        if entry is None:
            continue
        sent = span.sent if doc.has_annotation("SENT_START") else doc[:]
        nearby = {x.kb_id for x in known if x.kb_id and sent.start_char <= x.start < sent.end_char}
        if (span.start_char, span.end_char) in ner_spans or set(entry.related) & nearby:
            yield entity_with_match(
                Entity(span.start_char, span.end_char, span.text, entry.label),
                Match(entry, span.text, "alias", 100.0),
            )


def _longest(matches: Iterable[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Non-overlapping matches, longest first, as the EntityRuler chooses them."""
    chosen: list[tuple[int, int, int]] = []
    taken: set[int] = set()
    for match_id, s, e in sorted(matches, key=lambda m: (m[1] - m[2], m[1])):
        if not taken.intersection(range(s, e)):
            chosen.append((match_id, s, e))
            taken.update(range(s, e))
    return sorted(chosen, key=lambda m: m[1])


def _merge(base: Sequence[Entity], overrides: Sequence[Entity]) -> list[Entity]:
    """Entities from `overrides` replace the `base` entities they overlap."""
    kept = [
        b for b in base
        if not any(o.start < b.end and b.start < o.end for o in overrides)
    ]
    return sorted([*kept, *overrides], key=lambda e: (e.start, e.end))


def _trimmed(span: "Span") -> tuple[int, int]:
    text = span.text
    start = span.start_char + (len(text) - len(text.lstrip()))
    return start, span.start_char + len(text.rstrip())


_SURNAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "PRODUCT"})


def _propagate_names(entities: Sequence[Entity]) -> list[Entity]:
    # "Maria Delgado ... Delgado said": a later surname takes the full name (and
    # KB id) of the last person it ends. The KB cannot know every surname.
    people: list[Entity] = []
    out = []
    for entity in entities:
        # The small model often calls a bare surname an ORG or GPE ("Noem
        # tweeted"); an earlier full name settles it.
        if entity.kb_id is None and entity.label in _SURNAME_LABELS and " " not in entity.text.strip():
            surname = entity.text.strip()
            earlier = next(
                (p for p in reversed(people)
                 if len((full := (p.canonical or p.text).split())) > 1 and full[-1] == surname),
                None,
            )
            if earlier is not None:
                entity = replace(
                    entity, label="PERSON", kb_id=earlier.kb_id, canonical=earlier.canonical or earlier.text,
                    kind=earlier.kind, match=earlier.match,
                )
        if entity.label == "PERSON":
            people.append(entity)
        out.append(entity)
    return out


# --- what a noun phrase refers to -----------------------------------------------------


def entity_at(entities: Sequence[Entity], start: int, end: int | None = None) -> Entity | None:
    """The entity covering character `start` (or overlapping start..end)."""
    end = start + 1 if end is None else end
    for entity in entities:
        if entity.start < end and start < entity.end:
            return entity
    return None


def referent(head: "Token", entities: Sequence[Entity], kb: KnowledgeBase) -> Referent | None:
    """What the noun phrase headed by `head` names, if it names a source at all.

    Looks, in order, for an entity at the head ("Okafor said"), a pronoun to
    resolve to the last person named ("He said"), an entity in apposition or
    compound ("media outlet The Harbour Gazette"), and a description of a
    person or outlet ("an expert from MIT", "South Korean media"); a
    description takes the KB id of the organisation it names, if any.
    """
    entity = entity_at(entities, head.idx, head.idx + len(head))
    if entity is not None:
        return _from_entity(entity, head)
    lower = head.lower_
    if lower in _PERSON_PRONOUNS:
        earlier = [e for e in entities if e.label == "PERSON" and e.end <= head.idx]
        if earlier:
            last = earlier[-1]
            return Referent(head.text, head.idx, head.idx + len(head), last.canonical or last.text,
                            last.kb_id, "person", "coref")
        return None
    # "Bloomberg analysts", "Middle East observers": people described by a
    # name, not the name itself; the description path below keeps both.
    for child in ([] if lower in PERSON_NOUNS else _naming_children(head)):
        entity = entity_at(entities, child.idx, child.idx + len(child))
        if entity is not None:
            return _from_entity(entity, head)
    if _is_definite(head) and (lower in ORG_ANAPHORS or lower in OUTLET_NOUNS):
        wanted = ("outlet",) if lower in OUTLET_NOUNS else ("organization", "outlet", "leaderboard", None)
        earlier = [e for e in entities if e.label == "ORG" and e.end <= head.idx and e.kind in wanted]
        if earlier:
            last = earlier[-1]
            words = head.doc[head.left_edge.i:head.i + 1]
            return Referent(words.text, words.start_char, words.end_char, last.canonical or last.text,
                            last.kb_id, last.kind or "organization", "anaphor")
    if head.pos_ == "PROPN":
        # A name the NER missed ("according to Nature"): try the KB directly.
        phrase = _phrase(head)
        match = kb.resolve(phrase.text)
        if match is not None:
            return Referent(phrase.text, phrase.start_char, phrase.end_char, match.name, match.id,
                            match.kind, "entity")
    if lower in PERSON_NOUNS or lower in OUTLET_NOUNS:
        phrase = _phrase(head)
        start, end = phrase.start_char, phrase.end_char
        inside = [e for e in entities if start <= e.start and e.end <= end and e.kb_id]
        kind = "person" if lower in PERSON_NOUNS else "outlet"
        kb_id = inside[0].kb_id if inside else None
        return Referent(phrase.text, start, end, phrase.text, kb_id, kind,
                        "affiliation" if kb_id else "description")
    return None


def _is_definite(head: "Token") -> bool:
    return any(c.dep_ == "det" and c.lower_ in ("the", "this", "that") for c in head.children)


def _from_entity(entity: Entity, head: "Token") -> Referent:
    kind = entity.kind
    if kind is None and entity.label == "ORG" and _looks_like_outlet(entity, head):
        kind = "outlet"
    return Referent(entity.text, entity.start, entity.end, entity.canonical or entity.text,
                    entity.kb_id, kind or _kind_from_label(entity.label), "entity")


def _looks_like_outlet(entity: Entity, head: "Token") -> bool:
    # "The Korea Herald reported", "the South Korean newspaper X said":
    # unknown names read as outlets by their last word or a describing noun.
    if entity.text.split()[-1].lower() in MASTHEAD_WORDS:
        return True
    near = [*head.lefts, *([head.head] if head.dep_ == "appos" else [])]
    return any(t.lower_ in OUTLET_NOUNS for t in near)


def _kind_from_label(label: str) -> str | None:
    return {"PERSON": "person", "ORG": "organization", "GPE": "place"}.get(label)


def _naming_children(head: "Token") -> Iterator["Token"]:
    # Apposition, compounds and quoted names sit next to the head; relative
    # clauses and prepositional phrases describe something else.
    for child in head.children:
        if child.dep_ in ("appos", "compound", "nmod", "poss", "npadvmod"):
            yield child
            yield from _naming_children(child)


def _phrase(head: "Token") -> "Span":
    """`head`'s noun phrase, without relative clauses, appositions and edge punctuation."""
    tokens = [head]
    for child in head.children:
        if child.dep_ in ("relcl", "acl", "punct", "appos", "cc", "conj", "advcl"):
            continue
        tokens.extend(child.subtree)
    first = min(t.i for t in tokens)
    last = max(t.i for t in tokens)
    doc = head.doc
    while last > first and (doc[last].is_punct or doc[last].is_space):
        last -= 1
    return doc[first:last + 1]
