"""The corpus-wide source registry: every phrase that names a source resolves to one source entity.

Articles name one body many ways: its full name, its acronym, a KB alias, a
near-spelling, a reordering ("the Labor Department", "the Department of
Labor"). The registry gathers every attribution and every citation that names
a source across the corpus and unions the phrases that name the same body:

1. a KB match (id, alias, bounded fuzzy) puts a phrase on its KB entry;
2. an acronym defined in any article ("the Bureau of Labor Statistics (BLS)")
   joins the short and the long form everywhere in the corpus;
3. an appositive description ("the WMO, the UN weather agency, said") makes the
   description an alias of the body it describes, corpus-wide;
4. phrases with the same content words, in any order, are one name;
5. a near-spelling (fuzzy ratio) or a shorter name inside a longer one (one side's
   content words all in the other) joins only when nothing contradicts it: two
   names that each have a content word the other lacks are different bodies
   ("Bureau of Labor Statistics" / "Bureau of Economic Analysis"), whatever
   their similarity; a subset match also needs embedding similarity.

What names nothing (numbers, paths, "the researchers", "the report", a month)
never becomes an entity. Normalisation words are language data
(`extract/lang/<lang>/source_phrases.yaml`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from newstrace.extract import langdata
from newstrace.extract.kb import KnowledgeBase, name_key
from newstrace.extract.records import WORK_KINDS, Annotations, Attribution

from .records import SourceEntity

DATA_NAME = "source_phrases"
# Near-spellings: the KB's own fuzzy floor, on the whole normalised key.
FUZZY_MIN_SCORE = 92.0
FUZZY_MIN_LENGTH = 8
# A shorter name inside a longer one ("Reuters Institute" in "Reuters Institute for the Study of
# Journalism") joins only with at least this many content words and this embedding cosine: one shared
# word is how different bodies of one family are named ("Reuters" the agency, "Reuters Institute").
SUBSET_MIN_WORDS = 2
SUBSET_MIN_COSINE = 0.75
# Acronyms: two to ten capitals (a trailing lowercase letter allowed, e.g. "UNHCR", "NCDs" no).
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]{1,9}$")
_DEFINITION = re.compile(r"((?:[A-Z][\w'’&.-]*[\s,]+(?:(?:of|for|and|the|on|in|de|du|des|la|le|et|del|y|für|und|der|die|das)\s+)*){1,9})"
                         r"\(\s*([A-Z][A-Za-z0-9&-]{1,9})\s*\)")
_APPOSITIVE_TAIL = re.compile(r"^\s*(?:\([A-Z][A-Za-z0-9&-]{1,9}\)\s*)?,\s*([^,.;:()\n]{3,60}?)\s*[,.;]")
_NUMBER = re.compile(r"^[+-]?[\d.,]+%?$")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_PATHLIKE = re.compile(r"(^[/\\.#@])|(://)|(\.(com|org|net|html?|php)\b)", re.I)

Encoder = Callable[[Sequence[str]], np.ndarray]
NOT_BODY_LABELS = ("GPE", "LOC", "NORP", "DATE", "TIME", "CARDINAL", "PERCENT", "MONEY", "QUANTITY", "ORDINAL")
WORK_ENTRY_KINDS = ("study", "dataset", "leaderboard")


@dataclass(frozen=True)
class PhraseWords:
    """The normalisation words of one language."""

    determiners: frozenset[str]
    drop_modifiers: tuple[str, ...]
    generic_heads: frozenset[str]
    work_heads: Mapping[str, str]
    acronym_skip: frozenset[str]
    time_words: frozenset[str]

    @classmethod
    def load(cls, lang: str | None) -> "PhraseWords":
        code = lang if lang and langdata.has(lang, DATA_NAME) else langdata.DEFAULT_LANGUAGE
        data = langdata.table(code, DATA_NAME)
        low = lambda name: frozenset(w.casefold() for w in data.get(name, ()))  # noqa: E731
        return cls(determiners=low("determiners"),
                   drop_modifiers=tuple(sorted((w.casefold() for w in data.get("drop_modifiers", ())),
                                               key=lambda w: -len(w))),
                   generic_heads=low("generic_heads"),
                   work_heads={k.casefold(): v for k, v in (data.get("work_heads") or {}).items()},
                   acronym_skip=low("acronym_skip"), time_words=low("time_words"))


_WORDS: dict[str, PhraseWords] = {}


def phrase_words(lang: str | None = None) -> PhraseWords:
    key = lang or langdata.DEFAULT_LANGUAGE
    if key not in _WORDS:
        _WORDS[key] = PhraseWords.load(lang)
    return _WORDS[key]


# -- one phrase ---------------------------------------------------------------------------------


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()


def normalise_phrase(raw: str, words: PhraseWords | None = None) -> str:
    """The name in a source phrase as written: no determiners, possessive, "latest"/"new", open brackets.

    "the latest IEA outlook's" -> "IEA outlook"; "the Example Research Service (ERS" -> "Example
    Research Service"; "Statistics Canada." -> "Statistics Canada".
    """
    words = words or phrase_words()
    text = re.sub(r"\s+", " ", raw or "").strip()
    # An unbalanced bracket is a cut: keep what comes before it.
    if text.count("(") > text.count(")"):
        text = text[:text.rfind("(")]
    text = re.sub(r"\s*\([^()]*\)\s*$", "", text) if re.search(r"\S\s*\([^()]*\)\s*$", text) else text
    text = text.strip(" \t\"'“”‘’«»,;:.!?-–—")
    text = re.sub(r"['’]s?$", "", text).strip()
    changed = True
    while changed and text:
        changed = False
        lowered = text.casefold()
        first = lowered.split(" ", 1)[0]
        if first in words.determiners and " " in text:
            text, changed = text.split(" ", 1)[1].strip(), True
            continue
        for modifier in words.drop_modifiers:
            if lowered.startswith(modifier + " ") and len(text) > len(modifier) + 1:
                rest = text[len(modifier) + 1:].strip()
                # A capitalised modifier before a capitalised name is part of it ("Quarterly Grain Outlook").
                if text[:1].isupper() and rest[:1].isupper():
                    continue
                text, changed = rest, True
                break
    return text


def content_words(name: str, words: PhraseWords | None = None) -> tuple[str, ...]:
    """The words that tell one name from another: folded, no small words, plural -s dropped."""
    words = words or phrase_words()
    out = []
    for token in re.findall(r"[\w&]+", _fold(name)):
        if token in words.acronym_skip or token in words.determiners:
            continue
        if len(token) > 4 and token.endswith("s") and not token.endswith("ss"):
            token = token[:-1]
        out.append(token)
    return tuple(out)


def work_kind(name: str, words: PhraseWords | None = None) -> str | None:
    """The kind of work a phrase names, from its head noun: "the IEA's outlook" -> forecast."""
    words = words or phrase_words()
    # The head is the last word(s): "Example Research Service" is a body, "IEA research" a work.
    folded = " " + " ".join(re.findall(r"[\w]+", _fold(name)))
    best: tuple[int, str] | None = None
    for head, kind in words.work_heads.items():
        if folded.endswith(" " + head) and (best is None or len(head) > best[0]):
            best = (len(head), kind)
    return best[1] if best else None


# "the Global Outlook released by the Fund last week": the work's name, and who published it.
_WORK_RELEASED_BY = re.compile(r"^(?P<work>.+?)\s+(?:released|published|issued|compiled|produced|conducted|carried out)"
                               r"\s+by\s+(?P<publisher>.+?)(?:\s+(?:last|this|earlier|on|in|at)\b.*)?$")
_WORK_BY = re.compile(r"^(?P<head>[\w\s-]{2,40}?)\s+(?:by|from|of|at|conducted by|published by|released by)\s+"
                      r"(?P<publisher>.+)$")


def split_work(name: str, words: PhraseWords | None = None) -> tuple[str | None, str | None]:
    """("study", "Coastal Health Institute") for "study by the Coastal Health Institute"; else (None, None).

    Only when the words before "by" are a work's head noun with no name of their own (no
    capital): "the Global Outlook by the Fund" keeps its title.
    """
    words = words or phrase_words()
    match = _WORK_BY.match(name)
    if not match:
        return None, None
    head = match.group("head").strip()
    if any(t[:1].isupper() for t in head.split()) or work_kind(head, words) is None:
        return None, None
    publisher = normalise_phrase(match.group("publisher"), words)
    if not names_something(publisher, words):
        return None, None
    return head, publisher


_RELEASED_WHEN = re.compile(r"\s+(?:released|published|issued|unveiled|out)\b(?!\s+by\b).*$")
_OWNER_WORK = re.compile(r"^(?P<owner>(?:[A-Z][\w&.-]*\s+){0,7}[A-Z][\w&.-]*)(?:['’]s?)?\s*(?:\([A-Z][\w&-]{1,9}\))?"
                         r"\s+(?P<tail>[a-z][\w\s-]*)$")


def owners_work(name: str, words: PhraseWords | None = None) -> tuple[str | None, str | None]:
    """("projections", "IEA") for "IEA's projections", "the Fund's flagship report for the region": a
    body's work with no title of its own is that body's, for tracing."""
    words = words or phrase_words()
    match = _OWNER_WORK.match(name)
    if not match:
        return None, None
    tail = match.group("tail").strip()
    # The tail's head noun is a work's ("report", "outlook") and nothing in it is a name.
    head_words = re.split(r"\s+(?:for|on|of|about|into|in)\s+", tail)[0]
    if work_kind(head_words, words) is None:
        return None, None
    owner = match.group("owner").strip()
    if not names_something(owner, words):
        return None, None
    return head_words, owner


def names_something(name: str, words: PhraseWords | None = None, *, sentence_initial: bool = False) -> bool:
    """Whether a normalised phrase can name a source at all.

    Numbers, paths, months, a bare generic noun ("researchers", "the report"), and
    lower-case descriptions with no proper name in them ("a global analysis") name
    nothing. `sentence_initial` says the phrase opens a sentence, so its first
    capital proves nothing.
    """
    words = words or phrase_words()
    if not name or not re.search(r"[^\W\d_]", name) or _PATHLIKE.search(name):
        return False
    tokens = re.findall(r"[\w&'’.%-]+", name)
    if not tokens:
        return False
    if any(_NUMBER.match(t) and not _YEAR.match(t) for t in tokens):
        return False  # "42% of people", "4 in ten": a quantity, not a body
    folded = [_fold(t).strip("'’.") for t in tokens]
    meaningful = [t for t in folded if t not in words.determiners and t not in words.acronym_skip]
    if not meaningful:
        return False
    if all(t in words.generic_heads or t in words.time_words or t.rstrip("s") in words.time_words
           or _YEAR.match(t) for t in meaningful):
        return False
    # A sentence's first word is capitalised anyway; an acronym or an inner capital ("HTO", "StatCan") still names.
    proper = [t for i, t in enumerate(tokens) if t[:1].isupper() and not (
        i == 0 and sentence_initial and not is_acronym(t) and not any(c.isupper() for c in t[1:]))]
    proper = [t for t in proper if _fold(t).strip("'’.") not in words.time_words]
    return bool(proper)


def is_acronym(name: str) -> bool:
    return bool(_ACRONYM.match(name.replace(".", "")))


def initials_match(short: str, long: str, words: PhraseWords | None = None) -> bool:
    """Whether `short` can abbreviate `long`: its letters are the initials of long's words, in order."""
    words = words or phrase_words()
    letters = [c for c in short.replace(".", "").casefold() if c.isalnum()]
    tokens = [t for t in re.findall(r"[\w]+", _fold(long))]
    significant = [t for t in tokens if t not in words.acronym_skip]
    if len(letters) < 2 or not significant:
        return False
    if [t[0] for t in significant] == letters or [t[0] for t in tokens] == letters:
        return True
    # Letters may also come from inside a word ("NCD Risk Factor" forms, "Statistics Canada" = "StatCan" no):
    # allow each word to give one or more leading letters, greedily, all words used in order.
    def fits(i: int, j: int) -> bool:
        if i == len(letters):
            return j == len(significant)
        if j == len(significant):
            return False
        word = significant[j]
        for take in range(1, min(len(word), len(letters) - i) + 1):
            if word[:take] == "".join(letters[i:i + take]) and fits(i + take, j + 1):
                return True
        return False
    return fits(0, 0)


def find_acronyms(text: str, words: PhraseWords | None = None) -> list[dict[str, str]]:
    """Acronyms an article defines as "Long Name (SHORT)", checked against the long name's initials."""
    words = words or phrase_words()
    out: list[dict[str, str]] = []
    for match in _DEFINITION.finditer(text):
        long_words = match.group(1).replace(",", " ").split()
        short = match.group(2)
        if not is_acronym(short):
            continue
        # The long name is the shortest tail of the capitalised run whose initials give the acronym.
        for begin in range(len(long_words) - 1, -1, -1):
            candidate = " ".join(long_words[begin:])
            if long_words[begin].casefold() in words.acronym_skip:
                continue
            if initials_match(short, candidate, words):
                out.append({"short": short, "long": normalise_phrase(candidate, words)})
                break
    return out


def find_appositives(text: str, names: Iterable[tuple[int, int, str]],
                     words: PhraseWords | None = None) -> list[tuple[str, str]]:
    """(description, name) pairs from "NAME, the DESCRIPTION," right after a named body.

    The description must open with a determiner and end in a generic head noun of a body
    ("the UN weather agency", "the country's statistics office"): that is how news
    introduces a body, and the description then names it in other articles too.
    """
    words = words or phrase_words()
    out: list[tuple[str, str]] = []
    for _, end, name in names:
        match = _APPOSITIVE_TAIL.match(text[end:end + 90])
        if not match:
            continue
        description = match.group(1).strip()
        tokens = description.split()
        if len(tokens) < 2 or len(tokens) > 7 or tokens[0].casefold() not in words.determiners:
            continue
        if _fold(tokens[-1]) not in words.generic_heads or any(ch.isdigit() for ch in description):
            continue
        out.append((normalise_phrase(description, words), name))
    return out


_BETWEEN_TITLE = re.compile(r"^[’']?s?\s*((?:[A-Za-z][\w-]*\s+){0,4})$")
_AFTER_COMMA = re.compile(r"^\s*,\s*(?:the |a |an )?((?:[\w-]+\s+){0,5}?)(?:of|at|for|from|with)\s+(?:the\s+)?$", re.I)


def find_affiliations(text: str, persons: Sequence[tuple[int, int, str]],
                      bodies: Sequence[tuple[int, int, str]]) -> list[tuple[str, str]]:
    """(person, body) pairs from how news introduces a speaker: "ORG chief economist NAME" or
    "NAME, director of the ORG". A person quoted for a figure speaks for that body."""
    out: list[tuple[str, str]] = []
    for p_start, p_end, person in persons:
        if len(person.split()) < 2:
            continue  # a full name only: a surname alone is resolved within its article
        for b_start, b_end, body in bodies:
            if b_end <= p_start and p_start - b_end <= 40 and _BETWEEN_TITLE.match(text[b_end:p_start].strip() + " "
                                                                                if text[b_end:p_start].strip() else ""):
                out.append((person, body))
                break
            if b_start >= p_end and b_start - p_end <= 70 and _AFTER_COMMA.match(text[p_end:b_start]):
                out.append((person, body))
                break
    return out


# -- the registry -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourcePhrase:
    """One place in the corpus where a source is named."""

    article: str
    raw: str
    kind: str | None
    kb_id: str | None = None
    publisher: str | None = None
    work: str | None = None
    sentence_initial: bool = False
    language: str | None = None
    written: str = ""  # the record's name as extract gave it (what a mention's SourceRef carries)


@dataclass(frozen=True)
class SourceRegistry:
    """Source entities and the lookup from a phrase (or KB id) to its entity."""

    entities: tuple[SourceEntity, ...] = ()
    by_key: Mapping[str, str] = field(default_factory=dict)  # name_key of a phrase -> entity id
    by_kb: Mapping[str, str] = field(default_factory=dict)  # KB id -> entity id
    # (article id, phrase as written) -> entity id: how each place in the corpus was resolved, which
    # may differ from the phrase alone ("Nielsen" after "Rasmus Kleis Nielsen" is that person's body).
    by_phrase: Mapping[tuple[str, str], str] = field(default_factory=dict)

    def get(self, entity_id: str | None) -> SourceEntity | None:
        if not entity_id:
            return None
        return self._index.get(entity_id)

    @property
    def _index(self) -> dict[str, SourceEntity]:
        cached = self.__dict__.get("_index_cache")
        if cached is None:
            cached = {e.id: e for e in self.entities}
            object.__setattr__(self, "_index_cache", cached)
        return cached

    def lookup(self, name: str | None, kb_id: str | None = None, *, article: str | None = None,
               ) -> SourceEntity | None:
        """The entity a phrase (with its KB id, if extract found one; in `article`, if known) names, or None."""
        if article is not None and name and (article, name) in self.by_phrase:
            return self.get(self.by_phrase[(article, name)])
        if kb_id and kb_id in self.by_kb:
            return self.get(self.by_kb[kb_id])
        if not name:
            return None
        for key in (name_key(name), name_key(normalise_phrase(name))):
            if key and key in self.by_key:
                return self.get(self.by_key[key])
        return None

    def resolve(self, attribution: Attribution | None, article: str | None = None) -> SourceEntity | None:
        if attribution is None or getattr(attribution, "resolved", True) is False:
            return None
        publisher = getattr(attribution, "publisher", None)
        entity = self.lookup(attribution.name, attribution.kb_id, article=article)
        if entity is None and publisher:
            entity = self.lookup(publisher)
        return entity

    def to_dicts(self) -> list[dict[str, Any]]:
        return [entity_dict(e) for e in self.entities]


def entity_dict(entity: SourceEntity) -> dict[str, Any]:
    return {"id": entity.id, "name": entity.name, "kind": entity.kind, "aliases": list(entity.aliases),
            "kb_id": entity.kb_id, "origin": entity.origin, "publisher": entity.publisher,
            "articles": list(entity.articles), "mentions": entity.mentions}


def entity_from_dict(data: Mapping[str, Any]) -> SourceEntity:
    return SourceEntity(id=data["id"], name=data["name"], kind=data.get("kind"),
                        aliases=tuple(data.get("aliases") or ()), kb_id=data.get("kb_id"),
                        origin=data.get("origin") or ("kb" if data.get("kb_id") else "corpus"),
                        publisher=data.get("publisher"), articles=tuple(data.get("articles") or ()),
                        mentions=int(data.get("mentions") or 0))


def registry_from_entities(entities: Sequence[SourceEntity]) -> SourceRegistry:
    by_key: dict[str, str] = {}
    by_kb: dict[str, str] = {}
    for entity in entities:
        for alias in (entity.name, *entity.aliases):
            by_key.setdefault(name_key(alias), entity.id)
        if entity.kb_id:
            by_kb[entity.kb_id] = entity.id
    return SourceRegistry(tuple(entities), by_key, by_kb)


def corpus_id(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", _fold(name)).strip("-")[:60]
    return f"name:{slug or 'unknown'}"


def _kb_work(kb: KnowledgeBase, kb_id: str | None) -> bool:
    """Whether `kb_id` is a study, report, survey or other work in the KB."""
    entry = kb.get(kb_id) if kb_id else None
    return entry is not None and entry.kind in WORK_KINDS


def kb_entity_id(kb_id: str) -> str:
    return f"kb:{kb_id}"


def phrases_of(article_id: str, ann: Annotations) -> list[SourcePhrase]:
    """Every place an article names a source: attributions (figures, claims) and named citations."""
    starts = {s for s, _ in ann.sentences}
    out: list[SourcePhrase] = []
    seen: set[tuple[int, str]] = set()

    # spaCy's non-body labels: a phrase that is one of these is a place, a date or a number, never a source.
    not_bodies = [(e.start, e.end) for e in ann.entities if e.label in NOT_BODY_LABELS and not e.kb_id]

    # "Okafor said" after "Ada Okafor": the surname is the person named in full earlier, whatever else it
    # could name (a KB company of that name).
    full_names: dict[str, set[str]] = defaultdict(set)
    for e in ann.entities:
        if e.label == "PERSON" and len(e.text.split()) >= 2:
            full_names[_fold(e.text.split()[-1]).strip("'’")].add(e.text)

    def add(record: Any, kind: str | None) -> None:
        if getattr(record, "inferred", False) or getattr(record, "resolved", True) is False:
            return
        if not record.kb_id and any(s <= record.start and record.end <= e for s, e in not_bodies):
            return
        raw = getattr(record, "raw", None) or record.name
        kb_id = record.kb_id
        folded = _fold(raw).strip("'’ ")
        if " " not in folded and len(full_names.get(folded, ())) == 1:
            raw, kb_id, kind = next(iter(full_names[folded])), None, "person"
        if (record.start, raw) in seen:
            return
        seen.add((record.start, raw))
        out.append(SourcePhrase(article_id, raw, kind, kb_id, getattr(record, "publisher", None),
                                getattr(record, "work", None), record.start in starts, ann.language, record.name))

    for stat in ann.statistics:
        if stat.attribution is not None:
            add(stat.attribution, stat.attribution.kind)
    for claim in ann.claims:
        if claim.attribution is not None:
            add(claim.attribution, claim.attribution.kind)
    for citation in ann.citations:
        if citation.kind not in ("hyperlink", "origin_link"):
            add(citation, citation.kind)
    return out


def named_works(ann: Annotations, kb: KnowledgeBase) -> list[str]:
    """KB ids of the works (studies, data sets, leaderboards) an article names anywhere in its text."""
    out = []
    for entity in ann.entities:
        entry = kb.get(entity.kb_id) if entity.kb_id else None
        if entry is not None and entry.kind in WORK_ENTRY_KINDS and entry.id not in out:
            out.append(entry.id)
    return out


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # KB roots win, so a KB entry absorbs the corpus names of it.
            if rb.startswith("kb:") and not ra.startswith("kb:"):
                ra, rb = rb, ra
            elif ra.startswith("kb:") == rb.startswith("kb:") and rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


def build_registry(annotations: Mapping[str, Annotations], kb: KnowledgeBase,
                   texts: Mapping[str, str] | None = None, *, encoder: Encoder | None = None) -> SourceRegistry:
    """Resolve every source phrase of the corpus to one entity (see the module docstring for the rules).

    `texts` (article id -> text) lets the registry read acronym definitions and appositive
    descriptions itself where extract left none in `Annotations.extra`; `encoder` embeds names
    (MiniLM by default, loaded only when a subset match needs checking).
    """
    texts = texts or {}
    words = phrase_words()
    phrases = [p for aid in sorted(annotations) for p in phrases_of(aid, annotations[aid])]
    # Works an article names without attributing a figure to them are sources it relies on all the same.
    for aid in sorted(annotations):
        for work_id in named_works(annotations[aid], kb):
            entry = kb.get(work_id)
            if entry is not None:
                phrases.append(SourcePhrase(aid, entry.name, entry.kind, work_id, None, None, False,
                                            annotations[aid].language))

    # Corpus-wide name knowledge: acronyms and appositive descriptions from every article.
    acronyms: dict[str, str] = {}  # short form key -> long form (first definition wins; clashes drop)
    clashed: set[str] = set()
    described: dict[str, str] = {}
    affiliation: dict[str, str] = {}  # person name key -> the body they speak for
    for aid in sorted(annotations):
        ann = annotations[aid]
        defined = ann.extra.get("acronyms") if isinstance(ann.extra, dict) else None
        if not defined and aid in texts:
            defined = find_acronyms(texts[aid], words)
        for item in defined or ():
            short, long = str(item.get("short") or ""), normalise_phrase(str(item.get("long") or ""), words)
            if not short or not long:
                continue
            key = name_key(short)
            if key in acronyms and name_key(acronyms[key]) != name_key(long):
                clashed.add(key)
            acronyms.setdefault(key, long)
        if aid in texts:
            named = [(e.start, e.end, e.text) for e in ann.entities if e.label in ("ORG", "NORP", "FAC")]
            named += [(c.start, c.end, c.name) for c in ann.citations if c.kind not in ("hyperlink", "origin_link")
                      and c.start >= 0]
            for description, name in find_appositives(texts[aid], named, words):
                described.setdefault(name_key(description), normalise_phrase(name, words))
            persons = [(e.start, e.end, e.text) for e in ann.entities if e.label == "PERSON"]
            bodies = [(e.start, e.end, e.text) for e in ann.entities if e.label == "ORG"]
            for person, org in find_affiliations(texts[aid], persons, bodies):
                affiliation.setdefault(name_key(person), normalise_phrase(org, words))
    for key in clashed:
        acronyms.pop(key, None)  # one short form, two bodies: it names neither for sure

    union = _Union()
    display: dict[str, Counter[str]] = defaultdict(Counter)  # node -> forms seen
    node_of_phrase: list[str | None] = []
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    publishers: dict[str, str] = {}

    def kb_node(kb_id: str) -> str:
        entry = kb.get(kb_id)
        # A person stands for their organisation as a source: the organisation published the figure.
        if entry is not None and entry.kind == "person" and entry.parent and kb.get(entry.parent):
            return kb_entity_id(entry.parent)
        return kb_entity_id(kb_id)

    def speaks_for(name: str) -> str | None:
        """The body a person named so speaks for ("Dr Ada Okafor" is "Ada Okafor" with a title)."""
        key = name_key(name)
        body = affiliation.get(key)
        if body is None:
            body = next((b for person, b in affiliation.items()
                         if key.endswith(person) and len(key) - len(person) <= 6), None)
        return body if body is not None and name_key(body) != key else None

    def node_for(name: str, kb_id: str | None) -> str | None:
        body = speaks_for(name)
        if body is not None:
            # A person speaks for their organisation: the organisation is the source, the person the speaker.
            return node_for(body, None)
        if kb_id and kb.get(kb_id) is not None:
            entry = kb.get(kb_id)
            if entry is not None and entry.kind in ("place", "model"):
                return None
            return kb_node(kb_id)
        match = kb.resolve(name)
        if match is not None:
            if match.entry.kind in ("place", "model"):
                return None
            return kb_node(match.entry.id)
        key = name_key(name)
        return f"key:{key}" if key else None

    for phrase in phrases:
        name = normalise_phrase(phrase.raw, words)
        released = _WORK_RELEASED_BY.match(name)
        if released and names_something(released.group("work"), words):
            name = normalise_phrase(released.group("work"), words)
            phrase = SourcePhrase(phrase.article, name, phrase.kind, phrase.kb_id,
                                  phrase.publisher or normalise_phrase(released.group("publisher"), words),
                                  phrase.work, phrase.sentence_initial, phrase.language, phrase.written)
        else:
            # "... report released on Wednesday": when and how it came out is not its name.
            name = _RELEASED_WHEN.sub("", name).strip() or name
        head, publisher = split_work(name, words)
        if head is None:
            head, publisher = owners_work(name, words)
        if head is not None and publisher is not None and not _kb_work(kb, phrase.kb_id):
            # "a study by the Coastal Health Institute": a work with no name of its own is its publisher's,
            # unless extract resolved the phrase to a work the KB knows (by its publishers, say): then
            # the KB's work is the source and the phrase one of its names.
            publisher = normalise_phrase(phrase.publisher, words) if phrase.publisher else publisher
            phrase = SourcePhrase(phrase.article, publisher, "organization", None, None, None, False,
                                  phrase.language, phrase.written)
            name = publisher
        if phrase.kb_id is None and not names_something(name, words, sentence_initial=phrase.sentence_initial):
            node_of_phrase.append(None)
            continue
        node = node_for(name, phrase.kb_id)
        node_of_phrase.append(node)
        if node is None:
            continue
        union.find(node)
        body = speaks_for(name)
        if body is None:
            display[node][name] += 1
        else:  # a person who speaks for a body is not one of its names
            display[node][body] += 0
        kinds[node][phrase.work or work_kind(name, words) or phrase.kind or "organization"] += 1
        if phrase.publisher:
            pub = node_for(normalise_phrase(phrase.publisher, words), None)
            if pub and pub != node:
                union.find(pub)
                display[pub][normalise_phrase(phrase.publisher, words)] += 0
                publishers.setdefault(node, pub)

    # Acronyms and descriptions join their long forms, corpus-wide.
    corpus_nodes = [n for n in list(union.parent) if n.startswith("key:")]
    for node in corpus_nodes:
        key = node[4:]
        for table in (acronyms, described):
            if key in table:
                target = node_for(table[key], None)
                if target and target != node:
                    union.find(target)
                    display[target][table[key]] += 0
                    union.union(target, node)

    _join_similar(union, display, words, encoder)

    # Entities: one per union root.
    groups: dict[str, list[str]] = defaultdict(list)
    for node in list(union.parent):
        groups[union.find(node)].append(node)
    articles_of: dict[str, set[str]] = defaultdict(set)
    mentions_of: Counter[str] = Counter()
    for phrase, node in zip(phrases, node_of_phrase):
        if node is not None:
            root = union.find(node)
            articles_of[root].add(phrase.article)
            mentions_of[root] += 1
    entities: list[SourceEntity] = []
    id_of_root: dict[str, str] = {}
    for root, nodes in groups.items():
        kb_nodes = sorted(n for n in nodes if n.startswith("kb:"))
        kb_id: str | None
        forms: Counter[str] = Counter()
        kind_votes: Counter[str] = Counter()
        for n in nodes:
            forms.update(display[n])
            kind_votes.update(kinds[n])
        if kb_nodes:
            kb_id = kb_nodes[0][3:]
            entry = kb.get(kb_id)
            name = entry.name if entry else kb_id
            kind = entry.kind if entry else None
            entity_id, origin = kb_entity_id(kb_id), "kb"
        else:
            kb_id, origin = None, "corpus"
            # The fullest common form names it: a long form over its acronym, the usual spelling first.
            name = max(forms, key=lambda f: (not is_acronym(f), forms[f] > 0, len(content_words(f, words)) > 1,
                                             forms[f], -len(f), f)) if forms else root[4:]
            kind = kind_votes.most_common(1)[0][0] if kind_votes else None
            entity_id = corpus_id(name)
        id_of_root[root] = entity_id
        aliases = tuple(sorted({f for f in forms if f and f != name}))
        entities.append(SourceEntity(id=entity_id, name=name, kind=kind, aliases=aliases, kb_id=kb_id,
                                     origin=origin, publisher=None, articles=tuple(sorted(articles_of[root])),
                                     mentions=mentions_of[root]))
    # Publisher links, now that every node has its entity id.
    publisher_of: dict[str, str] = {}
    for node, pub in publishers.items():
        a, b = id_of_root[union.find(node)], id_of_root[union.find(pub)]
        if a != b:
            publisher_of.setdefault(a, b)
    for entity in entities:
        if entity.kb_id:
            entry = kb.get(entity.kb_id)
            if entry is not None and entry.publishers and kb.get(entry.publishers[0]) is not None:
                publisher_of.setdefault(entity.id, kb_entity_id(entry.publishers[0]))
    entities = [e if e.id not in publisher_of else _with(e, publisher=publisher_of[e.id]) for e in entities]
    # Unused phrases never reach the registry; entities nobody named (a publisher only) keep 0 mentions.
    entities.sort(key=lambda e: (-e.mentions, e.name.casefold(), e.id))
    registry = registry_from_entities(_unique_ids(entities))
    # Keys of every phrase seen, so lookups by the phrase as written find its entity.
    by_key = dict(registry.by_key)
    for phrase, node in zip(phrases, node_of_phrase):
        if node is not None:
            by_key.setdefault(name_key(normalise_phrase(phrase.raw, words)), id_of_root[union.find(node)])
            by_key.setdefault(name_key(phrase.raw), id_of_root[union.find(node)])
    for key, long in acronyms.items():
        target = node_for(long, None)
        if target and target in union.parent:
            by_key.setdefault(key, id_of_root[union.find(target)])
    by_phrase = {}
    for phrase, node in zip(phrases, node_of_phrase):
        if node is not None:
            by_phrase[(phrase.article, phrase.written)] = id_of_root[union.find(node)]
    return SourceRegistry(registry.entities, by_key, registry.by_kb, by_phrase)


def _with(entity: SourceEntity, **changes: Any) -> SourceEntity:
    from dataclasses import replace

    return replace(entity, **changes)


def _unique_ids(entities: list[SourceEntity]) -> list[SourceEntity]:
    seen: Counter[str] = Counter()
    out = []
    for entity in entities:
        seen[entity.id] += 1
        out.append(entity if seen[entity.id] == 1 else _with(entity, id=f"{entity.id}-{seen[entity.id]}"))
    return out


def _join_similar(union: _Union, display: Mapping[str, Counter[str]], words: PhraseWords,
                  encoder: Encoder | None) -> None:
    """Union names that are one name: same content words, near-spellings, a name inside a longer one.

    A corpus name joins a KB entry or another corpus name; two KB entries never join
    (the KB already says they differ).
    """
    from rapidfuzz import fuzz

    nodes = sorted(display)
    forms = {n: max(display[n], key=lambda f: (display[n][f], f)) for n in nodes}
    content = {n: content_words(forms[n], words) for n in nodes}
    by_bag: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for n in nodes:
        if content[n] and not is_acronym(forms[n]):
            by_bag[tuple(sorted(content[n]))].append(n)
    for group in by_bag.values():
        kb_nodes = [n for n in group if n.startswith("kb:")]
        if len(kb_nodes) > 1:
            continue  # the KB holds two entries with these words: leave them apart
        for other in group[1:]:
            union.union(group[0], other)
    subset_pairs: list[tuple[str, str]] = []
    corpus = [n for n in nodes if n.startswith("key:")]
    for a in corpus:
        for b in nodes:
            if a == b or union.find(a) == union.find(b):
                continue
            if b.startswith("key:") and b < a:
                continue  # each corpus pair once
            ca, cb = set(content[a]), set(content[b])
            if not ca or not cb or is_acronym(forms[a]) or is_acronym(forms[b]):
                continue
            only_a, only_b = ca - cb, cb - ca
            if only_a and only_b:
                # Both sides have words the other lacks: one body only if those words are near-spellings.
                key_a, key_b = name_key(forms[a]), name_key(forms[b])
                if (len(only_a) == len(only_b) == 1 and min(len(key_a), len(key_b)) >= FUZZY_MIN_LENGTH
                        and key_a[0] == key_b[0]
                        and fuzz.ratio(next(iter(only_a)), next(iter(only_b))) >= FUZZY_MIN_SCORE - 12
                        and fuzz.ratio(key_a, key_b) >= FUZZY_MIN_SCORE
                        and re.sub(r"\D", "", key_a) == re.sub(r"\D", "", key_b)):
                    union.union(b, a)
                continue
            smaller = ca if len(ca) <= len(cb) else cb
            if len(smaller) >= SUBSET_MIN_WORDS:
                subset_pairs.append((a, b))
    if not subset_pairs:
        return
    encode = encoder or _default_encoder
    names = sorted({forms[n] for pair in subset_pairs for n in pair})
    vectors = encode(names)
    row = {name: vectors[i] for i, name in enumerate(names)}
    for a, b in subset_pairs:
        if union.find(a) == union.find(b):
            continue
        if float(np.dot(row[forms[a]], row[forms[b]])) >= SUBSET_MIN_COSINE:
            union.union(b, a)


def _default_encoder(names: Sequence[str]) -> np.ndarray:
    from newstrace.extract.embed import embed_texts

    return embed_texts(list(names))


# -- stored and exported forms ------------------------------------------------------------------

# Registry kinds the KB format has no word for, mapped to the KB kind that behaves the same.
_KB_KIND = {"report": "study", "survey": "study", "forecast": "study", "press_release": "study", "article": "study",
            "index": "leaderboard", "ranking": "leaderboard"}


def registry_rows(registry: SourceRegistry) -> list[dict[str, Any]]:
    """The registry as the store's plain rows (`Store.replace_sources`)."""
    return registry.to_dicts()


def registry_from_rows(rows: Iterable[Mapping[str, Any]]) -> SourceRegistry:
    return registry_from_entities([entity_from_dict(r) for r in rows])


def corpus_registry(annotations: Mapping[str, Annotations], kb: KnowledgeBase, texts: Mapping[str, str],
                    store: Any | None = None, *, encoder: Encoder | None = None) -> SourceRegistry:
    """Build the registry of a corpus and, given a store, keep it there (a read-only store only logs)."""
    registry = build_registry(annotations, kb, texts, encoder=encoder)
    if store is not None:
        from newstrace.corpus.errors import StoreError

        try:
            store.replace_sources(registry_rows(registry))
        except StoreError as exc:
            import logging

            logging.getLogger(__name__).warning("source registry not stored: %s", exc)
    return registry


def kb_entry_id(entity: SourceEntity) -> str:
    return entity.kb_id or entity.id.split(":", 1)[-1]


def registry_to_kb_yaml(registry: SourceRegistry) -> str:
    """The registry as a KB file (`--kb` reads it back): an analyst corrects it once and reuses it.

    KB entities keep their KB id, so the file only adds the aliases the corpus used for them;
    corpus entities become new entries. Counts go into `notes`, which the KB ignores.
    """
    import yaml

    ids = {e.id: kb_entry_id(e) for e in registry.entities}
    entries = []
    for entity in registry.entities:
        entry: dict[str, Any] = {"id": ids[entity.id], "name": entity.name,
                                 "kind": _KB_KIND.get(entity.kind or "", entity.kind or "organization")}
        if entry["kind"] not in ("study", "dataset", "leaderboard", "outlet", "organization", "person", "model",
                                 "place"):
            entry["kind"] = "organization"
        aliases = [a for a in entity.aliases if name_key(a) and name_key(a) != name_key(entity.name)]
        if aliases:
            entry["aliases"] = aliases
        if entity.publisher and entity.publisher in ids:
            entry["publisher"] = [ids[entity.publisher]]
        entry["notes"] = (f"{entity.origin}: {entity.mentions} mention(s) in {len(entity.articles)} article(s)")
        entries.append(entry)
    header = ("# Source registry written by `newstrace sources --format yaml`: correct it, then pass it\n"
              "# back with --kb. Entries with a shipped id only add the aliases this corpus used.\n")
    return header + yaml.safe_dump({"version": 1, "entries": entries}, sort_keys=False, allow_unicode=True)


def sources_of_store(store: Any, kb_paths: Sequence[Any] = ()) -> SourceRegistry:
    """`newstrace sources`: the registry of the stored corpus, rebuilt from its annotations and kept in the store."""
    from newstrace.extract.kb import load_kb
    from newstrace.extract.pipeline import load_annotations

    kb = load_kb(tuple(kb_paths))
    annotations = {aid: ann for aid, status, ann in load_annotations(store) if status == "annotated"}
    texts = {a.id: a.text for a in store.iter_articles(statuses=None) if a.id in annotations}
    return corpus_registry(annotations, kb, texts, store)
