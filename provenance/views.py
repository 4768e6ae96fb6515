"""Typed, read-only views of a claim-provenance report, for the renderers.

`Report.to_dict()` (records.py) stays the JSON contract; the renderers read
these frozen records instead of walking `Mapping[str, Any]`. They are built by
one constructor, `ReportView.from_dict`, from the contract's shape, so a report
just assembled and one loaded from a report.json file render the same way.

`from_dict` is as forgiving as the renderers were: a missing list is empty, an
item that is not a mapping is skipped, a missing field is its default (None
for most). Values that come from scraped pages and that the renderers only
clean and print (numbers as stated, character offsets, hop counts) are kept as
they were read (`Raw`), since a sparse or hand-made report may hold a string
where a number belongs and the renderers show it as text. Where a renderer
tells a missing key from a null one (the summary's counts, a mention's flags
and value) or an empty record from none (a link, first seen, evidence), the
view keeps the difference.

Every view is read by one mechanism, `View.from_dict`: each field says how it
is read from the record (`flag`, `seq`, `one`, `many`, ... below); a field
that says nothing is the record's value under the field's name. So a view
lists its fields once, and adding a contract field to a view is one line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, TypeVar

from .display import clean_text, format_value, statement_label, values_differ
from .verdict import Verdict, build_verdict

# A JSON value the renderers only clean and print: usually a str, int or float, or None.
Raw = object
Record = Mapping[str, Any]
T = TypeVar("T")
V = TypeVar("V", bound="View")

# How one field is read from its record: (record, key) -> value. Kept in the field's metadata.
_Reader = Callable[[Record, str], Any]
_READ, _KEY = "newstrace.read", "newstrace.key"


def _map(value: Any) -> Record:
    return value if isinstance(value, Mapping) else {}


def _items(container: Record, key: str) -> list[Record]:
    """The mappings listed under container[key]; anything else is skipped (display.entries)."""
    return [item for item in container.get(key) or [] if isinstance(item, Mapping)]


def _seq(value: Any) -> tuple[Any, ...]:
    return tuple(value or ())


class View:
    """A frozen record read from a mapping of the contract, field by field (see the module docstring)."""

    @classmethod
    def from_dict(cls: type[V], data: Record) -> V:
        get = data.get
        # Positional, in field order, and a plain field read inline: a large report has 100,000s of mentions.
        return cls(*[get(key, default) if read is None else read(data, key) for key, default, read in _readers(cls)])


# Per view class, in field order: (key, default, reader or None for a plain value). Built on first use,
# so `fields()` and the metadata look-ups are not paid for every record.
_READERS: dict[type, tuple[tuple[str, Any, _Reader | None], ...]] = {}


def _readers(cls: type) -> tuple[tuple[str, Any, _Reader | None], ...]:
    readers = _READERS.get(cls)
    if readers is None:
        readers = _READERS[cls] = tuple(
            (f.metadata.get(_KEY) or f.name, None if f.default is MISSING else f.default, f.metadata.get(_READ))
            for f in fields(cls))
    return readers


# -- how a field is read ------------------------------------------------------------------------
# Each returns a dataclass field whose type is the attribute's, so the views stay typed for mypy.


def _spec(default: Any, read: _Reader, key: str | None = None) -> Any:
    return field(default=default, metadata={_READ: read, _KEY: key})


def flag(key: str | None = None) -> bool:
    """True when the record's value is truthy."""
    return _spec(False, lambda data, k: bool(data.get(k)), key)


def seq(key: str | None = None) -> tuple[Raw, ...]:
    """The record's list as a tuple; missing or null is empty."""
    return _spec((), lambda data, k: _seq(data.get(k)), key)


def seq_or_none(key: str | None = None) -> tuple[Raw, ...] | None:
    """As `seq`, but None when the record has no such key (a report from before the field existed)."""
    out: tuple[Raw, ...] | None = _spec(None, lambda data, k: _seq(data.get(k)) if k in data else None, key)
    return out


def present(key: str) -> bool:
    """Whether the record has the key at all, null or not."""
    return _spec(False, lambda data, k: k in data, key)


def blank() -> bool:
    """Whether the record is an empty mapping (a renderer shows it as absent)."""
    return _spec(False, lambda data, k: not data)


def one(view: type[V], key: str | None = None) -> V | None:
    """A nested record as its view; None unless the value is a mapping."""
    out: V | None = _spec(None, lambda data, k: view.from_dict(v) if isinstance(v := data.get(k), Mapping) else None,
                          key)
    return out


def whole(view: type[V], key: str | None = None) -> V:
    """A nested record as its view; anything but a mapping reads as an empty record."""
    out: V = _spec(view(), lambda data, k: view.from_dict(_map(data.get(k))), key)
    return out


def many(view: type[V], key: str | None = None) -> tuple[V, ...]:
    """The mappings listed under the key as views; other items are skipped."""
    out: tuple[V, ...] = _spec((), lambda data, k: tuple(view.from_dict(item) for item in _items(data, k)), key)
    return out


def computed(read: Callable[[Record], T], default: T) -> T:
    """A value built from the whole record."""
    out: T = _spec(default, lambda data, k: read(data))
    return out


# -- summary and articles -----------------------------------------------------------------------


SUMMARY_KEYS = ("articles", "clusters", "figures", "flagged", "conflicts", "failed_inputs")


def _counts(data: Record) -> tuple[tuple[str, Raw], ...]:
    return tuple((key, data[key]) for key in SUMMARY_KEYS if key in data)


@dataclass(frozen=True)
class SummaryView(View):
    """The report's counts. `present` names the keys the report had (a renderer fills in the rest)."""

    counts: tuple[tuple[str, Raw], ...] = computed(_counts, ())  # (key, value) for the SUMMARY_KEYS present
    generated_at: Raw = None

    @property
    def present(self) -> frozenset[str]:
        return frozenset(key for key, _ in self.counts)

    def count(self, key: str, default: Raw = None) -> Raw:
        return next((value for k, value in self.counts if k == key), default)


@dataclass(frozen=True)
class ArticleView(View):
    id: Raw = None
    title: Raw = None
    url: Raw = None
    final_url: Raw = None
    source_path: Raw = None
    outlet: Raw = None
    author: Raw = None
    published: Raw = None  # the date, as the report states it
    date_source: Raw = None
    estimated: bool = flag("date_estimated")  # the date was estimated, not read from the page
    language: Raw = None
    status: Raw = None
    reason: Raw = None
    cluster: Raw = None
    is_primary: bool = flag()
    auto_generated: bool = flag()


# -- clusters -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkView(View):
    """One link of a cluster: its source came first (cluster.py `_precedence`), and the evidence for it."""

    source: Raw = None
    target: Raw = None
    kind: Raw = None
    jaccard: Raw = None
    containment: Raw = None
    cosine: Raw = None
    shared_figures: tuple[Raw, ...] = seq()  # "value|unit[|ofN]" keys
    shared_entities: tuple[Raw, ...] = seq()
    empty: bool = blank()  # the report's link was an empty mapping


@dataclass(frozen=True)
class ClusterView(View):
    id: Raw = None
    articles: tuple[Raw, ...] = seq()
    representative: Raw = None
    links: tuple[LinkView, ...] = many(LinkView)


# -- figure families ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AttributionView(View):
    """The source a mention names (or one inferred for it)."""

    name: Raw = None
    kind: Raw = None
    cue: Raw = None
    inferred: bool = flag()
    via: Raw = None  # the article the source was inferred through


@dataclass(frozen=True)
class ChainStepView(View):
    """One step of a mention's chain to its primary source: a graph node ("article:<id>", "kb:<id>", ...)."""

    id: Raw = None
    label: Raw = None
    kind: Raw = None


@dataclass(frozen=True)
class MentionView(View):
    """One article's statement of a family's figure, where it is, who it names and how it traces back."""

    article: Raw = None
    text: Raw = None
    value: Raw = None  # `stated` below falls back to the text when the report had no value key
    has_value: bool = present("value")
    outlet: Raw = None
    date: Raw = None
    sentence: Raw = None
    start: Raw = None  # character offsets of the figure and of its sentence in the article's text
    end: Raw = None
    sentence_start: Raw = None
    sentence_end: Raw = None
    attribution: AttributionView | None = one(AttributionView)
    hops: Raw = None
    chain: tuple[ChainStepView, ...] = many(ChainStepView)
    flags: tuple[Raw, ...] | None = seq_or_none()  # None: a report from before per-mention flags
    human: bool = flag()  # a person marked it in an annotation tool (human_annotations.py)

    @property
    def stated(self) -> Raw:
        """The value, or the text when the report gave no value (the renderers' `value` or `text`)."""
        return self.value if self.has_value else self.text

    def drifted(self, figure: "FigureView") -> bool:
        """The mention differs from the estimate of the source it traces to (its "drift" flag); a report from
        before per-mention flags has none, and there a value unlike the family's counts."""
        if self.flags is not None:
            return "drift" in self.flags
        return values_differ(self.stated, figure.value)


@dataclass(frozen=True)
class EvidenceView(View):
    """The sentence of the primary document that states the figure."""

    article: Raw = None
    sentence: Raw = None
    start: Raw = None
    end: Raw = None
    empty: bool = blank()  # the report's record was an empty mapping


@dataclass(frozen=True)
class PrimarySourceView(View):
    name: Raw = None
    kind: Raw = None
    kb_id: Raw = None
    url: Raw = None
    in_corpus: bool = flag()
    article: Raw = None  # the primary document in the corpus, when it is there
    evidence: EvidenceView | None = one(EvidenceView)
    empty: bool = blank()  # the report's record was an empty mapping

    @property
    def evidence_sentence(self) -> Raw:
        return self.evidence.sentence if self.evidence is not None else None

    @property
    def document(self) -> Raw:
        """The article that is the primary document: its own id, else the one its evidence is from."""
        return self.article or (self.evidence.article if self.evidence is not None else None)


@dataclass(frozen=True)
class FirstSeenView(View):
    date: Raw = None
    article: Raw = None
    estimated: bool = flag()
    empty: bool = blank()  # the report's record was an empty mapping


@dataclass(frozen=True)
class EstimateView(View):
    """One primary source's own value for a family."""

    name: Raw = None
    value: Raw = None


@dataclass(frozen=True)
class FigureView(View):
    """A figure family: what it states, its flags and verdict, its sources and its mentions."""

    # The verdict is built from the record as the JSON states it, so every output states the same counts.
    verdict: Verdict = computed(build_verdict, build_verdict({}))
    id: Raw = None
    statement: Raw = None  # the family's own statement, when it has one (see `said`)
    value: Raw = None  # a number, or a list of them
    unit: Raw = None
    of: Raw = None
    measure: Raw = None
    holder: Raw = None
    period: Raw = None
    flags: tuple[Raw, ...] = seq()
    variants: tuple[Raw, ...] = seq()
    primary_source: PrimarySourceView | None = one(PrimarySourceView)
    first_seen: FirstSeenView | None = one(FirstSeenView)
    estimates: tuple[EstimateView, ...] = many(EstimateView)
    mentions: tuple[MentionView, ...] = many(MentionView)

    def said(self, *, keep_spacing: bool = False) -> str:
        """The family's own statement, or one built from its parts (display.statement_label)."""
        if self.statement:
            return clean_text(self.statement, keep_spacing=keep_spacing)
        return statement_label(self.value, self.unit, self.of, self.holder, self.measure, self.period,
                               keep_spacing=keep_spacing)

    def shown_value(self, *, keep_spacing: bool = False) -> str:
        """The value as an analyst says it: 17%, 8 of 10, #2 (display.format_value)."""
        return format_value(self.value, self.unit, self.of, keep_spacing=keep_spacing)

    def estimates_line(self) -> str:
        """Each primary source's own value, when the family has more than one: "BLS 73,000 · LSEG 74,000"."""
        if len(self.estimates) < 2:
            return ""
        return " · ".join(f"{clean_text(e.name) or 'unnamed'} {format_value(e.value, self.unit, self.of)}"
                          for e in self.estimates)


# -- conflicts, quotes, graph -------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictValueView(View):
    article: Raw = None
    text: Raw = None
    sentence: Raw = None
    start: Raw = None
    end: Raw = None


@dataclass(frozen=True)
class ConflictView(View):
    what: Raw = None
    cluster: Raw = None
    values: tuple[ConflictValueView, ...] = many(ConflictValueView)


@dataclass(frozen=True)
class QuoteView(View):
    speaker: Raw = None
    text: Raw = None
    article: Raw = None
    start: Raw = None
    end: Raw = None


@dataclass(frozen=True)
class NodeView(View):
    id: Raw = None
    kind: Raw = None
    label: Raw = None


@dataclass(frozen=True)
class EdgeView(View):
    source: Raw = None
    target: Raw = None
    kind: Raw = None


@dataclass(frozen=True)
class GraphView(View):
    nodes: tuple[NodeView, ...] = many(NodeView)
    edges: tuple[EdgeView, ...] = many(EdgeView)


# -- the report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportView(View):
    """What the renderers read of a report (ReportView.from_dict: Report.to_dict, or a report.json read back)."""

    schema_version: Raw = "?"  # "?" when the report does not say
    summary: SummaryView = whole(SummaryView)
    articles: tuple[ArticleView, ...] = many(ArticleView)
    clusters: tuple[ClusterView, ...] = many(ClusterView)
    figures: tuple[FigureView, ...] = many(FigureView)
    conflicts: tuple[ConflictView, ...] = many(ConflictView)
    quotes: tuple[QuoteView, ...] = many(QuoteView)
    graph: GraphView = whole(GraphView)

    def articles_by_id(self) -> dict[str, ArticleView]:
        """Articles by cleaned id; of two with one id the later wins, as a dict built from the list would."""
        return {clean_text(a.id): a for a in self.articles}


def report_view(report: ReportView | Mapping[str, Any]) -> ReportView:
    """`report` as a view: the one place a contract dict (Report.to_dict, a report.json read back) becomes
    what the renderers take, called where the dict exists (the CLI, outputs.py, tests)."""
    return report if isinstance(report, ReportView) else ReportView.from_dict(report)
