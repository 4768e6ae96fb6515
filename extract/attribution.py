"""Attribution: for each sentence, who the article says its content comes from.

Cues are tried in this order, the first that names a source wins:

1. "according to X" (also when X is "the study", which then resolves through
   the discourse rule in step 5);
2. a reporting verb and its subject from the dependency parse: "X reported",
   "X analyzed that", "X pointed out", "X released a report saying" (the
   verb of a clause hanging off the object climbs to the main verb's
   subject), and the passive "it was reported by X". The verb must report
   something: a that-clause, a colon or quote, "as X reported", or for
   verbs like "show"/"find" an object ("declined to comment" reports
   nothing);
3. a lead label: "Reuters: ..." at the start of a paragraph, when it names an
   organisation or person or ends in an outlet noun ("Regional press: ...");
4. a sentence inside a direct quotation takes the quote's speaker;
5. discourse carry-over: a sentence that opens on an anaphor ("In this
   evaluation", "This figure", "The study also found", "It said") inherits
   the most recent attribution before it, if that one lies in the same
   paragraph or at most `carry_window` (8) sentences back: about three news
   paragraphs, enough for a release described over a heading and a few short
   paragraphs, short of an unrelated section.

A work named by its publishers ("a study jointly released by two
universities") resolves to the KB work with exactly those publishers, if the
KB has one; "data released by X" resolves to the publisher when the KB lists
no separate work. Every attribution then goes through `extract.resolve`
(normalised names, acronyms, groups to their organisation, works to their
publishers, non-sources dropped).

`Attribution.name` is the KB canonical name when resolved, otherwise the
words of the text. `start`/`end` point at the source's name; for carried
attributions they point at the earlier mention, outside the sentence, and the
cue is the anaphor ("this evaluation"). `inferred` stays False: the article
itself names the source; `inferred` is for sources borrowed from other
articles in a coverage cluster.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .entities import OUTLET_NOUNS, PERSON_NOUNS, Referent, entity_at, referent
from .kb import KnowledgeBase
from .langdata import table
from .quotes import SPEECH_VERBS, find_quotes, leading_name, subject_of, verb_phrase
from .records import SOURCE_KINDS, Attribution, Entity, Quote
from .resolve import article_resolver, work_kind

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span, Token

# Cue words are language data (extract/lang/en/attribution_cues.yaml; its header says what each list is).
_CUES = table("en", "attribution_cues")
# Verbs that attribute content to their subject. Speech verbs that answer or
# narrate ("asked", "responded", "continued") introduce quotes but not claims.
REPORTING_VERBS = (SPEECH_VERBS - frozenset(_CUES["not_claims"])) | frozenset(_CUES["reporting"])
# Reporting verbs whose direct object is the reported content ("the study
# showed a 17% share"); the others need a clause ("said that ...", "said: ").
OBJECT_VERBS = frozenset(_CUES["object_verbs"])

# Nouns for documents and results, with the KB kinds they can refer to.
WORK_NOUNS: dict[str, tuple[str, ...]] = {str(k): tuple(v) for k, v in _CUES["work_noun_kinds"].items()}
# Nouns that point back to a figure or finding already attributed. With
# "the"/"its" only documents and findings do ("The study also found"); "the
# number of firms" or "the share of downloads" is new information, so those
# nouns need a demonstrative ("This figure", "these numbers").
ANAPHOR_NOUNS = frozenset(_CUES["anaphor_nouns"]) | frozenset(WORK_NOUNS)
_DEFINITE_ANAPHORS = frozenset(_CUES["definite_anaphors"]) | frozenset(WORK_NOUNS)
RESEARCHER_NOUNS = frozenset(_CUES["researcher_nouns"])
_DEMONSTRATIVES = frozenset({"this", "that", "these", "those", "such", "same"})
_DEFINITES = frozenset({"the", "its", "their"})
_PRONOUN_SUBJECTS = frozenset({"it", "they"})
# How far back an anaphor ("This figure", "The study also found") may reach
# outside its own paragraph. News paragraphs run one to three sentences, so
# eight sentences span about three paragraphs: enough for a release described
# over a heading and a few short paragraphs, short of the next section's
# subject. Inside one paragraph there is no limit.
CARRY_WINDOW = 8
# A lead label: a short name before a colon at the start of a paragraph
# ("Reuters: ...", "Regional press: ..."). It counts only when it holds a named
# organisation or person, or ends in an outlet noun.
_HEADLINE = re.compile(r"\s*([^\W\d][^:\n]{1,38}?)\s*:\s+\S")


def attribute_sentences(
    doc: "Doc",
    entities: Sequence[Entity],
    kb: KnowledgeBase,
    *,
    quotes: Sequence[Quote] | None = None,
    carry_window: int = CARRY_WINDOW,
    acronyms: Sequence[dict[str, str]] | None = None,
) -> list[Attribution | None]:
    """One attribution (or None) per sentence of `doc.sents`.

    Args:
        doc: a parsed doc.
        entities: `find_entities(doc, kb)`.
        kb: the knowledge base (works resolve through their publishers).
        quotes: `find_quotes(doc, entities, kb)`; computed when not given.
        carry_window: how many sentences back an anaphor may reach outside
            its own paragraph.
        acronyms: `extract.resolve.find_acronyms(doc.text)`; computed when not given.

    Returns:
        A list as long as `list(doc.sents)`.
    """
    if quotes is None:
        quotes = find_quotes(doc, entities, kb)
    text = doc.text  # builds a new string on every access: read it once
    sentences = list(doc.sents)
    paragraphs = _paragraph_numbers(text, sentences)
    resolver = article_resolver(doc, entities, kb, acronyms)
    results: list[Attribution | None] = []
    for i, sent in enumerate(sentences):
        found = _explicit(sent, entities, kb)
        if isinstance(found, Attribution):
            # Resolved before anything is carried, so a carried source is the resolved one
            # and a phrase that names nothing ("42% of people said") is dropped here.
            found = resolver.resolve(found)
        if found is None and _starts_paragraph(text, sent):
            found = _headline(sent, entities)
        if found is None:
            found = _from_quote(sent, sentences, results, quotes, kb)
            found = resolver.resolve(found) if found is not None else None
        if found is None or isinstance(found, _Anaphor):
            anaphor = found if isinstance(found, _Anaphor) else _anaphor(sent)
            found = _carry(anaphor, i, results, paragraphs, carry_window) if anaphor else None
        results.append(found)
    return results


@dataclass(frozen=True)
class _Anaphor:
    """A sentence's pointer back to an earlier source ("this evaluation", "it")."""

    cue: str
    kinds: tuple[str, ...] | None  # source kinds it may refer to; None for any


# --- explicit cues ---------------------------------------------------------------------


def _explicit(sent: "Span", entities: Sequence[Entity], kb: KnowledgeBase) -> Attribution | _Anaphor | None:
    found = _according_to(sent, entities, kb)
    if found is not None:
        return found
    verbs = sorted((t for t in sent if _is_reporting_verb(t)), key=_depth)
    for verb in verbs:
        found = _from_verb(verb, sent, entities, kb)
        if found is not None:
            return found
    return _in_a_document(sent, entities, kb)


# Documents that make their author the source of the whole sentence: "In a report, the fund cut ...".
_FRAMING_NOUNS = frozenset(_CUES["framing_nouns"])


def _in_a_document(sent: "Span", entities: Sequence[Entity], kb: KnowledgeBase) -> Attribution | None:
    root = sent.root
    framed = next((o.lemma_.lower() for c in root.children
                   if c.dep_ == "prep" and c.lower_ in ("in", "during") and c.i < root.i
                   for o in c.children if o.dep_ == "pobj" and o.lemma_.lower() in _FRAMING_NOUNS), None)
    if framed is None:
        return None
    subjects = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subjects:
        return None
    found = _source_of(subjects[0], f"in a {framed}", entities, kb)
    return found if isinstance(found, Attribution) else None


def _according_to(
    sent: "Span", entities: Sequence[Entity], kb: KnowledgeBase
) -> Attribution | _Anaphor | None:
    for token in sent:
        if token.lower_ == "according" and token.i + 1 < sent.end and token.nbor(1).lower_ == "to":
            objects = [c for c in token.nbor(1).children if c.dep_ == "pobj"]
            if objects:
                return _source_of(objects[0], "according to", entities, kb)
    return None


def _is_reporting_verb(token: "Token") -> bool:
    lemma = token.lemma_.lower()
    if token.pos_ != "VERB" or lemma not in REPORTING_VERBS:
        return False
    if lemma == "point":
        return any(c.dep_ == "prt" and c.lower_ == "out" for c in token.children)
    return True


def _depth(token: "Token") -> int:
    depth = 0
    while token.head.i != token.i and depth < 50:
        token, depth = token.head, depth + 1
    return depth


def _from_verb(
    verb: "Token", sent: "Span", entities: Sequence[Entity], kb: KnowledgeBase
) -> Attribution | _Anaphor | None:
    for child in verb.children:
        if child.dep_ == "agent":
            objects = [c for c in child.children if c.dep_ == "pobj"]
            if objects:
                return _source_of(objects[0], f"{verb_phrase(verb)} by", entities, kb)
    if not _carries_content(verb):
        return None  # "declined to comment", "reported for work": nothing is attributed
    top, subject = _clause_subject(verb)
    # "released a report saying" is the cue; a long stretch is not.
    close = top.i != verb.i and abs(verb.i - top.i) <= 4
    cue = verb.doc[min(top.i, verb.i):max(top.i, verb.i) + 1].text if close else verb_phrase(verb)
    if subject is None:
        if any(c.dep_ == "nsubjpass" for c in verb.children):
            return None  # "it is expected that": no source given
        if verb.dep_ == "ROOT":
            fallback = leading_name(sent, verb, entities)
            return _attribution(fallback, cue) if fallback else None
        return None
    return _source_of(subject, cue, entities, kb)


def _carries_content(verb: "Token") -> bool:
    """Whether the verb reports something: a clause, a colon or quote, "as X reported"."""
    deps = {c.dep_ for c in verb.children}
    if deps & {"ccomp", "parataxis"} or verb.dep_ == "parataxis":
        return True
    if any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children):
        return True
    if verb.lemma_.lower() in OBJECT_VERBS and deps & {"dobj", "xcomp", "attr"}:
        return True
    if verb.lemma_.lower() in ("expect", "believe", "think") and "xcomp" in deps:
        return True
    following = [t for t in verb.doc[verb.i + 1:verb.i + 4] if not t.is_space and t.dep_ != "prt"]
    return bool(following) and following[0].text in {":", '"', "“", "‘"}


def _clause_subject(verb: "Token") -> tuple["Token", "Token | None"]:
    """The verb whose subject counts, and that subject.

    "X released a report saying that ...": `saying` hangs off the object
    of `published`, so the source is the subject of `published`; ", adding
    that ..." takes the subject of the verb it trails.
    """
    current = verb
    for _ in range(3):
        subject = subject_of(current)
        if subject is not None:
            # With two subjects ("A study by Yale and the institute IFS
            # showed"), a document noun is the real head; the name after it
            # is a split-off piece of its phrase.
            works = [c for c in current.children if c.dep_ == "nsubj" and _work_kinds(c)]
            return current, works[0] if works else subject
        head = current.head
        if current.dep_ == "acl" and head.dep_ in ("dobj", "attr"):
            current = head.head
        elif current.dep_ == "advcl" and current.tag_ == "VBG" and head.pos_ in ("VERB", "AUX"):
            current = head
        else:
            break
    return current, None


def _source_of(
    head: "Token", cue: str, entities: Sequence[Entity], kb: KnowledgeBase
) -> Attribution | _Anaphor | None:
    """Turn the noun phrase headed by `head` into a source, an anaphor, or nothing."""
    lower = head.lower_
    lemma = head.lemma_.lower()
    if lower in _PRONOUN_SUBJECTS:
        return _Anaphor(cue, None)
    if _work_kinds(head) is None and (lower in ANAPHOR_NOUNS or lemma in ANAPHOR_NOUNS):
        agent = _participle_agent(head)
        if agent is not None:
            # "figures obtained by the Health Desk": X is the source. (Documents,
            # "a study released by X", resolve through their publishers below.)
            return _source_of(agent, cue, entities, kb)
    work = _work_kinds(head)
    if work is not None and entity_at(entities, head.idx, head.idx + len(head)) is None:
        return _work(head, work, cue, entities, kb)
    # "The Yale and Oxford study showed": the parser makes the first
    # name the subject and the document noun its conjunct.
    conjunct_works = [c for c in head.conjuncts if _work_kinds(c)]
    if conjunct_works:
        return _work(head, _work_kinds(conjunct_works[0]) or ("study",), cue, entities, kb)
    if lemma in RESEARCHER_NOUNS:
        # "Researchers at Yale and Oxford found": their study, if the KB
        # has exactly one by those institutions; otherwise the people.
        work_source = _work(head, ("study",), cue, entities, kb, exact=True)
        if isinstance(work_source, Attribution) and work_source.kind == "study" and work_source.kb_id:
            return work_source
    found = referent(head, entities, kb)
    if found is None:
        if lower in ANAPHOR_NOUNS or lemma in ANAPHOR_NOUNS:
            return _Anaphor(cue, None)
        return _description(head, cue)
    return _attribution(found, cue)


# Heads that are what a figure is about, not who states it ("prices showed").
_TOPIC_NOUNS = frozenset(_CUES["topic_nouns"])
_MAX_DESCRIPTION_TOKENS = 8


def _description(head: "Token", cue: str) -> Attribution | None:
    """An unnamed source described by a noun phrase: "the finance ministry said", "police said".

    The subject of a reporting verb (or the object of "according to") is the
    source even when it names nobody we know; the report keeps it by name.
    """
    if head.pos_ not in ("NOUN", "PROPN") or head.lemma_.lower() in _TOPIC_NOUNS or head.like_num:
        return None
    phrase = _subject_phrase(head)
    if len(phrase) > _MAX_DESCRIPTION_TOKENS:
        phrase = head.doc[max(phrase.start, head.i - _MAX_DESCRIPTION_TOKENS + 1):head.i + 1]
    kind = "person" if head.lower_ in PERSON_NOUNS else "organization"
    return Attribution(phrase.text, kind, cue, phrase.start_char, phrase.end_char)


def _participle_agent(head: "Token") -> "Token | None":
    for child in head.children:
        if child.dep_ == "acl":
            for by in child.children:
                if by.dep_ == "agent":
                    objects = [c for c in by.children if c.dep_ == "pobj"]
                    if objects:
                        return objects[0]
    return None


def _work_kinds(token: "Token") -> tuple[str, ...] | None:
    return WORK_NOUNS.get(token.lower_) or WORK_NOUNS.get(token.lemma_.lower())


def _attribution(found: Referent, cue: str) -> Attribution:
    return Attribution(found.name, source_kind(found.kind), cue, found.start, found.end, found.kb_id)


def source_kind(kind: str | None) -> str | None:
    """Map a KB kind onto the output contract's source kinds."""
    if kind == "place":
        return "organization"  # "Beijing said": the government speaks
    return kind if kind in SOURCE_KINDS else None


def _work(
    head: "Token",
    kinds: tuple[str, ...],
    cue: str,
    entities: Sequence[Entity],
    kb: KnowledgeBase,
    *,
    exact: bool = False,
) -> Attribution | _Anaphor | None:
    """A study, dataset or ranking, resolved through the publishers named with it."""
    phrase = _subject_phrase(head)
    start, end = phrase.start_char, phrase.end_char
    # Places are where a study was done, not who did it ("data from China").
    inside = [e for e in entities
              if start <= e.start and e.end <= end and e.label not in ("GPE", "NORP", "LOC")]
    ids = list(dict.fromkeys(e.kb_id for e in inside if e.kb_id))
    work = kb.works_by(ids, kinds, exact=exact) if ids else None
    noun_kind = work_kind(head.lower_) or work_kind(head.lemma_.lower())  # "report" -> report, "poll" -> survey
    if work is not None:
        return Attribution(work.name, source_kind(work.kind), cue, start, end, work.id, raw=phrase.text,
                           work=noun_kind)
    if exact:
        return None
    # The parser can stretch the phrase over an appositive ("the ranking released by
    # the Zeller Institute, the index of ..."): a named work inside it is the source.
    named_works = [e for e in inside if _kb_kind(kb, e.kb_id) in WORK_KINDS]
    if named_works:
        first = named_works[0]
        entry = kb.get(first.kb_id)
        return Attribution(entry.name if entry else first.text, source_kind(entry.kind if entry else None),
                           cue, first.start, first.end, first.kb_id)
    if len(inside) == 1 or len(ids) == 1:
        publisher = next(e for e in inside if e.kb_id == ids[0]) if ids else inside[0]
        entry = kb.get(publisher.kb_id)
        own_kind = entry.kind if entry else None
        kind = own_kind if own_kind in ("study", "dataset", "leaderboard", "outlet") else kinds[0]
        name = publisher.canonical or publisher.text
        return Attribution(name, kind, cue, publisher.start, publisher.end, publisher.kb_id, raw=phrase.text,
                           work=noun_kind, publisher=name)
    if inside:
        return Attribution(phrase.text, kinds[0], cue, start, end)
    if _is_described(head):
        # "customs data showed", "the latest Halden league table": a document we
        # cannot resolve, but named well enough to report as the source.
        return Attribution(phrase.text, kinds[0], cue, start, end)
    return _Anaphor(cue, kinds + ("organization",))


def _is_described(head: "Token") -> bool:
    """Whether a document noun carries its own description, not just "the"/"this"."""
    return any(c.dep_ in ("compound", "amod", "nmod", "poss") and c.i < head.i and c.lower_ not in _LATEST_WORDS
               for c in head.children)


# Adjectives that point back rather than describe: "the latest figures" still needs a source named earlier.
_LATEST_WORDS = frozenset(_CUES["latest_words"])


WORK_KINDS = ("study", "dataset", "leaderboard")


def _kb_kind(kb: KnowledgeBase, kb_id: str | None) -> str | None:
    entry = kb.get(kb_id)
    return entry.kind if entry is not None else None


def _subject_phrase(head: "Token") -> "Span":
    tokens = list(head.subtree)
    for sibling in head.head.children:
        # A subject split in two by the parser continues right after this one.
        if sibling.dep_ == "nsubj" and sibling.i > head.i and sibling.left_edge.i == tokens[-1].i + 1:
            tokens.extend(sibling.subtree)
    while len(tokens) > 1 and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens.pop()
    return head.doc[tokens[0].i:tokens[-1].i + 1]


# --- headlines, quotes and carry-over ---------------------------------------------------


def _starts_paragraph(text: str, sent: "Span") -> bool:
    before = text[max(0, sent.start_char - 200):sent.start_char].rstrip(" \t")
    return sent.start_char == 0 or not before.strip() or before.endswith("\n")


def _headline(sent: "Span", entities: Sequence[Entity]) -> Attribution | None:
    match = _HEADLINE.match(sent.text)
    if match is None:
        return None
    label = match.group(1)
    start = sent.start_char + match.start(1)
    end = start + len(label)
    named = [e for e in entities if start <= e.start and e.end <= end and e.label in ("ORG", "PERSON")]
    if named:
        entity = named[0]
        return Attribution(entity.canonical or entity.text, source_kind(entity.kind) or "organization",
                           ":", entity.start, entity.end, entity.kb_id)
    if label.split()[-1].lower() in OUTLET_NOUNS:
        return Attribution(label, "outlet", ":", start, end)
    return None


def _from_quote(
    sent: "Span",
    sentences: Sequence["Span"],
    results: Sequence[Attribution | None],
    quotes: Sequence[Quote],
    kb: KnowledgeBase,
) -> Attribution | None:
    text_end = sent.start_char + len(sent.text.rstrip(" \t\n\"”’'"))
    for quote in quotes:
        if quote.speaker is None or not (quote.start - 1 <= sent.start_char and text_end <= quote.end):
            continue
        # The sentence that opens the quote usually carries the same source
        # with its kind worked out; reuse it.
        for j, earlier in enumerate(sentences[:len(results)]):
            if earlier.start_char <= quote.start < earlier.end_char and results[j] is not None:
                previous = results[j]
                if previous is not None and previous.start == quote.speaker_start:
                    return previous
        entry = kb.get(quote.kb_id)
        kind = source_kind(entry.kind) if entry else "person"
        return Attribution(quote.speaker, kind, quote.cue or "quoted", quote.speaker_start,
                           quote.speaker_end, quote.kb_id)
    return None


def _anaphor(sent: "Span") -> _Anaphor | None:
    """An opening reference back to an earlier source: "In this evaluation", "This figure".

    Only the subject or an opening prepositional phrase counts: "these
    numbers" as an object ("you could read these numbers as ...") is talk
    about the figures, not a new claim from their source.
    """
    first_word = next((t for t in sent if not t.is_space and not t.is_punct), None)
    for token in [t for t in sent if not t.is_space][:6]:
        opening_pp = (token.dep_ == "pobj" and first_word is not None
                      and token.head.i == first_word.i and first_word.pos_ == "ADP")
        if token.dep_ not in ("nsubj", "nsubjpass") and not opening_pp:
            continue
        lower, lemma = token.lower_, token.lemma_.lower()
        # "The article" at the top of a sentence is usually the article in
        # hand ("The article represents the views of the author").
        if lower not in ANAPHOR_NOUNS and lemma not in ANAPHOR_NOUNS or lemma == "article":
            continue
        definite = lower in _DEFINITE_ANAPHORS or lemma in _DEFINITE_ANAPHORS
        allowed = _DEMONSTRATIVES | _DEFINITES if definite else _DEMONSTRATIVES
        determiners = [c for c in token.children if c.dep_ in ("det", "poss", "amod") and c.lower_ in allowed]
        if not determiners:
            continue
        first = min([token, *determiners], key=lambda t: t.i)
        work = _work_kinds(token)
        kinds = work + ("organization", "outlet") if work else None
        return _Anaphor(sent.doc[first.i:token.i + 1].text, kinds)
    return None


def _carry(
    anaphor: _Anaphor,
    index: int,
    results: Sequence[Attribution | None],
    paragraphs: Sequence[int],
    window: int,
) -> Attribution | None:
    for j in range(index - 1, -1, -1):
        if index - j > window and paragraphs[j] != paragraphs[index]:
            return None
        previous = results[j]
        if previous is None or previous.cue == ":":
            continue  # headline labels are too vague to inherit
        if anaphor.kinds is not None and previous.kind not in anaphor.kinds and previous.kind is not None:
            continue
        return replace(previous, cue=anaphor.cue)
    return None


def _paragraph_numbers(text: str, sentences: Sequence["Span"]) -> list[int]:
    numbers, count, position = [], 0, 0
    for sent in sentences:
        count += text.count("\n", position, sent.start_char)
        position = sent.start_char
        numbers.append(count)
    return numbers
