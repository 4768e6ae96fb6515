"""Typed, read-only views of a claim-provenance report, for the renderers.

`Report.to_dict()` (records.py) stays the JSON contract; the renderers read
these frozen records instead of walking `Mapping[str, Any]`. They are built by
one constructor, `ReportView.from_dict`, from the contract's shape, so a report
just assembled and one loaded from a report.json file render the same way.

`from_dict` is as forgiving as the renderers were: a missing list is empty, an
item that is not a mapping is skipped, a missing field is None. Values that
come from scraped pages and that the renderers only clean and print (numbers
as stated, character offsets, hop counts) are kept as they were read
(`Raw`), since a sparse or hand-made report may hold a string where a number
belongs and the renderers show it as text. Where a renderer tells a missing
key from a null one (the summary's counts, a mention's flags and value), the
view keeps the difference.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .display import clean_text, format_value, statement_label, values_differ
from .verdict import Verdict, build_verdict

# A JSON value the renderers only clean and print: usually a str, int or float, or None.
Raw = object


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _items(container: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """The mappings listed under container[key]; anything else is skipped (display.entries)."""
    return [item for item in container.get(key) or [] if isinstance(item, Mapping)]


def _seq(value: Any) -> tuple[Any, ...]:
    return tuple(value or ())


# -- summary and articles -----------------------------------------------------------------------


SUMMARY_KEYS = ("articles", "clusters", "figures", "flagged", "conflicts", "failed_inputs")


@dataclass(frozen=True)
class SummaryView:
    """The report's counts. `present` names the keys the report had (a renderer fills in the rest)."""

    counts: tuple[tuple[str, Raw], ...] = ()  # (key, value) for the SUMMARY_KEYS present, in that order
    generated_at: Raw = None

    @property
    def present(self) -> frozenset[str]:
        return frozenset(key for key, _ in self.counts)

    def count(self, key: str, default: Raw = None) -> Raw:
        return next((value for k, value in self.counts if k == key), default)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "SummaryView":
        return cls(tuple((key, data[key]) for key in SUMMARY_KEYS if key in data), data.get("generated_at"))


@dataclass(frozen=True)
class ArticleView:
    id: Raw
    title: Raw = None
    url: Raw = None
    final_url: Raw = None
    source_path: Raw = None
    outlet: Raw = None
    author: Raw = None
    published: Raw = None  # the date, as the report states it
    date_source: Raw = None
    estimated: bool = False  # the date was estimated, not read from the page
    language: Raw = None
    status: Raw = None
    reason: Raw = None
    cluster: Raw = None
    is_primary: bool = False
    auto_generated: bool = False

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ArticleView":
        return cls(data.get("id"), data.get("title"), data.get("url"), data.get("final_url"), data.get("source_path"),
                   data.get("outlet"), data.get("author"), data.get("published"), data.get("date_source"),
                   bool(data.get("date_estimated")), data.get("language"),
                   data.get("status"), data.get("reason"), data.get("cluster"), bool(data.get("is_primary")),
                   bool(data.get("auto_generated")))


# -- clusters -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkView:
    """One link of a cluster: its source came first (cluster.py `_precedence`), and the evidence for it."""

    source: Raw = None
    target: Raw = None
    kind: Raw = None
    jaccard: Raw = None
    containment: Raw = None
    cosine: Raw = None
    shared_figures: tuple[Raw, ...] = ()  # "value|unit[|ofN]" keys
    shared_entities: tuple[Raw, ...] = ()
    empty: bool = False  # the report's link was an empty mapping

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "LinkView":
        return cls(data.get("source"), data.get("target"), data.get("kind"), data.get("jaccard"),
                   data.get("containment"), data.get("cosine"), _seq(data.get("shared_figures")),
                   _seq(data.get("shared_entities")), not data)


@dataclass(frozen=True)
class ClusterView:
    id: Raw = None
    articles: tuple[Raw, ...] = ()
    representative: Raw = None
    links: tuple[LinkView, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ClusterView":
        return cls(data.get("id"), _seq(data.get("articles")), data.get("representative"),
                   tuple(LinkView.from_dict(link) for link in _items(data, "links")))


# -- figure families ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AttributionView:
    name: Raw = None
    kind: Raw = None
    cue: Raw = None
    inferred: bool = False
    via: Raw = None  # the article the source was inferred through

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "AttributionView":
        return cls(data.get("name"), data.get("kind"), data.get("cue"), bool(data.get("inferred")), data.get("via"))


@dataclass(frozen=True)
class ChainStepView:
    id: Raw = None
    label: Raw = None
    kind: Raw = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ChainStepView":
        return cls(data.get("id"), data.get("label"), data.get("kind"))


@dataclass(frozen=True)
class MentionView:
    article: Raw = None
    text: Raw = None
    value: Raw = None  # `stated` below falls back to the text when the report had no value key
    has_value: bool = False
    outlet: Raw = None
    date: Raw = None
    sentence: Raw = None
    start: Raw = None
    end: Raw = None
    attribution: AttributionView | None = None
    hops: Raw = None
    chain: tuple[ChainStepView, ...] = ()
    flags: tuple[Raw, ...] | None = None  # None: a report from before per-mention flags

    @property
    def stated(self) -> Raw:
        """The value, or the text when the report gave no value (the renderers' `value` or `text`)."""
        return self.value if self.has_value else self.text

    def drifted(self, figure: "FigureView") -> bool:
        """The mention differs from the estimate of the source it traces to (its "drift" flag); a report from
        before per-mention flags has none, and there a value unlike the family's counts (display.mention_drifted)."""
        if self.flags is not None:
            return "drift" in self.flags
        return values_differ(self.stated, figure.value)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "MentionView":
        attribution = data.get("attribution")
        return cls(data.get("article"), data.get("text"), data.get("value"), "value" in data, data.get("outlet"),
                   data.get("date"), data.get("sentence"), data.get("start"), data.get("end"),
                   AttributionView.from_dict(attribution) if isinstance(attribution, Mapping) else None,
                   data.get("hops"), tuple(ChainStepView.from_dict(s) for s in _items(data, "chain")),
                   _seq(data.get("flags")) if "flags" in data else None)


@dataclass(frozen=True)
class PrimarySourceView:
    name: Raw = None
    kind: Raw = None
    url: Raw = None
    in_corpus: bool = False
    evidence_sentence: Raw = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "PrimarySourceView":
        evidence = data.get("evidence")
        return cls(data.get("name"), data.get("kind"), data.get("url"), bool(data.get("in_corpus")),
                   evidence.get("sentence") if isinstance(evidence, Mapping) else None)


@dataclass(frozen=True)
class FirstSeenView:
    date: Raw = None
    article: Raw = None
    estimated: bool = False
    empty: bool = False  # the report's record was an empty mapping

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "FirstSeenView":
        return cls(data.get("date"), data.get("article"), bool(data.get("estimated")), not data)


@dataclass(frozen=True)
class EstimateView:
    """One primary source's own value for a family."""

    name: Raw = None
    value: Raw = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "EstimateView":
        return cls(data.get("name"), data.get("value"))


@dataclass(frozen=True)
class FigureView:
    """A figure family: what it states, its flags and verdict, its sources and its mentions."""

    verdict: Verdict
    id: Raw = None
    statement: Raw = None  # the family's own statement, when it has one (see `said`)
    value: Raw = None  # a number, or a list of them
    unit: Raw = None
    of: Raw = None
    measure: Raw = None
    holder: Raw = None
    period: Raw = None
    flags: tuple[Raw, ...] = ()
    variants: tuple[Raw, ...] = ()
    primary_source: PrimarySourceView | None = None
    first_seen: FirstSeenView | None = None
    estimates: tuple[EstimateView, ...] = ()
    mentions: tuple[MentionView, ...] = field(default=())

    def said(self, *, keep_spacing: bool = False) -> str:
        """The family's own statement, or one built from its parts (display.statement)."""
        if self.statement:
            return clean_text(self.statement, keep_spacing=keep_spacing)
        return statement_label(self.value, self.unit, self.of, self.holder, self.measure, self.period,
                               keep_spacing=keep_spacing)

    def estimates_line(self) -> str:
        """Each primary source's own value, when the family has more than one: "BLS 73,000 · LSEG 74,000"."""
        if len(self.estimates) < 2:
            return ""
        return " · ".join(f"{clean_text(e.name) or 'unnamed'} {format_value(e.value, self.unit, self.of)}"
                          for e in self.estimates)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "FigureView":
        source, seen = data.get("primary_source"), data.get("first_seen")
        # The verdict is built from the record as the JSON states it, so every output states the same counts.
        return cls(build_verdict(data), data.get("id"), data.get("statement"), data.get("value"), data.get("unit"),
                   data.get("of"), data.get("measure"), data.get("holder"), data.get("period"),
                   _seq(data.get("flags")), _seq(data.get("variants")),
                   PrimarySourceView.from_dict(source) if isinstance(source, Mapping) else None,
                   FirstSeenView.from_dict(seen) if isinstance(seen, Mapping) else None,
                   tuple(EstimateView.from_dict(e) for e in _items(data, "estimates")),
                   tuple(MentionView.from_dict(m) for m in _items(data, "mentions")))


# -- conflicts, quotes, graph -------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictValueView:
    article: Raw = None
    text: Raw = None
    sentence: Raw = None
    start: Raw = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ConflictValueView":
        return cls(data.get("article"), data.get("text"), data.get("sentence"), data.get("start"))


@dataclass(frozen=True)
class ConflictView:
    what: Raw = None
    cluster: Raw = None
    values: tuple[ConflictValueView, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ConflictView":
        return cls(data.get("what"), data.get("cluster"),
                   tuple(ConflictValueView.from_dict(v) for v in _items(data, "values")))


@dataclass(frozen=True)
class QuoteView:
    speaker: Raw = None
    text: Raw = None
    article: Raw = None
    start: Raw = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "QuoteView":
        return cls(data.get("speaker"), data.get("text"), data.get("article"), data.get("start"))


@dataclass(frozen=True)
class NodeView:
    id: Raw = None
    kind: Raw = None
    label: Raw = None


@dataclass(frozen=True)
class EdgeView:
    source: Raw = None
    target: Raw = None
    kind: Raw = None


@dataclass(frozen=True)
class GraphView:
    nodes: tuple[NodeView, ...] = ()
    edges: tuple[EdgeView, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "GraphView":
        return cls(tuple(NodeView(n.get("id"), n.get("kind"), n.get("label")) for n in _items(data, "nodes")),
                   tuple(EdgeView(e.get("source"), e.get("target"), e.get("kind")) for e in _items(data, "edges")))


# -- the report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportView:
    """What the renderers read of a report. `source` is the contract dict it was built from, for the
    parts of the HTML report (painted article text, the SVG figures) that still read the dict."""

    schema_version: Raw = "?"  # "?" when the report does not say
    summary: SummaryView = SummaryView()
    articles: tuple[ArticleView, ...] = ()
    clusters: tuple[ClusterView, ...] = ()
    figures: tuple[FigureView, ...] = ()
    conflicts: tuple[ConflictView, ...] = ()
    quotes: tuple[QuoteView, ...] = ()
    graph: GraphView = GraphView()
    source: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "ReportView":
        """The view of a report in the JSON contract's shape (Report.to_dict, or a report.json read back)."""
        return cls(data.get("schema_version", "?"), SummaryView.from_dict(_map(data.get("summary"))),
                   tuple(ArticleView.from_dict(a) for a in _items(data, "articles")),
                   tuple(ClusterView.from_dict(c) for c in _items(data, "clusters")),
                   tuple(FigureView.from_dict(f) for f in _items(data, "figures")),
                   tuple(ConflictView.from_dict(c) for c in _items(data, "conflicts")),
                   tuple(QuoteView.from_dict(q) for q in _items(data, "quotes")),
                   GraphView.from_dict(_map(data.get("graph"))), data)

    def articles_by_id(self) -> dict[str, ArticleView]:
        """Articles by cleaned id; of two with one id the later wins, as a dict built from the list would."""
        return {clean_text(a.id): a for a in self.articles}


def report_view(report: ReportView | Mapping[str, Any]) -> ReportView:
    """`report` as a view: a renderer's entry point accepts the contract dict too."""
    return report if isinstance(report, ReportView) else ReportView.from_dict(report)
