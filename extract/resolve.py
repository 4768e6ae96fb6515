"""Resolution inside one article: turn each attribution phrase into a source.

`attribute_sentences` finds who a sentence's content comes from as a phrase of
the text ("the Fund's economists", "the new report by the Example Research
Service (ERS"). This module decides what that phrase names, using only the
article and the KB:

- the phrase is normalised (determiners, "latest"/"new", possessives, a
  bracket left open or closed at the end, edge punctuation);
- acronyms the article defines ("the Bureau of Labor Statistics (BLS)",
  "BLS (Bureau of Labor Statistics)") are read once per article
  (`find_acronyms`) and expand a bare "BLS" to its long form;
- people and groups point to their organisation: "researchers at MIT",
  "agency scientists", "the Fund's economists", "Jane Roe, the bank's chief
  economist". The organisation becomes the source's `name`, the person or
  group its `speaker`;
- works point to their publishers: "a study by MIT and Hugging Face", "the
  Fund's flagship report". `work` is the kind from the head noun, `publisher`
  the organisation;
- a phrase that names nothing (a number, a path, respondents such as "42% of
  people", a bare "the researchers") gives no attribution at all.

Organisations pointed to by a head word alone ("the Bureau", "the agency")
resolve to the last organisation named earlier in the same article whose name
ends in, or contains, that word; without one the phrase stays unresolved.
Everything here is general: the word lists are language data
(`extract/lang/en/*.yaml`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, TypedDict

from .kb import KnowledgeBase, name_key
from .langdata import table, words
from .records import SOURCE_KINDS, Attribution, Entity

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span

LANG = "en"
# Works kinds as the output contract's source kinds (Attribution.kind).
_WORK_SOURCE_KIND = {"study": "study", "report": "study", "forecast": "study", "article": "study",
                     "press_release": "study", "survey": "dataset", "dataset": "dataset",
                     "index": "leaderboard", "ranking": "leaderboard"}
_KB_WORK_KIND = {"study": "report", "dataset": "dataset", "leaderboard": "ranking"}
_ORG_LABELS = ("ORG",)
_ORG_KINDS = ("organization", "outlet", "study", "dataset", "leaderboard")


class _Lexicon(TypedDict):
    """The English word lists resolution reads (`extract/lang/en/*.yaml`)."""

    work: dict[str, str]  # head noun -> work kind
    groups: frozenset[str]
    org_heads: frozenset[str]
    non_source: frozenset[str]
    titles: frozenset[str]
    fillers: re.Pattern[str]


@functools.lru_cache(maxsize=1)
def _data() -> _Lexicon:
    fillers = sorted(words(LANG, "phrase_fillers"), key=lambda w: -len(w))
    return {
        "work": {str(k).lower(): str(v) for k, v in table(LANG, "work_nouns").items()},
        "groups": frozenset(words(LANG, "group_nouns")),
        "org_heads": frozenset(words(LANG, "org_heads")),
        "non_source": frozenset(words(LANG, "non_source_heads")),
        "titles": frozenset(words(LANG, "person_titles")),
        "fillers": re.compile(r"^(?:(?:{})\s+)+".format("|".join(re.escape(f) for f in fillers)), re.IGNORECASE),
    }


def work_kind(noun: str) -> str | None:
    """The work kind a head noun names ("outlook" -> forecast, "poll" -> survey), or None."""
    return _data()["work"].get(noun.lower())


# --- the phrase ------------------------------------------------------------------------

_OPEN_BRACKET_TAIL = re.compile(r"\s*[(\[][^()\[\]]*$")
_CLOSED_BRACKET_TAIL = re.compile(r"\s*\([^()]*\)\s*$")
_EDGE = " \t\r\n,;:.!?\"'“”‘’«»-–—/"
_POSSESSIVE = re.compile(r"(?<=\w)['’]s?$")


def normalise_phrase(raw: str) -> str:
    """A source phrase as a name: "the Bureau's" -> "Bureau", "the new report by X (ERS" -> "report by X".

    Drops leading determiners and time words ("the latest", "a new"), a bracket
    left open at the end (truncated "(ERS") or a closed one ("(WHO)", recorded
    as an acronym instead), a possessive ending, and edge punctuation.
    """
    text = " ".join(raw.split())
    for _ in range(3):  # brackets, punctuation and possessives can nest: "the Agency's (IEA)."
        before = text
        text = _OPEN_BRACKET_TAIL.sub("", text)
        text = _CLOSED_BRACKET_TAIL.sub("", text)
        text = text.strip(_EDGE)
        text = _POSSESSIVE.sub("", text)
        text = _data()["fillers"].sub("", text)
        if text == before:
            break
    return text.strip(_EDGE)


# --- acronyms --------------------------------------------------------------------------

_FUNCTION_WORDS = frozenset(("of for and the on in to at de du des la le les et pour sur en au aux del y para por con "
                             "und für der die das von vom zur zum im am").split())
_LONG_THEN_SHORT = re.compile(r"\(\s*([A-Z][A-Za-z0-9&.\-]{1,11})\s*[)\],;]")
_SHORT_THEN_LONG = re.compile(r"\b([A-Z][A-Za-z&.\-]{1,10})\s*\(\s*([A-Z][^()]{3,90}?)\s*\)")
_WORD = re.compile(r"[^\W\d_][\w'’&.-]*")


def find_acronyms(text: str) -> list[dict[str, str]]:
    """Acronyms the text defines: "Bureau of Labor Statistics (BLS)" and "BLS (Bureau of Labor Statistics)".

    The long form's initials, function words optional, must spell the short
    form's capitals; "(2024)" or "(up 3%)" define nothing.

    Returns:
        [{"short": "BLS", "long": "Bureau of Labor Statistics"}, ...], first definition of each short form.
    """
    found: dict[str, str] = {}
    for match in _LONG_THEN_SHORT.finditer(text):
        short = match.group(1).rstrip(".")
        before = text[max(0, match.start() - 160):match.start()]
        long_form = _long_form(before, short)
        if long_form and short not in found:
            found[short] = long_form
    for match in _SHORT_THEN_LONG.finditer(text):
        short, inside = match.group(1).rstrip("."), match.group(2)
        long_form = _long_form(inside, short, anchored=True)
        if long_form and short not in found:
            found[short] = long_form
    return [{"short": s, "long": long_form} for s, long_form in found.items()]


def _letters(short: str) -> str:
    capitals = [c for c in short if c.isupper()]
    return "".join(capitals) if len(capitals) >= 2 else ""


def _long_form(before: str, short: str, *, anchored: bool = False) -> str | None:
    """The words ending `before` whose initials spell `short` (all of `before` when anchored)."""
    letters = _letters(short).lower()
    if not letters:
        return None
    tokens = [m for m in _WORD.finditer(before)]
    if anchored:
        chosen = _spell(tokens, letters)
        return before[tokens[0].start():tokens[-1].end()] if chosen and chosen == len(tokens) else None
    # Only the words right before the bracket: the phrase may not jump over punctuation.
    tail = before.rstrip()
    if tail and not (tail[-1].isalnum() or tail[-1] in "’'"):
        return None
    for size in range(len(letters), min(len(tokens), 2 * len(letters) + 2) + 1):
        window = tokens[-size:]
        if window[0].group().lower() in _FUNCTION_WORDS:
            continue
        if _spell(window, letters) == len(window):
            return before[window[0].start():window[-1].end()]
    return None


def _base(ch: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", ch)[0]


def _spell(tokens: Sequence[re.Match[str]], letters: str) -> int:
    """How many tokens spell `letters` by their initials, function words optional (0 if they do not)."""

    @functools.cache
    def go(i: int, j: int) -> bool:
        if i == len(tokens):
            return j == len(letters)
        # French elision: "l'Emploi" gives its E, "d'Études" its É.
        lower = re.sub(r"^[ld]['’]", "", tokens[i].group().lower())
        if lower in _FUNCTION_WORDS and go(i + 1, j):
            return True
        # "Co-operation" may give one letter or two ("OECD": Co-operation -> C).
        return j < len(letters) and bool(lower) and _base(lower[0]) == letters[j] and go(i + 1, j + 1)

    return len(tokens) if tokens and go(0, 0) else 0


# --- resolution ---------------------------------------------------------------------------


def resolve_attributions(
    doc: "Doc",
    attributions: Sequence[Attribution | None],
    entities: Sequence[Entity],
    kb: KnowledgeBase,
    acronyms: Sequence[dict[str, str]] | None = None,
) -> list[Attribution | None]:
    """Each attribution resolved to a source (or dropped when it names none), in order.

    Args:
        doc: the parsed article.
        attributions: `attribute_sentences` output, one per sentence.
        entities: the article's name entities.
        kb: the knowledge base.
        acronyms: `find_acronyms(doc.text)`; computed when not given.
    """
    expand = {a["short"]: a["long"] for a in (acronyms if acronyms is not None else find_acronyms(doc.text))}
    resolver = _Resolver(doc, entities, kb, expand)
    done: dict[tuple[int, int, str, str], Attribution | None] = {}
    out: list[Attribution | None] = []
    for attribution in attributions:
        if attribution is None:
            out.append(None)
            continue
        key = (attribution.start, attribution.end, attribution.name, attribution.cue)
        if key not in done:
            done[key] = resolver.resolve(attribution)
        out.append(done[key])
    return out


def article_resolver(doc: "Doc", entities: Sequence[Entity], kb: KnowledgeBase,
                     acronyms: Sequence[dict[str, str]] | None = None) -> "_Resolver":
    """A resolver for one article; `resolver.resolve(attribution)` gives the source or None."""
    expand = {a["short"]: a["long"] for a in (acronyms if acronyms is not None else find_acronyms(doc.text))}
    return _Resolver(doc, entities, kb, expand)


class _Resolver:
    def __init__(self, doc: "Doc", entities: Sequence[Entity], kb: KnowledgeBase, acronyms: dict[str, str]):
        self.doc, self.text, self.kb, self.acronyms = doc, doc.text, kb, acronyms
        self.entities = list(entities)
        self.orgs = [e for e in self.entities if e.label in _ORG_LABELS or e.kind in _ORG_KINDS]

    # The one entry point: keep KB hits, fix the rest.
    def resolve(self, a: Attribution) -> Attribution | None:
        raw = self.text[a.start:a.end] if 0 <= a.start < a.end <= len(self.text) else a.name
        a = replace(a, raw=a.raw or raw)
        if a.inferred:
            return a
        if a.kind == "link":
            # A link is a source only when it names a site: "/data" or "#notes" names nothing.
            return a if re.search(r"[\w-]+\.[a-z]{2,}", a.name, re.IGNORECASE) else None
        span = self.doc.char_span(a.start, a.end, alignment_mode="expand") if a.start >= 0 else None
        if a.kb_id is not None:
            return self._known(a, span)
        if span is None or not len(span):
            return a
        if _names_nothing(span):
            return None
        if a.kind == "person":
            return self._person(a, span)
        return self._phrase(a, span)

    def _known(self, a: Attribution, span: "Span | None") -> Attribution:
        entry = self.kb.get(a.kb_id)
        if entry is None:
            return a
        if a.work is not None:
            return a  # a work already tied to its publisher where it was found ("a report by the IEA")
        if entry.kind in _KB_WORK_KIND:
            publishers = [p.name for p in (self.kb.get(i) for i in entry.publishers) if p]
            head = _head_work(span) if span is not None else None
            return replace(a, work=head or _KB_WORK_KIND[entry.kind],
                           publisher=" and ".join(publishers) or None)
        groups = _data()["groups"]
        if span is not None and len(span) and entry.kind != "person" and (
                span.root.lower_ in groups or span.root.lemma_.lower() in groups):
            # "Researchers at MIT", "IMF economists": the organisation speaks through them.
            return replace(a, name=entry.name, kind=_source_kind(entry.kind) or "organization",
                           speaker=normalise_phrase(span.text), publisher=entry.name)
        head = _head_work(span) if span is not None else None
        if head is not None:
            # "a new report by the International Energy Agency": the body is the source, the report its work.
            return replace(a, work=head, publisher=entry.name)
        if entry.kind == "person":
            # A named person speaks for an organisation only when the article says so
            # ("X, the bank's chief economist"); a KB employer is not enough.
            org = self._affiliation(a)
            return self._as_org(a, org, speaker=entry.name) if org else replace(a, speaker=entry.name)
        return a

    def _person(self, a: Attribution, span: "Span") -> Attribution | None:
        """"Jane Roe, the bank's chief economist": the bank is the source, Jane Roe the speaker."""
        head = span.root
        if head.lower_ in _data()["groups"] or head.lemma_.lower() in _data()["groups"]:
            return self._group(a, span)
        org = self._affiliation(a)
        if org is None:
            return replace(a, speaker=a.name)
        return self._as_org(a, org, speaker=a.name)

    def _phrase(self, a: Attribution, span: "Span") -> Attribution | None:
        head = span.root
        lower, lemma = head.lower_, head.lemma_.lower()
        groups = _data()["groups"]
        if lower in groups or lemma in groups:
            return self._group(a, span)
        kind = work_kind(lower) or work_kind(lemma)
        if kind is not None:
            return self._work(a, span, kind)
        name = normalise_phrase(a.name)
        if not name or not any(ch.isalpha() for ch in name):
            return None
        expanded = self.acronyms.get(name)
        if expanded:
            return self._named(a, expanded)
        match = self.kb.resolve(name)
        if match is not None:
            return replace(a, name=match.name, kb_id=match.id, kind=_source_kind(match.kind) or a.kind)
        if lower in _data()["org_heads"] and _is_pointer(span):
            org = self._earlier_org(lower, a.start)
            if org is None:
                return None  # "the agency" with no agency named before
            return self._as_org(a, org)
        return replace(a, name=name)

    def _named(self, a: Attribution, long_form: str) -> Attribution:
        match = self.kb.resolve(long_form)
        if match is not None:
            return replace(a, name=match.name, kb_id=match.id, kind=_source_kind(match.kind) or a.kind)
        return replace(a, name=long_form)

    def _group(self, a: Attribution, span: "Span") -> Attribution | None:
        """"researchers at MIT", "agency scientists", "the Fund's economists", "IMF economists"."""
        speaker = normalise_phrase(span.text)
        org = self._org_inside(span, a)
        if org is None:
            pointer = next((t for t in span if t.i < span.root.i and t.lower_ in _data()["org_heads"]), None)
            if pointer is not None:
                org = self._earlier_org(pointer.lower_, a.start)
        if org is None:
            # A bare "the researchers" or "officials" names nobody; "health officials" still describes someone.
            described = any(c.dep_ in ("amod", "compound", "nmod") for c in span.root.children)
            return replace(a, name=speaker, speaker=speaker) if described else None
        return self._as_org(a, org, speaker=speaker)

    def _work(self, a: Attribution, span: "Span", kind: str) -> Attribution | None:
        """"a study by MIT and Hugging Face", "the Fund's flagship report", "customs data"."""
        orgs = self._orgs_in(span)
        if not orgs:
            pointer = next((t for t in span if t.i < span.root.i and t.lower_ in _data()["org_heads"]), None)
            earlier = self._earlier_org(pointer.lower_, a.start) if pointer is not None else None
            orgs = [earlier] if earlier is not None else []
        source_kind = _WORK_SOURCE_KIND.get(kind, a.kind)
        if not orgs:
            name = normalise_phrase(a.name)
            if not name or name.lower() in _data()["work"]:
                return None  # a bare "the report": nothing to resolve it to
            return replace(a, name=name, work=kind, kind=source_kind)
        if len(orgs) == 1:
            org_name, kb_id = orgs[0]
            return replace(a, name=org_name, kb_id=kb_id or a.kb_id, work=kind, publisher=org_name, kind=source_kind)
        publisher = " and ".join(dict.fromkeys(n for n, _ in orgs))
        return replace(a, name=f"{publisher} {kind.replace('_', ' ')}", work=kind, publisher=publisher,
                       kind=source_kind)

    # --- organisations --------------------------------------------------------------

    def _as_org(self, a: Attribution, org: tuple[str, str | None], *, speaker: str | None = None) -> Attribution:
        name, kb_id = org
        entry = self.kb.get(kb_id)
        kind = _source_kind(entry.kind) if entry else "organization"
        return replace(a, name=name, kb_id=kb_id, kind=kind or "organization", speaker=speaker, publisher=name)

    def _orgs_in(self, span: "Span") -> list[tuple[str, str | None]]:
        """Organisations named inside a phrase, expanded through the article's acronyms."""
        out: dict[tuple[str, str | None], None] = {}
        for e in self.entities:
            if span.start_char <= e.start and e.end <= span.end_char and (e.label in _ORG_LABELS or e.kind in _ORG_KINDS):
                if e.kind == "person":
                    continue
                bare = normalise_phrase(e.text).lower()
                if e.kb_id is None and bare in _data()["org_heads"]:
                    # "Agency scientists" tagged as a name: the word points back to an agency named before.
                    earlier = self._earlier_org(bare, span.start_char)
                    if earlier is not None:
                        out[earlier] = None
                    continue
                out[self._org_name(e)] = None
        return list(out)

    def _org_inside(self, span: "Span", a: Attribution) -> tuple[str, str | None] | None:
        orgs = self._orgs_in(span)
        if orgs:
            return orgs[0]
        # "researchers at MIT" may end before the organisation when the parser stops the phrase early.
        after = self.doc.char_span(span.end_char, min(len(self.text), span.end_char + 80), alignment_mode="contract")
        if after is not None and len(after) and after[0].lower_ in ("at", "from", "with", "of"):
            for e in self.orgs:
                if after.start_char <= e.start < after.start_char + 60 and e.kind != "person":
                    return self._org_name(e)
        return None

    def _org_name(self, e: Entity) -> tuple[str, str | None]:
        if e.kb_id:
            entry = self.kb.get(e.kb_id)
            if entry is not None:
                return entry.name, entry.id
        text = normalise_phrase(e.text)
        long_form = self.acronyms.get(text)
        if long_form:
            match = self.kb.resolve(long_form)
            return (match.name, match.id) if match else (long_form, None)
        return e.canonical or text, e.kb_id

    def _earlier_org(self, word: str, before: int) -> tuple[str, str | None] | None:
        """The last organisation named before `before` whose name has `word` ("Bureau" -> Bureau of ...)."""
        word = word.lower()
        candidates = [e for e in self.orgs if e.end <= before and e.kind != "person"]
        for e in reversed(candidates):
            name, kb_id = self._org_name(e)
            if word in {w.lower() for w in re.findall(r"\w+", name)}:
                return name, kb_id
            entry = self.kb.get(kb_id)
            if entry is not None and any(word in {w.lower() for w in re.findall(r"\w+", alias)}
                                         for alias in entry.aliases):
                return name, kb_id
        return None

    def _affiliation(self, a: Attribution) -> tuple[str, str | None] | None:
        """The organisation a person speaks for, as the article introduces them: the apposition after the
        name (", chief economist at the IMF", ", the bank's chief economist", ", Director, Example
        Institute") or a title before it ("Example Institute Director Jane Doe", "the bureau's commissioner
        Jane Doe"), where the source is named or at the person's other mentions in the article (a person
        is introduced once, then quoted by surname)."""
        for n, (start, end) in enumerate(self._person_spans(a)):
            # At the name the source is given with, any apposition naming a body ties them; elsewhere only
            # a title does ("Jane Doe, a professor at X" introduces her, her words need not be X's).
            org = self._after_name(start, end, titled=n > 0 or a.start < 0) or self._before_name(start)
            if org is not None:
                return org
        return None

    def _person_spans(self, a: Attribution) -> list[tuple[int, int]]:
        """Where the article names the person: the attribution's own span, then each person entity that
        shares the name's last word (the surname), in text order."""
        spans = [(a.start, a.end)] if 0 <= a.start < a.end else []
        words_of = re.findall(r"[^\W\d_][\w'’-]*", a.name)
        if words_of:
            surname = words_of[-1].lower()
            for e in self.entities:
                if e.label == "PERSON" and (e.start, e.end) not in spans:
                    found = re.findall(r"[^\W\d_][\w'’-]*", e.text)
                    if found and found[-1].lower() == surname:
                        spans.append((e.start, e.end))
        return spans

    def _after_name(self, name_start: int, name_end: int, *, titled: bool = False) -> tuple[str, str | None] | None:
        tail = self.text[name_end:name_end + 140]
        match = re.match(r"\s*,\s*([^,;:()“”\"]{3,120})", tail)
        if not match:
            return None
        if titled and not self._has_title(match.group(1)):
            return None
        start, end = name_end + match.start(1), name_end + match.end(1)
        if self._is_title(match.group(1)):
            # "Jane Doe, Director, Example Institute": a bare title, then the body in the next segment.
            nxt = re.match(r"\s*,\s*([^,;:()“”\"]{3,80})", self.text[end:end + 100])
            if nxt:
                start, end = end + nxt.start(1), end + nxt.end(1)
        inside = [e for e in self.orgs if start <= e.start and e.end <= end and e.kind != "person"]
        if inside:
            return self._org_name(inside[0])
        segment = self.text[start:end]
        words_after = re.findall(r"\w+", segment.lower())
        pointer = next((w for w in words_after if w in _data()["org_heads"]), None)
        if pointer is not None and re.search(r"\b(?:the|its|this)\s+" + pointer + r"['’]?s?\b", segment.lower()):
            return self._earlier_org(pointer, name_start)
        return None

    def _before_name(self, name_start: int) -> tuple[str, str | None] | None:
        """"Example Institute Director Jane Doe", "the Fund's chief economist Jane Doe", "agency director
        Jane Doe" (a head word pointing back at an agency named before)."""
        head = self.text[max(0, name_start - 160):name_start]
        # the title: the longest run of title words right before the name (at most five)
        title_start = None
        for match in re.finditer(r"[^\W\d_][\w.-]*(?=\s*,?\s*$|\s+)", head):
            if self._is_title(head[match.start():]) and len(head[match.start():].split()) <= 5:
                title_start = name_start - len(head) + match.start()
                break
        if title_start is None:
            return None
        before = re.sub(r"['’]s\s*$", "", self.text[:title_start].rstrip()) + " "
        for e in reversed(self.orgs):
            if e.kind == "person" or e.end > title_start:
                continue
            if e.end >= len(before.rstrip()) - 1 and e.end <= title_start:
                bare = normalise_phrase(e.text).lower()
                if e.kb_id is None and bare in _data()["org_heads"]:
                    return self._earlier_org(bare, e.start)
                return self._org_name(e)
            break
        pointer = re.search(r"(?:^|\s)(?:the\s+|its\s+)?([^\W\d_]+)\s*$", before)
        if pointer is not None and pointer.group(1).lower() in _data()["org_heads"]:
            return self._earlier_org(pointer.group(1).lower(), title_start)
        return None

    @staticmethod
    def _has_title(phrase: str) -> bool:
        found = {re.sub(r"['’]s$", "", w.strip(".,")).lower() for w in phrase.split()}
        return bool(found & (_data()["titles"] - {"and", "of"}))

    @staticmethod
    def _is_title(phrase: str) -> bool:
        """Every word is a title word and one is not a joining word: "Executive Director", "chief economist"."""
        found = [w.strip(".,").lower() for w in phrase.split()]
        titles = _data()["titles"]
        return bool(found) and all(w in titles for w in found) and any(
            w not in ("and", "of") for w in found)


def _source_kind(kind: str | None) -> str | None:
    if kind == "place":
        return "organization"
    return kind if kind in SOURCE_KINDS else None


def _head_work(span: "Span | None") -> str | None:
    if span is None or not len(span):
        return None
    head = span.root
    if head.ent_type_ and head.ent_iob_ != "O" and head.pos_ == "PROPN":
        return None  # a named body ("Agency"), not a work noun
    return work_kind(head.lower_) or work_kind(head.lemma_.lower())


def _is_pointer(span: "Span") -> bool:
    """"the agency", "the Bureau's": a definite head word pointing back, not a name of its own."""
    head = span.root
    if any(c.dep_ in ("compound", "amod", "nmod") for c in head.children):
        return False  # "the port authority", "the harbour board": described, a source of its own
    return any(c.dep_ in ("det", "poss") and c.lower_ in ("the", "this", "its", "that") for c in head.children)


_PATH_OR_NUMBER = re.compile(r"^[\s\d.,%/:+\-–()]*$|^/\S*$|^\S+/\S+$")


def _names_nothing(span: "Span") -> bool:
    """Numbers, paths, respondents and quantities ("56", "/data", "42% of people", "the majority")."""
    text = span.text.strip()
    if _PATH_OR_NUMBER.match(text):
        return True
    head = span.root
    non_source = _data()["non_source"]
    if head.lower_ in non_source or head.lemma_.lower() in non_source:
        return True
    if head.like_num or head.pos_ == "NUM":
        return True
    # "42% of people", "four in ten (38", "June's": a number or a date leads the phrase.
    first = next((t for t in span if not t.is_punct and t.lower_ not in ("the", "a", "only", "about", "around",
                                                                       "almost", "nearly", "some", "just")), None)
    if first is not None and (first.like_num or first.ent_type_ in ("DATE", "PERCENT", "CARDINAL", "QUANTITY",
                                                                     "MONEY", "TIME", "ORDINAL")):
        return True
    return any(t.text == "%" or t.lower_ in ("percent", "per cent") for t in span)


def name_for_compare(name: str) -> str:
    """The key two source names share when they name the same source (for tests and the registry)."""
    return name_key(normalise_phrase(name))
