"""Typed records produced by the extract stage.

Every item is anchored by character offsets into `Article.text`
(`text[start:end] == item.text`), so a report can always point back to the
exact characters a statement came from. Records convert to and from plain
dicts (`to_dict` / `from_dict`) because the store keeps annotations as JSON:
the corpus stage must not import this module.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

T = TypeVar("T")

# Units a statistic may carry; the output contract in DESIGN.md fixes this list.
UNITS = ("percent", "count", "rank", "money", "ratio", "multiplier", "quantity")
# Kinds a source may have (attribution.kind in the output contract).
SOURCE_KINDS = ("study", "dataset", "leaderboard", "outlet", "organization", "person", "link")
# Kinds of work an attribution may name (Attribution.work), from the head noun of its phrase.
WORK_KINDS = ("study", "report", "survey", "index", "ranking", "dataset", "press_release", "forecast", "article")
CLAIM_TYPES = ("statistic", "ranking", "comparison", "event", "prediction", "opinion")


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    text: str
    label: str  # spaCy label (ORG, PERSON, GPE, ...) after KB correction
    kb_id: str | None = None
    canonical: str | None = None  # KB canonical name when resolved
    kind: str | None = None  # KB kind (study, outlet, organization, person, model, place, ...)
    match: str = "ner"  # ner | alias | fuzzy: how the KB id was found
    note: str | None = None  # e.g. "transliteration error for Llama"


@dataclass(frozen=True)
class Attribution:
    """Who an article says a claim or figure comes from."""

    name: str
    kind: str | None  # one of SOURCE_KINDS, or None when unknown
    cue: str  # the words that signal attribution: "according to", "showed", ...
    start: int  # offsets of the source's name in the text (-1 when inferred)
    end: int
    kb_id: str | None = None
    inferred: bool = False
    via: str | None = None  # article id the attribution was inherited from
    # Added for sources found in the corpus (issue 13); defaults keep old stored JSON loading.
    raw: str | None = None  # the phrase exactly as written ("the Fund's economists")
    speaker: str | None = None  # the person or group, when the source is their organisation
    work: str | None = None  # one of WORK_KINDS, when the phrase names a work ("the latest outlook")
    publisher: str | None = None  # the organisation the work or speaker resolves to (normalised name)
    resolved: bool = True  # False: the phrase names nothing resolvable; never shown as a source


@dataclass(frozen=True)
class Statistic:
    start: int
    end: int
    text: str  # surface text as stated: "17%", "eight of the top ten"
    value: float
    unit: str  # one of UNITS
    of: float | None = None  # "8 of 10" -> of=10
    currency: str | None = None
    approx: str | None = None  # "about", "more than", "nearly", ...
    measure: str | None = None  # what is measured: "share of downloads ..."
    holder: str | None = None  # whom it is about: "Chinese developers"
    period: str | None = None  # "the past year"
    sentence_start: int = 0
    sentence_end: int = 0
    compared_with: tuple[int, ...] = ()  # indices of other statistics in the same comparison
    attribution: Attribution | None = None
    # The reference period normalised, so figures of one quantity for different periods never
    # merge: "2025", "2025-07", "2025-Q3", "2024/2025" (a season or split year), "FY2024",
    # "1990-2022" (a span), "1990s", or None when the period is unknown or relative to a date
    # that is itself an estimate.
    period_key: str | None = None
    forecast: bool = False  # a projection, target or forecast ("is expected to", "by 2050"), not an outcome
    scale: str | None = None  # the scale word as stated ("billion", "million"), for display as written


@dataclass(frozen=True)
class Quote:
    start: int
    end: int
    text: str  # the quoted words without the quote marks
    speaker: str | None
    kb_id: str | None = None
    speaker_start: int = -1
    speaker_end: int = -1
    cue: str | None = None  # "said", "pointed out", ...


@dataclass(frozen=True)
class Claim:
    start: int
    end: int
    text: str
    type: str  # one of CLAIM_TYPES
    score: float  # check-worthiness in 0..1
    statistics: tuple[int, ...] = ()  # indices into Annotations.statistics
    entities: tuple[int, ...] = ()  # indices into Annotations.entities
    attribution: Attribution | None = None


@dataclass(frozen=True)
class Citation:
    """A source the article as a whole names or links to."""

    name: str
    kind: str  # outlet | origin_link | hyperlink | organization | ...
    start: int
    end: int
    kb_id: str | None = None
    href: str | None = None
    cue: str | None = None


@dataclass(frozen=True)
class Annotations:
    article_id: str
    pipeline_version: str
    language: str | None = None
    skipped: str | None = None  # e.g. "nlp_skipped(language=de)"
    sentences: tuple[tuple[int, int], ...] = ()
    entities: tuple[Entity, ...] = ()
    statistics: tuple[Statistic, ...] = ()
    claims: tuple[Claim, ...] = ()
    quotes: tuple[Quote, ...] = ()
    citations: tuple[Citation, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The same dict `dataclasses.asdict` gives, built field by field.

        asdict deep-copies every value through a generic recursion; on a 5k
        corpus the JSONL export spent most of its time there.
        """
        return {
            "article_id": self.article_id,
            "pipeline_version": self.pipeline_version,
            "language": self.language,
            "skipped": self.skipped,
            "sentences": tuple(tuple(s) for s in self.sentences),
            "entities": tuple(_plain(e) for e in self.entities),
            "statistics": tuple(_plain(s) for s in self.statistics),
            "claims": tuple(_plain(c) for c in self.claims),
            "quotes": tuple(_plain(q) for q in self.quotes),
            "citations": tuple(_plain(c) for c in self.citations),
            "extra": copy.deepcopy(self.extra),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Annotations":
        return cls(
            article_id=data["article_id"],
            pipeline_version=data["pipeline_version"],
            language=data.get("language"),
            skipped=data.get("skipped"),
            sentences=tuple(tuple(s) for s in data.get("sentences", ())),
            entities=tuple(_build(Entity, e) for e in data.get("entities", ())),
            statistics=tuple(_build(Statistic, s) for s in data.get("statistics", ())),
            claims=tuple(_build(Claim, c) for c in data.get("claims", ())),
            quotes=tuple(_build(Quote, q) for q in data.get("quotes", ())),
            citations=tuple(_build(Citation, c) for c in data.get("citations", ())),
            extra=dict(data.get("extra", {})),
        )


_FIELD_NAMES: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in fields(cls)) for cls in (Entity, Attribution, Statistic, Quote, Claim, Citation)}


def _plain(record: Any) -> dict[str, Any]:
    # Record fields hold only scalars, tuples of scalars and one nested Attribution.
    out = {name: getattr(record, name) for name in _FIELD_NAMES[type(record)]}
    if out.get("attribution") is not None:
        out["attribution"] = _plain(out["attribution"])
    return out


def _build(cls: type[T], data: dict[str, Any]) -> T:
    """Rebuild a record from `asdict` output: nested attributions, tuples for lists."""
    kwargs: dict[str, Any] = {}
    for name in _FIELD_NAMES[cls]:
        if name not in data:
            continue
        value = data[name]
        if name == "attribution" and value is not None:
            value = Attribution(**value)
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[name] = value
    return cls(**kwargs)
