"""Direct quotations and who said them.

Quote marks are paired on the raw text first (straight, curly and single
quotes behave differently), then the dependency parse finds the speaker on
either side:

- before: ``X said: "..."``, ``X remarked, “...”``, ``X stated at ... that "..."``
  (the words before the mark end in a colon, a comma or "that", and the
  nearest speech verb to the left supplies the subject);
- after: ``"...," X said`` or ``"...," said X`` (the speaker must follow the
  closing mark, so a scare quote inside the subject phrase cannot borrow the
  verb of the real quotation after it).

Quoted words with no speaker are kept only when they read like speech: five
words or more containing a finite verb. That drops scare quotes ("American
values", 'open-weight', "M2"). Single quotes are too often apostrophes or
scare quotes to stand alone, so they need a speaker.

A quote that follows the speaker tag of the previous one in the same
paragraph (``“A,” he said. “B.”``) has the same speaker; its cue ends in
" (continued)". A pronoun speaker ("he said") is resolved to the last person quoted or named
before it, a definite description ("the think tank said") to the last
organisation named; either way the quote's `cue` gets a " (coref)" suffix so
a reader can see the name was not written there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .entities import Referent, referent
from .kb import KnowledgeBase
from .langdata import words
from .records import Entity, Quote

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span, Token

# Lemmas of verbs that introduce speech. "point" counts only as "point out".
SPEECH_VERBS = frozenset(words("en", "speech_verbs"))  # extract/lang/en/speech_verbs.yaml
MIN_UNATTRIBUTED_WORDS = 5
# How many tokens may separate a speech verb from the quote it introduces
# ("stated at an international conference held in Lyon, Croix-Rousse, that").
MAX_LEAD_GAP = 30
_LEAD_ENDINGS = (":", ",", "that", "as saying", "saying")
_CLOSING_PUNCT = (",", "?", "!", "…", ":")


@dataclass(frozen=True)
class QuotedSpan:
    """A pair of quote marks in the text: positions of the marks themselves."""

    open: int
    close: int
    single: bool


def find_quotes(
    doc: "Doc",
    entities: Sequence[Entity],
    kb: KnowledgeBase,
    *,
    min_words: int = MIN_UNATTRIBUTED_WORDS,
) -> list[Quote]:
    """Direct quotations in `doc`, with speakers where the text gives one.

    Args:
        doc: a parsed doc.
        entities: `find_entities(doc, kb)`, used to name speakers.
        kb: the knowledge base.
        min_words: shortest quotation kept when no speaker is found.

    Returns:
        Quotes in text order; `start`/`end` cover the words inside the marks.
    """
    text = doc.text  # builds a new string on every access: read it once
    quotes: list[Quote] = []
    for marked in quoted_spans(text):
        start, end = _inner_bounds(text, marked)
        if start >= end:
            continue
        found = (_speaker_before(doc, text, marked, entities, kb)
                 or _speaker_after(doc, text, marked, entities, kb))
        speaker, cue = found if found else (None, None)
        if cue is None and (marked.single or not _reads_like_speech(doc, start, end, min_words)):
            continue
        if speaker is None and quotes and _continues(text, quotes[-1], marked):
            previous = quotes[-1]
            speaker = Referent(previous.speaker or "", previous.speaker_start, previous.speaker_end,
                               previous.speaker or "", previous.kb_id, None, "continued")
            cue = f"{previous.cue} (continued)"
        if speaker is not None and speaker.how in ("coref", "anaphor"):
            if speaker.how == "coref":
                speaker = _antecedent(speaker, entities, quotes)
            cue = f"{cue} (coref)"
        quotes.append(
            Quote(
                start=start,
                end=end,
                text=text[start:end],
                speaker=speaker.name if speaker else None,
                kb_id=speaker.kb_id if speaker else None,
                speaker_start=speaker.start if speaker else -1,
                speaker_end=speaker.end if speaker else -1,
                cue=cue,
            )
        )
    return quotes


# --- pairing quote marks ------------------------------------------------------------


def quoted_spans(text: str) -> list[QuotedSpan]:
    """Pairs of quote marks in `text`, outermost only, in order."""
    doubles = sorted([*_curly_pairs(text, "“", "”"), *_curly_pairs(text, "«", "»"), *_straight_doubles(text)],
                     key=lambda q: q.open)
    singles = [
        s for s in _singles(text)
        if not any(d.open < s.open < d.close for d in doubles)
    ]
    return sorted([*doubles, *singles], key=lambda q: q.open)


def _curly_pairs(text: str, opening: str, closing: str) -> Iterator[QuotedSpan]:
    # An opening mark with no close before the next opening is dropped: it is
    # a paragraph of a multi-paragraph quote or a typo, and pairing across it
    # would swallow the narrative in between.
    start = -1
    for i, ch in enumerate(text):
        if ch == opening:
            start = i
        elif ch == closing and start >= 0:
            yield QuotedSpan(start, i, single=False)
            start = -1


def _straight_doubles(text: str) -> Iterator[QuotedSpan]:
    start = -1
    for i, ch in enumerate(text):
        if ch != '"':
            continue
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        opens = (before.isspace() or before in "([{—–-/:") and not after.isspace()
        closes = not before.isspace() and (after.isspace() or not after.isalnum())
        if start < 0:
            if opens:
                start = i
        elif closes or not opens:
            yield QuotedSpan(start, i, single=False)
            start = -1
        else:
            start = i  # two openers in a row: the first was stray


def _singles(text: str) -> Iterator[QuotedSpan]:
    for i, ch in enumerate(text):
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if ch == "‘" or (ch == "'" and (before.isspace() or before in "([") and after.isalnum()):
            close = _single_close(text, i + 1, "’" if ch == "‘" else "'")
            if close > 0:
                yield QuotedSpan(i, close, single=True)


def _single_close(text: str, start: int, mark: str) -> int:
    # An apostrophe inside a word ("China’s") is followed by a letter; the
    # closing mark is not. Single quotes never run past a line.
    for j in range(start, min(len(text), start + 300)):
        ch = text[j]
        if ch == "\n":
            return -1
        if ch == mark and text[j - 1] != " " and not (j + 1 < len(text) and text[j + 1].isalnum()):
            return j
    return -1


def _inner_bounds(text: str, marked: QuotedSpan) -> tuple[int, int]:
    start, end = marked.open + 1, marked.close
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# --- speakers -------------------------------------------------------------------------


def is_speech_verb(token: "Token") -> bool:
    if token.pos_ not in ("VERB", "AUX") or token.lemma_.lower() not in SPEECH_VERBS:
        return False
    if token.lemma_.lower() == "point":
        return any(c.dep_ == "prt" and c.lower_ == "out" for c in token.children)
    return True


def verb_phrase(verb: "Token") -> str:
    """The verb with its particle: "pointed out", "said"."""
    particles = [c.text for c in verb.children if c.dep_ == "prt"]
    return " ".join([verb.text, *particles])


def subject_of(verb: "Token") -> "Token | None":
    """The active subject of `verb`, looking through coordinated verbs ("said and added")."""
    current = verb
    for _ in range(3):
        # Two subjects happen when the parser splits an apposition ("media
        # outlet The Harbour Gazette published"); the one next to the verb is
        # the name.
        subjects = [c for c in current.children if c.dep_ == "nsubj"]
        if subjects:
            return max(subjects, key=lambda c: c.i) if subjects[-1].i < current.i else subjects[0]
        if current.dep_ != "conj" or current.head.i == current.i:
            return None
        current = current.head
    return None


def leading_name(sent: "Span", verb: "Token", entities: Sequence[Entity]) -> Referent | None:
    """The first person (else organisation) named before `verb` in its sentence.

    A fallback for parses that lose the subject: after a long fronted phrase
    ("At an international symposium in Lyon, France, Amara Okafor, a
    professor ..., remarked") the small model attaches the name to the place.
    """
    before = [e for e in entities if sent.start_char <= e.start and e.end <= verb.idx]
    for label in ("PERSON", "ORG"):
        named = [e for e in before if e.label == label]
        if named:
            first = named[0]
            return Referent(first.text, first.start, first.end, first.canonical or first.text,
                            first.kb_id, first.kind or ("person" if label == "PERSON" else "organization"),
                            "entity")
    return None


def _token_at(doc: "Doc", char: int) -> "Token | None":
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    return span[0] if span is not None and len(span) else None


def _speaker_before(
    doc: "Doc", text: str, marked: QuotedSpan, entities: Sequence[Entity], kb: KnowledgeBase
) -> tuple[Referent | None, str] | None:
    mark = _token_at(doc, marked.open)
    if mark is None:
        return None
    sent = mark.sent
    lead = text[sent.start_char:marked.open].rstrip()
    verbs = [t for t in sent if t.i < mark.i and mark.i - t.i <= MAX_LEAD_GAP and is_speech_verb(t)]
    right_after_verb = bool(verbs) and verbs[-1].i == mark.i - 1
    if not (lead.lower().endswith(_LEAD_ENDINGS) or right_after_verb):
        return None
    if not verbs:
        return _according_to(sent, mark, entities, kb)
    verb = verbs[-1]
    subject = subject_of(verb)
    found = referent(subject, entities, kb) if subject is not None else leading_name(sent, verb, entities)
    return found, verb_phrase(verb)


def _according_to(
    sent: "Span", mark: "Token", entities: Sequence[Entity], kb: KnowledgeBase
) -> tuple[Referent | None, str] | None:
    for token in sent:
        if token.i >= mark.i:
            break
        if token.lower_ == "according" and token.nbor(1).lower_ == "to":
            objects = [c for c in token.nbor(1).children if c.dep_ == "pobj"]
            if objects:
                return referent(objects[0], entities, kb), "according to"
    return None


def _speaker_after(
    doc: "Doc", text: str, marked: QuotedSpan, entities: Sequence[Entity], kb: KnowledgeBase
) -> tuple[Referent | None, str] | None:
    inside = text[marked.open + 1:marked.close].rstrip()
    after = text[marked.close + 1:marked.close + 3].lstrip()
    if not (inside.endswith(_CLOSING_PUNCT) or after.startswith(_CLOSING_PUNCT)):
        return None
    mark = _token_at(doc, marked.close)
    if mark is None:
        return None
    for token in doc[mark.i + 1:mark.i + 8]:
        if token.is_sent_start and token.i > mark.i + 1 or token.text in {'"', "“", "”", "‘", "’"}:
            break
        if is_speech_verb(token):
            subject = subject_of(token)
            if subject is None or subject.idx < marked.close:
                return None
            return referent(subject, entities, kb), verb_phrase(token)
    return None


def _continues(text: str, previous: Quote, marked: QuotedSpan) -> bool:
    """Whether a quote picks up right after the speaker tag of the previous one.

    ``“A,” he said. “B.”`` and ``"A," Trump said at a rally. "B."``: the words
    between the two quotes are the first one's attribution, so the second
    has the same speaker.
    """
    if previous.speaker is None:
        return False
    between = text[previous.end:marked.open]
    return (
        "\n" not in between
        and len(between) <= 120
        and previous.end <= previous.speaker_start < marked.open
    )


def _antecedent(pronoun: Referent, entities: Sequence[Entity], quotes: Sequence[Quote]) -> Referent:
    """The last person named or quoted before a pronoun speaker."""
    candidates: list[tuple[int, str, str | None]] = [
        (e.start, e.canonical or e.text, e.kb_id)
        for e in entities if e.label == "PERSON" and e.end <= pronoun.start
    ]
    candidates += [
        (q.speaker_start, q.speaker, q.kb_id)
        for q in quotes
        if q.speaker and 0 <= q.speaker_start < pronoun.start and not _is_org_speaker(q, entities)
    ]
    if not candidates:
        return pronoun
    _, name, kb_id = max(candidates, key=lambda c: c[0])
    return Referent(pronoun.text, pronoun.start, pronoun.end, name, kb_id, "person", "coref")


def _is_org_speaker(quote: Quote, entities: Sequence[Entity]) -> bool:
    return any(
        e.start == quote.speaker_start and e.label != "PERSON" for e in entities
    )


def _reads_like_speech(doc: "Doc", start: int, end: int, min_words: int) -> bool:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return False
    words = [t for t in span if t.is_alpha]
    finite = any(t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in span)
    return len(words) >= min_words and finite


# --- pages with no parser (French, German, Spanish) ---------------------------------------------
#
# No dependency parse: the speaker is found from the words around the marks, with the language's quote
# marks and reporting verbs as data (extract/lang/<lang>/quotes.yaml):
# - after: ``« ... », a déclaré Jean Dupont``, ``„...“, sagte Scholz``, ``«...», dijo la ministra Ana
#   Ruiz``: a reporting verb right after the closing mark, then the first name within the sentence;
#   an inverted pronoun (``a-t-il déclaré``, ``sagte er``) means the speaker named before;
# - before: ``Ana Ruiz afirmó: «...»``: the words before the mark end in a colon and hold a reporting
#   verb; the speaker is the name nearest before that verb.
# Quoted words with no speaker are kept when they are five words or more (scare quotes are shorter).

_AFTER_WINDOW = 80  # characters after a closing mark where its reporting verb and speaker must be


@dataclass(frozen=True)
class NamedSpan:
    """A name in the page (a KB entity or a capitalised run): who may be a speaker."""

    start: int
    end: int
    name: str
    kb_id: str | None = None


def quote_data(lang: str) -> dict | None:
    from . import langdata

    return langdata.table(lang, "quotes") if langdata.has(lang, "quotes") else None


def _marked_pairs(text: str, marks: Sequence[Sequence[str]]) -> list[QuotedSpan]:
    found: list[QuotedSpan] = []
    for opening, closing in marks:
        pairs = _straight_doubles(text) if opening == closing == '"' else _curly_pairs_distinct(text, opening, closing)
        for q in pairs:
            if not any(o.open <= q.open <= o.close or q.open <= o.open <= q.close for o in found):
                found.append(q)  # outermost first: a mark pair inside another is part of its quote
    return sorted(found, key=lambda q: q.open)


def _curly_pairs_distinct(text: str, opening: str, closing: str) -> Iterator[QuotedSpan]:
    # Like _curly_pairs, for marks where the closing one of a language is the opening one of another
    # (German „…“ closes with English's opening “): only an opening mark starts a pair.
    start = -1
    for i, ch in enumerate(text):
        if ch == opening and start < 0:
            start = i
        elif ch == closing and start >= 0:
            yield QuotedSpan(start, i, single=False)
            start = -1
        elif ch == "\n":
            start = -1  # a quote does not run across paragraphs here


def _verb_at(text: str, pos: int, verbs: Sequence[str]) -> str | None:
    lower = text[pos:pos + 40].lower()
    for verb in verbs:
        if lower.startswith(verb.lower()) and (len(lower) == len(verb) or not lower[len(verb)].isalpha()):
            return text[pos:pos + len(verb)]
    return None


def find_quotes_intl(text: str, lang: str, names: Sequence[NamedSpan],
                     sentences: Sequence[tuple[int, int]] = (),
                     *, min_words: int = MIN_UNATTRIBUTED_WORDS) -> list[Quote]:
    """Direct quotations in a page in `lang` (one with quotes.yaml), with speakers where the words
    around the marks give one. `names` are the page's names in text order."""
    data = quote_data(lang)
    if not data:
        return []
    marks = [tuple(pair) for pair in data.get("marks") or []]
    verbs = sorted((str(v) for v in data.get("verbs") or []), key=len, reverse=True)
    pronouns = {str(p).lower() for p in data.get("pronouns") or []}
    quotes: list[Quote] = []
    for marked in _marked_pairs(text, marks):
        start, end = _inner_bounds(text, marked)
        if end <= start:
            continue
        inner = text[start:end]
        sentence_end = next((e for s, e in sentences if s <= marked.close < e), len(text))
        speaker = _speaker_after_intl(text, marked.close + 1, min(sentence_end, marked.close + 1 + _AFTER_WINDOW),
                                      verbs, pronouns, names, quotes)
        if speaker is None:
            speaker = _speaker_before_intl(text, marked.open, verbs, names, sentences)
        if speaker is None:
            if len(re.findall(r"[^\W\d_]+", inner)) < min_words:
                continue  # a scare quote or a title, not speech
            quotes.append(Quote(start, end, inner, None))
            continue
        name, cue = speaker
        quotes.append(Quote(start, end, inner, name.name, name.kb_id, name.start, name.end, cue))
    return quotes


def _speaker_after_intl(text: str, pos: int, limit: int, verbs: Sequence[str], pronouns: set[str],
                        names: Sequence[NamedSpan], quotes: Sequence[Quote]) -> tuple[NamedSpan, str] | None:
    m = re.match(r"[\s,.!?…—–-]*", text[pos:limit])
    at = pos + (m.end() if m else 0)
    verb = _verb_at(text, at, verbs)
    inverted = re.match(r"(\w+)-t?-?(\w+)\s+(\w+)", text[at:limit])
    if verb is None and inverted and inverted.group(2).lower() in pronouns \
            and f"{inverted.group(1)} {inverted.group(3)}".lower() in {v.lower() for v in verbs}:
        # "a-t-il ajouté": the auxiliary and its pronoun inverted around the verb; the speaker is the
        # one named before
        return _named_before(pos, names, quotes, inverted.group(0))
    if verb is None:
        # "« ... », Jean Dupont a déclaré": a name, then its verb
        name = next((n for n in names if n.start == at and n.end < limit), None)
        if name is not None:
            after = re.match(r"\s*", text[name.end:limit])
            cue = _verb_at(text, name.end + (after.end() if after else 0), verbs)
            if cue is not None:
                return name, cue
        return None
    after_verb = at + len(verb)
    tail = text[after_verb:limit]
    pronoun = re.match(r"(-t-\w+|-\w+|\s+\w+)", tail)
    bare = {p.strip("-").lower().removeprefix("t-") for p in pronouns}
    if pronoun and pronoun.group(1).strip(" -").lower().removeprefix("t-") in bare:
        return _named_before(pos, names, quotes, verb)  # "dit-elle", "sagte er"
    name = next((n for n in names if after_verb <= n.start < limit), None)
    if name is not None:
        return name, verb
    # a surname the page does not otherwise know: "sagte Scholz", "a déclaré Macron" (a capital right
    # after the verb; after an article it is a title, "sagte die Ministerin", not a name)
    run = re.match(r"\s+((?:[A-ZÄÖÜÉÁÍÓÚÈ][\w’'-]+)(?:\s+[A-ZÄÖÜÉÁÍÓÚÈ][\w’'-]+){0,3})", text[after_verb:limit])
    if run:
        first = after_verb + run.start(1)
        return NamedSpan(first, first + len(run.group(1)), run.group(1)), verb
    return None


def _named_before(pos: int, names: Sequence[NamedSpan], quotes: Sequence[Quote],
                  verb: str) -> tuple[NamedSpan, str] | None:
    """The last name or speaker before `pos`, for a pronoun speaker; the cue says it was not written there."""
    before = [n for n in names if n.end <= pos] + [NamedSpan(q.speaker_start, q.speaker_end, q.speaker, q.kb_id)
                                                 for q in quotes if q.speaker and 0 <= q.speaker_start < pos]
    return (max(before, key=lambda n: n.start), f"{verb} (coref)") if before else None


def _speaker_before_intl(text: str, open_mark: int, verbs: Sequence[str], names: Sequence[NamedSpan],
                         sentences: Sequence[tuple[int, int]]) -> tuple[NamedSpan, str] | None:
    lead_start = next((s for s, e in sentences if s <= open_mark < e), max(0, open_mark - 200))
    lead = text[lead_start:open_mark].rstrip()
    if not lead.endswith(":"):
        return None
    lower = lead.lower()
    cue = None
    for verb in verbs:
        if len(verb) < 3:
            continue  # short cues ("so") only follow a quote
        found = re.search(rf"(?<!\w){re.escape(verb.lower())}(?!\w)", lower)
        if found and (cue is None or found.start() > cue[0]):
            cue = (found.start(), text[lead_start + found.start():lead_start + found.end()])
    if cue is None:
        return None
    at = lead_start + cue[0]
    before = [n for n in names if lead_start <= n.start and n.end <= at]
    if before:
        return before[-1], cue[1]
    after = [n for n in names if at < n.start and n.end <= open_mark]
    return (after[0], cue[1]) if after else None
