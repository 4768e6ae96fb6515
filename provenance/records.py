"""Typed records of the provenance stage; `Report.to_dict()` is the JSON output contract (DESIGN.md)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .verdict import build_verdict

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class SourceRef:
    """A source as the report names it: resolved to the KB when possible."""

    name: str
    kind: str | None
    kb_id: str | None = None
    cue: str | None = None
    inferred: bool = False
    via: str | None = None
    source_id: str | None = None  # the source registry's id (provenance/sources.py), when resolved


@dataclass(frozen=True)
class ChainStep:
    id: str  # graph node id
    label: str
    kind: str
    # Where a source step's identity comes from: "kb" (a knowledge-base entry), "primary_document" (an
    # ingested --primary document), "corpus" (a source found in the corpus only). None on article steps.
    origin: str | None = None
    via: str | None = None  # the article whose own attribution gives this step (a chain past an outlet)


@dataclass(frozen=True)
class SourceEntity:
    """One source in the corpus-wide registry (provenance/sources.py), however articles name it."""

    id: str  # "kb:<kb id>" or "name:<slug>"; the graph node id of the source
    name: str
    kind: str | None
    aliases: tuple[str, ...] = ()  # other names seen in the corpus
    kb_id: str | None = None
    origin: str = "corpus"  # kb | corpus
    publisher: str | None = None  # entity id of the publisher, for works
    articles: tuple[str, ...] = ()
    mentions: int = 0


@dataclass(frozen=True)
class Mention:
    article: str
    text: str  # as stated
    value: float
    unit: str
    start: int
    end: int
    sentence: str
    sentence_start: int
    sentence_end: int
    of: float | None = None
    approx: str | None = None
    measure: str | None = None
    holder: str | None = None
    period: str | None = None
    outlet: str | None = None
    date: str | None = None
    attribution: SourceRef | None = None
    chain: tuple[ChainStep, ...] = ()
    copy_of: str | None = None  # set on an exact copy: offsets then index the original's text
    # Per-mention findings: "drift" (differs from the estimate it traces to), "ambiguous_source" (its
    # value matches two sources' estimates, so it is left open), "traced_by_value" (no source named;
    # traced to the one estimate its value and story match).
    flags: tuple[str, ...] = ()
    # A person marked this statistic (added it, changed its span or unit, or gave it another source)
    # in an annotation tool, and the import laid that correction over extract's (human_annotations.py).
    human: bool = False

    @property
    def hops(self) -> int | None:
        return len(self.chain) - 1 if self.chain else None


@dataclass(frozen=True)
class PrimarySource:
    name: str
    kind: str | None
    kb_id: str | None = None
    url: str | None = None
    in_corpus: bool = False
    article: str | None = None
    evidence: dict[str, Any] | None = None  # {"article", "sentence", "start", "end"}
    source_id: str | None = None  # the registry id
    # Where coverage disagrees on the origin: each candidate with the articles that back it,
    # [{"source_id", "name", "kind", "articles"}], the chosen one first.
    candidates: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Estimate:
    """One primary source's own value for a family's quantity, and the mentions that trace to it."""

    source_id: str  # `trace.primary_key` of its mentions
    name: str
    value: float
    mentions: tuple[int, ...] = ()  # indices into the family's mentions
    articles: tuple[str, ...] = ()
    kind: str | None = None


@dataclass(frozen=True)
class FigureFamily:
    id: str
    value: float
    unit: str
    mentions: tuple[Mention, ...]
    of: float | None = None
    measure: str | None = None
    holder: str | None = None
    period: str | None = None
    primary_source: PrimarySource | None = None
    first_seen: dict[str, Any] | None = None  # {"article", "date", "estimated"}
    variants: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    statement: str = ""
    estimates: tuple[Estimate, ...] = ()


@dataclass(frozen=True)
class Conflict:
    what: str
    values: tuple[dict[str, Any], ...]  # {"article", "text", "start", "end", "sentence"}
    cluster: str | None = None
    # What disagrees: "place", "date" (aligned sentences), "release_date" (one release dated two days),
    # "numeric", "unit", "direction", "expectation", "bounds", "scope" (one value, two categories).
    kind: str | None = None


@dataclass(frozen=True)
class GraphNode:
    id: str
    kind: str
    label: str


@dataclass(frozen=True)
class GraphEdge:
    source: str
    target: str
    kind: str


@dataclass(frozen=True)
class Report:
    articles: tuple[dict[str, Any], ...]
    clusters: tuple[dict[str, Any], ...]
    figures: tuple[FigureFamily, ...]
    quotes: tuple[dict[str, Any], ...]
    conflicts: tuple[Conflict, ...]
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    summary: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "summary": self.summary,
            "articles": list(self.articles),
            "clusters": list(self.clusters),
            "figures": [_family_dict(f) for f in self.figures],
            "quotes": list(self.quotes),
            "conflicts": [asdict(c) for c in self.conflicts],
            # Written out field by field: asdict's deep copy was most of to_dict's time on large reports.
            "graph": {"nodes": [{"id": n.id, "kind": n.kind, "label": n.label} for n in self.nodes],
                      "edges": [{"source": e.source, "target": e.target, "kind": e.kind} for e in self.edges]},
        }


def _family_dict(family: FigureFamily) -> dict[str, Any]:
    out = {
        "id": family.id,
        "statement": family.statement,
        "value": family.value,
        "unit": family.unit,
        "of": family.of,
        "measure": family.measure,
        "holder": family.holder,
        "period": family.period,
        "mentions": [_mention_dict(m) for m in family.mentions],
        "primary_source": asdict(family.primary_source) if family.primary_source else None,
        "first_seen": family.first_seen,
        "variants": list(family.variants),
        "flags": list(family.flags),
        "estimates": [{"source_id": e.source_id, "name": e.name, "kind": e.kind, "value": e.value,
                       "mentions": list(e.mentions), "articles": list(e.articles)} for e in family.estimates],
    }
    # Built from the family as written, so the JSON's verdict and the one the views print agree.
    out["verdict"] = build_verdict(out).to_dict()
    return out


def _mention_dict(m: Mention) -> dict[str, Any]:
    attribution = None
    if m.attribution is not None:
        attribution = {"name": m.attribution.name, "kb_id": m.attribution.kb_id, "kind": m.attribution.kind,
                       "cue": m.attribution.cue, "inferred": m.attribution.inferred, "via": m.attribution.via,
                       "source_id": m.attribution.source_id}
    return {
        "article": m.article, "text": m.text, "value": m.value, "unit": m.unit, "of": m.of,
        "approx": m.approx, "sentence": m.sentence, "start": m.start, "end": m.end,
        "sentence_start": m.sentence_start, "sentence_end": m.sentence_end,
        "measure": m.measure, "holder": m.holder, "period": m.period,
        "outlet": m.outlet, "date": m.date, "attribution": attribution,
        "hops": m.hops, "chain": [_step_dict(step) for step in m.chain], "copy_of": m.copy_of,
        "flags": list(m.flags), "human": m.human,
    }


def _step_dict(step: ChainStep) -> dict[str, Any]:
    out: dict[str, Any] = {"id": step.id, "label": step.label, "kind": step.kind}
    if step.origin is not None:
        out["origin"] = step.origin
    if step.via is not None:
        out["via"] = step.via
    return out
