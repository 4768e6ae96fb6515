"""Citation graph and chains: from each figure mention back to its primary source.

Nodes are articles, the sources they name (outlets, organizations, people)
and primary sources (studies, datasets, leaderboards). Edges are typed:
`hyperlink`, `names_source`, `origin_link`, `copy_of` / `rewrite_of` (from
coverage clusters, newer pointing at older) and `quotes`.

A mention's chain is article -> the outlets the article says it retells ->
the source of the figure. A mention with no source of its own inherits one
through its coverage cluster (`inferred`, `via` the article that names it),
and its chain then runs through that article.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from newstrace.corpus.records import Article
from newstrace.extract.kb import KnowledgeBase, name_key
from newstrace.extract.records import Annotations, Attribution, Citation, Statistic

from .figures import MentionInput
from .records import ChainStep, GraphEdge, GraphNode, Mention, PrimarySource, SourceEntity, SourceRef
from .sources import SourceRegistry, named_works

PRIMARY_KINDS = ("study", "dataset", "leaderboard")
# An outlet named in the lead is what the article retells; later mentions are sources of single sentences.
LEAD_SENTENCES = 2


def source_node_id(kb_id: str | None, name: str) -> str:
    if kb_id:
        return f"kb:{kb_id}"
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]
    return f"name:{slug or 'unknown'}"


def article_node_id(article_id: str) -> str:
    return f"article:{article_id}"


def to_source_ref(attribution: Attribution | None) -> SourceRef | None:
    if attribution is None:
        return None
    return SourceRef(name=attribution.name, kind=attribution.kind, kb_id=attribution.kb_id, cue=attribution.cue,
                     inferred=attribution.inferred, via=attribution.via)


def lead_outlets(ann: Annotations) -> list[Citation]:
    """Outlets and origin links that the article presents as what it retells."""
    lead_end = ann.sentences[min(LEAD_SENTENCES, len(ann.sentences)) - 1][1] if ann.sentences else 0
    origins = [c for c in ann.citations if c.kind == "origin_link"]
    outlets = [c for c in ann.citations if c.kind == "outlet" and 0 <= c.start < lead_end]
    # The origin link is where this text was copied from; the outlet it names is what that copy retold.
    return origins + outlets


@dataclass
class GraphBuilder:
    """Accumulates nodes and edges once each; output order is deterministic."""

    nodes: dict[str, GraphNode] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], GraphEdge] = field(default_factory=dict)

    def node(self, node_id: str, kind: str, label: str) -> str:
        if node_id not in self.nodes:
            self.nodes[node_id] = GraphNode(node_id, kind, label)
        return node_id

    def edge(self, source: str, target: str, kind: str) -> None:
        if source != target:
            self.edges.setdefault((source, target, kind), GraphEdge(source, target, kind))

    def source(self, kb_id: str | None, name: str, kind: str | None) -> str:
        return self.node(source_node_id(kb_id, name), kind or "organization", name)

    def sorted(self) -> tuple[tuple[GraphNode, ...], tuple[GraphEdge, ...]]:
        return (tuple(sorted(self.nodes.values(), key=lambda n: n.id)),
                tuple(sorted(self.edges.values(), key=lambda e: (e.source, e.target, e.kind))))


def build_graph(articles: Mapping[str, Article], annotations: Mapping[str, Annotations],
                cluster_links: Iterable[tuple[str, str, str]], canonical_index: Mapping[str, str],
                kb_names: Mapping[str, tuple[str, str | None]], registry: SourceRegistry | None = None,
                ) -> GraphBuilder:
    """Build the citation graph.

    With the source `registry`, a named source is its registry entity (one node however it is
    named), and a phrase the registry found to name nothing ("38", "the researchers") is no node.

    `cluster_links` holds (newer, older, kind) with kind copy_of/rewrite_of;
    `canonical_index` maps canonical URLs to article ids, so a hyperlink to an
    article in the corpus becomes an edge between articles.
    """
    graph = GraphBuilder()
    for article_id in sorted(articles):
        article = articles[article_id]
        me = graph.node(article_node_id(article_id), "primary" if article.is_primary else "article",
                        article.title or article.url or article.source_path or article_id)
        ann = annotations.get(article_id)
        for link in article.links:
            target_article = canonical_index.get(link.href)
            if target_article:
                graph.edge(me, article_node_id(target_article), "hyperlink" if link.kind == "hyperlink" else "origin_link")
            elif link.kind == "origin_link":
                graph.edge(me, graph.node(f"url:{link.href}", "link", link.href), "origin_link")
            else:
                graph.edge(me, graph.node(f"url:{link.href}", "link", link.href), "hyperlink")
        if ann is None:
            continue
        for citation in ann.citations:
            if citation.kind in ("hyperlink", "origin_link"):
                continue  # already drawn from the article's links
            entity = registry.lookup(citation.name, citation.kb_id, article=article_id) if registry else None
            if entity is not None:
                graph.edge(me, graph.node(entity.id, entity.kind or "organization", entity.name), "names_source")
                continue
            graph.edge(me, graph.source(citation.kb_id, _label(citation.kb_id, citation.name, kb_names),
                                        _kind(citation.kb_id, citation.kind, kb_names)), "names_source")
        for attribution in _attributions(ann):
            if registry is not None:
                entity = registry.resolve(attribution, article_id)
                if entity is not None:
                    graph.edge(me, graph.node(entity.id, entity.kind or "organization", entity.name), "names_source")
                elif attribution.kb_id:
                    graph.edge(me, graph.source(attribution.kb_id, _label(attribution.kb_id, attribution.name, kb_names),
                                                _kind(attribution.kb_id, attribution.kind, kb_names)), "names_source")
                continue
            graph.edge(me, graph.source(attribution.kb_id, _label(attribution.kb_id, attribution.name, kb_names),
                                        _kind(attribution.kb_id, attribution.kind, kb_names)), "names_source")
        for quote in ann.quotes:
            if quote.speaker:
                graph.edge(me, graph.source(quote.kb_id, _label(quote.kb_id, quote.speaker, kb_names),
                                            _kind(quote.kb_id, "person", kb_names)), "quotes")
    for newer, older, kind in cluster_links:
        graph.edge(article_node_id(newer), article_node_id(older), kind)
    return graph


def _attributions(ann: Annotations) -> list[Attribution]:
    found = [s.attribution for s in ann.statistics if s.attribution is not None]
    found += [c.attribution for c in ann.claims if c.attribution is not None]
    unique: dict[tuple[str | None, str], Attribution] = {}
    for attribution in found:
        if not attribution.inferred:
            unique.setdefault((attribution.kb_id, attribution.name), attribution)
    return list(unique.values())


def _label(kb_id: str | None, name: str, kb_names: Mapping[str, tuple[str, str | None]]) -> str:
    return kb_names[kb_id][0] if kb_id and kb_id in kb_names else name


def _kind(kb_id: str | None, kind: str | None, kb_names: Mapping[str, tuple[str, str | None]]) -> str:
    if kb_id and kb_id in kb_names and kb_names[kb_id][1]:
        return kb_names[kb_id][1] or "organization"
    return kind or "organization"


def chain_for(article: Article, ann: Annotations | None, source: SourceRef | None,
              via_chain: Sequence[ChainStep], kb_names: Mapping[str, tuple[str, str | None]]) -> tuple[ChainStep, ...]:
    """Article -> intermediaries -> source. An inferred source runs through the `via` article's chain."""
    start = ChainStep(article_node_id(article.id), article.title or article.id,
                      "primary" if article.is_primary else "article")
    if source is None:
        return (start,)
    if source.inferred and via_chain:
        return (start,) + tuple(via_chain)
    steps = [start]
    if ann is not None:
        for citation in lead_outlets(ann):
            if citation.kb_id and citation.kb_id == source.kb_id:
                continue
            label = _label(citation.kb_id, citation.name, kb_names)
            steps.append(ChainStep(source_node_id(citation.kb_id, label), label,
                                   _kind(citation.kb_id, citation.kind, kb_names)))
    label = _label(source.kb_id, source.name, kb_names)
    steps.append(ChainStep(source_node_id(source.kb_id, label), label, _kind(source.kb_id, source.kind, kb_names)))
    return tuple(steps)


def primary_key(mention: Mention) -> str | None:
    """The id of the primary source this mention traces to, or None when it traces to nothing.

    The last source step of its chain when the chain goes past the article
    (that is where tracing ended); else its attribution's registry id, else the
    attribution's KB node id. Figures code groups estimates per primary source by this key.
    """
    # chain[0] is the mention's own article; articles further on are intermediaries, not sources.
    for step in reversed(mention.chain[1:]):
        if step.kind not in ("article", "link"):
            return step.id
    source = mention.attribution
    if source is None:
        return None
    return source.source_id or source_node_id(source.kb_id, source.name)


# -- source inference and the chain to the primary source ----------------------------------------
#
# Moved here from report.py (issue 17): report.py assembles, this module decides where a figure comes
# from. The rules: a mention keeps the source its own article names; else it borrows one from an earlier
# sentence of its paragraph, or from the one source its article names at all; else from another article
# of its coverage cluster that states the same figure, never a later-dated one (undated and estimated
# dates order as unknown: allowed). Among donors, one stating the very value goes first, then the source
# most of the story names, then a dated earlier one. A source that is an outlet ("the FT reported") is followed on to what that
# outlet's own coverage, or its story's, cites for the figure.

PRIMARY_CUE = "primary document"
# Kinds that are the work a figure was published in; an outlet is only who retold it.
WORK_KINDS = PRIMARY_KINDS + ("report", "survey", "index", "ranking", "forecast", "press_release")


class CorpusView(Protocol):
    # Read-only members, so a frozen record holding dicts (report.Corpus) satisfies the protocol.
    @property
    def articles(self) -> Mapping[str, Article]: ...

    @property
    def annotations(self) -> Mapping[str, Annotations]: ...


def kb_names(kb: KnowledgeBase) -> dict[str, tuple[str, str | None]]:
    return {entry.id: (entry.name, entry.kind) for entry in kb}


def resolve_id(kb: KnowledgeBase, name: str | None) -> str | None:
    if not name:
        return None
    match = kb.resolve(name)
    return match.entry.id if match is not None else None


def kb_url(kb: KnowledgeBase, kb_id: str | None) -> str | None:
    if not kb_id:
        return None
    entry = kb.get(kb_id)
    return getattr(entry, "url", None) if entry is not None else None


def self_source(member: MentionInput, corpus: CorpusView, kb: KnowledgeBase,
                names: Mapping[str, tuple[str, str | None]]) -> SourceRef:
    """A primary document is the source of its own figures."""
    article = corpus.articles[member.key[0]]
    kb_id = resolve_id(kb, article.title)
    name, kind = names.get(kb_id, (None, None)) if kb_id else (None, None)
    return SourceRef(name=name or article.title or article.id, kind=kind or "study", kb_id=kb_id, cue=PRIMARY_CUE)


# How far back, in sentences of the same paragraph, a figure may borrow the source of an attributed one.
CARRY_SENTENCES = 2


def carried(member: MentionInput, corpus: CorpusView, cluster_of: Mapping[str, str],
            names: Mapping[str, tuple[str, str | None]]) -> tuple[SourceRef | None, tuple[ChainStep, ...]]:
    """Borrow the source of an attributed figure a sentence or two earlier in the same paragraph.

    Reporting often names the source once and lists several figures from it. The source is
    marked inferred with no `via`: it comes from this article's own words, not from another article.
    """
    from newstrace.extract.pipeline import sentence_index

    article_id = member.key[0]
    ann = corpus.annotations[article_id]
    text = corpus.articles[article_id].text
    here = sentence_index(ann.sentences, member.stat.start)
    if here is None:
        return None, ()
    best: Statistic | None = None
    for stat in ann.statistics:
        if stat.attribution is None or stat.start >= member.stat.start:
            continue
        if getattr(stat.attribution, "resolved", True) is False:
            continue
        there = sentence_index(ann.sentences, stat.start)
        if there is None or not 0 < here - there <= CARRY_SENTENCES:
            continue
        if "\n" in text[stat.end:member.stat.start]:
            continue  # a new paragraph starts a new topic
        if best is None or stat.start > best.start:
            best = stat
    if best is None or best.attribution is None:
        return None, ()
    source = SourceRef(name=best.attribution.name, kind=best.attribution.kind, kb_id=best.attribution.kb_id,
                       cue="carried over from an earlier sentence", inferred=True, via=None)
    article = corpus.articles[article_id]
    chain = chain_for(article, ann, to_source_ref(best.attribution), (), names)
    return source, chain[1:]


def donors(members: Sequence[MentionInput], cluster_of: Mapping[str, str]) -> dict[str, list[MentionInput]]:
    """Attributed members of a family by coverage cluster, in key order: who can lend a source."""
    out: dict[str, list[MentionInput]] = defaultdict(list)
    for member in sorted(members, key=lambda m: m.key):
        cluster = cluster_of.get(member.key[0])
        if cluster is not None and member.stat.attribution is not None \
                and getattr(member.stat.attribution, "resolved", True) is not False:
            out[cluster].append(member)
    return out


def ordering_date(article: Article | None) -> str | None:
    """The date an article may be ordered by: a stated publication date, never an estimate."""
    if article is None or getattr(article, "date_estimated", False):
        return None
    return article.published or None


def is_later(candidate: Article | None, than: Article | None) -> bool:
    """Whether `candidate` is known to be published after `than` (unknown dates are never later)."""
    a, b = ordering_date(candidate), ordering_date(than)
    return bool(a and b and a[:10] > b[:10])


def _source_key(member: MentionInput) -> str:
    """The node a donor's source is drawn as: its KB id, else its name (`source_node_id`)."""
    attribution = member.stat.attribution
    return "" if attribution is None else source_node_id(attribution.kb_id, attribution.name or "")


def inferred(member: MentionInput, donor_map: Mapping[str, Sequence[MentionInput]], cluster_of: Mapping[str, str],
             direct_chains: Mapping[str, tuple[ChainStep, ...]], articles: Mapping[str, Article] | None = None,
             ) -> tuple[SourceRef | None, tuple[ChainStep, ...]]:
    """Borrow the source of the same figure from another, not later, article of the same coverage cluster."""
    cluster = cluster_of.get(member.key[0])
    if cluster is None:
        return None, ()
    me = articles.get(member.key[0]) if articles else None
    pool = [m for m in donor_map.get(cluster, ()) if m.key[0] != member.key[0]
            and not (articles and is_later(articles.get(m.key[0]), me))]
    # A donor stating the very value goes first (a family also holds its roundings: "1 in 10" beside
    # "1 in 9"); then the source most of the cluster's articles name for this figure: an unattributed
    # retelling is most likely told from what the coverage agrees on, and the choice then does not
    # hang on article ids (which hash addresses). Among those, a donor known to be earlier goes before
    # one whose order is unknown; the key breaks what is left.
    naming = Counter(_source_key(m) for m in {m.key[0]: m for m in pool}.values())
    pool.sort(key=lambda m: (m.stat.value != member.stat.value, -naming[_source_key(m)],
                             ordering_date(articles.get(m.key[0])) is None if articles else False, m.key))
    donor = pool[0] if pool else None
    if donor is None:
        return None, ()
    attribution: Attribution = donor.stat.attribution  # type: ignore[assignment]
    source = SourceRef(name=attribution.name, kind=attribution.kind, kb_id=attribution.kb_id,
                       cue="inferred from coverage cluster", inferred=True, via=donor.key[0])
    return source, direct_chains.get(donor.key[0], ())


def primary_articles_by_kb(corpus: CorpusView, kb: KnowledgeBase) -> dict[str, str]:
    """KB id -> the first ingested primary document that is that source (resolved once, not per family)."""
    out: dict[str, str] = {}
    for article in sorted(corpus.articles.values(), key=lambda a: a.id):
        if article.is_primary and article.is_article:
            kb_id = resolve_id(kb, article.title)
            if kb_id:
                out.setdefault(kb_id, article.id)
    return out


@dataclass
class Tracer:
    """Resolves every mention's source through the registry and builds its chain to the primary source.

    Built once per report (`Tracer.build`); `trace` runs per figure family, `primary_source` after it.
    """

    articles: Mapping[str, Article]
    annotations: Mapping[str, Annotations]
    kb: KnowledgeBase
    registry: SourceRegistry
    cluster_of: Mapping[str, str]
    names: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)
    graph: GraphBuilder | None = None
    primary_docs: dict[str, str] = field(default_factory=dict)  # entity id -> primary document article id
    doc_source: dict[str, str] = field(default_factory=dict)  # primary document article id -> entity id
    article_source: dict[str, str] = field(default_factory=dict)  # article id -> its one named source
    outlet_of: dict[str, str] = field(default_factory=dict)  # article id -> entity id of its outlet
    self_published: dict[str, str] = field(default_factory=dict)  # article id -> the source that published it

    @classmethod
    def build(cls, corpus: CorpusView, kb: KnowledgeBase, registry: SourceRegistry, cluster_of: Mapping[str, str],
              graph: GraphBuilder | None = None) -> "Tracer":
        tracer = cls(corpus.articles, corpus.annotations, kb, registry, cluster_of, kb_names(kb), graph)
        for article_id in sorted(corpus.articles):
            article = corpus.articles[article_id]
            if article.outlet:
                entity = registry.lookup(article.outlet, resolve_id(kb, article.outlet))
                if entity is not None:
                    tracer.outlet_of[article_id] = entity.id
        for article_id, entity_id in tracer.outlet_of.items():
            entity = registry.get(entity_id)
            # The page is published by a body other coverage cites as a source: its own release.
            if entity is not None and entity.kind != "outlet" and \
                    any(tracer.outlet_of.get(a) != entity_id for a in entity.articles):
                tracer.self_published[article_id] = entity_id
        for article_id in sorted(corpus.articles):
            article = corpus.articles[article_id]
            ann = corpus.annotations.get(article_id)
            named = tracer._named_sources(ann) if ann is not None else []
            own_source = tracer._article_source(ann, named) if ann is not None else None
            if own_source is not None:
                tracer.article_source[article_id] = own_source
            if article.is_primary and article.is_article:
                doc_entity = tracer._doc_entity(article, named)
                if doc_entity is not None:
                    tracer.doc_source[article_id] = doc_entity
                    tracer.primary_docs.setdefault(doc_entity, article_id)
        return tracer

    # -- lookups -------------------------------------------------------------------------------

    def _named_sources(self, ann: Annotations) -> list[str]:
        found = [s.attribution for s in ann.statistics if s.attribution is not None]
        found += [c.attribution for c in ann.claims if c.attribution is not None]
        out = []
        for attribution in found:
            if attribution.inferred:
                continue
            entity = self.registry.resolve(attribution, ann.article_id)
            if entity is not None:
                out.append(entity.id)
        return out

    def _article_source(self, ann: Annotations, named: Sequence[str]) -> str | None:
        """The one source an article relies on, if there is one: what its figures without a source come from.

        The one work it names (a study, a data set), else the one body its attributions name; people
        (quoted politicians, commentators) and outlets only when nothing else is named.
        """
        works = []
        for kb_id in named_works(ann, self.kb):
            entity = self.registry.lookup(None, kb_id)
            if entity is not None and entity.id not in works:
                works.append(entity.id)
        if len(works) == 1:
            return works[0]
        if works:
            return None
        named = [e for e in named if not self._own_outlet(e, ann.article_id)]  # the page speaking of itself
        for tier in (lambda e: e.kind not in ("person", "outlet"), lambda e: e.kind == "person"):
            found = {e for e in named if (entity := self.registry.get(e)) is not None and tier(entity)}
            if len(found) == 1:
                return found.pop()
            if found:
                return None
        return None

    def _doc_entity(self, article: Article, named: Sequence[str]) -> str | None:
        """Which source an ingested primary document is: its title's KB entry, else what it names most."""
        kb_id = resolve_id(self.kb, article.title)
        entity = self.registry.lookup(None, kb_id) if kb_id else None
        if entity is not None:
            return entity.id
        if kb_id:
            return f"kb:{kb_id}"
        if named:
            counts = Counter(e for e in named if not self._is_outlet(e))
            if counts:
                return max(counts, key=lambda e: (counts[e], e))
        return None

    def _is_outlet(self, entity_id: str | None) -> bool:
        entity = self.registry.get(entity_id)
        return entity is not None and entity.kind == "outlet"

    def entity_of(self, source: SourceRef | None, article: str | None = None) -> SourceEntity | None:
        """The registry entity of a source; `article` is where it was named (the source's own `via` wins)."""
        if source is None:
            return None
        if source.source_id:
            found = self.registry.get(source.source_id)
            if found is not None:
                return found
        where = source.via if source.inferred and source.via else article
        return self.registry.lookup(source.name, source.kb_id, article=where)

    def _names_nothing(self, source: SourceRef, article: str | None) -> bool:
        """A phrase extract took for a source that names nothing ("38", "/data", "the researchers")."""
        if source.kb_id or source.cue == PRIMARY_CUE:
            return False
        # The registry saw every phrase of the corpus: one it made no entity of names nothing.
        return self.entity_of(source, article) is None

    # -- per family ----------------------------------------------------------------------------

    def trace(self, mentions: Sequence[Mention], members: Sequence[MentionInput] = ()) -> tuple[Mention, ...]:
        """The family's mentions with registry sources, the inference rules applied, chains to the primary."""
        primary_articles = {m.key[0] for m in members if m.is_primary} | {
            m.article for m in mentions if m.attribution is not None and m.attribution.cue == PRIMARY_CUE}
        own: dict[int, SourceEntity] = {}
        sources: list[SourceRef | None] = []
        for index, mention in enumerate(mentions):
            source = mention.attribution
            if source is not None and self._names_nothing(source, mention.article):
                source = None
            if source is not None and source.inferred:
                if source.via == mention.article:
                    source = replace(source, via=None)  # the article's own words: never "via itself"
                elif source.via and (source.via == mention.article or is_later(
                        self.articles.get(source.via), self.articles.get(mention.article))):
                    source = None  # a later article cannot be where an earlier one took its figure
            if source is not None and self._self_reference(source, mention.article):
                source = None
            if source is None and mention.article not in primary_articles and mention.copy_of is None:
                source = self._from_article(mention.article)
            sources.append(source)
            # What the article says itself (named, carried, its one source) can be lent to its story.
            lends = source is not None and (not source.inferred or source.via is None)
            entity = self.entity_of(source, mention.article) if lends else None
            if entity is not None and mention.copy_of is None:
                own[index] = entity
        out: list[Mention] = []
        for index, mention in enumerate(mentions):
            source = sources[index]
            via_article: str | None = source.via if source is not None and source.inferred else None
            if source is None and mention.article not in primary_articles and mention.copy_of is None:
                source, via_article = self._infer(index, mentions, own)
            if source is None and mention.article in primary_articles:
                entity_id = self.doc_source.get(mention.article)
                entity = self.registry.get(entity_id)
                if entity is not None:
                    source = SourceRef(entity.name, entity.kind, entity.kb_id, PRIMARY_CUE, source_id=entity.id)
            entity = self.entity_of(source, mention.copy_of or mention.article)
            if source is not None and entity is not None:
                source = replace(source, source_id=entity.id)
            chain = self._chain(mention, source, entity, via_article, mentions, own)
            out.append(replace(mention, attribution=source, chain=chain))
        return tuple(out)

    def _infer(self, index: int, mentions: Sequence[Mention], own: Mapping[int, SourceEntity],
               ) -> tuple[SourceRef | None, str | None]:
        mention = mentions[index]
        me = self.articles.get(mention.article)
        # Another article of the same coverage cluster stating the same figure, not a later one.
        cluster = self.cluster_of.get(mention.article)
        if cluster is not None:
            pool = [i for i, e in own.items() if mentions[i].article != mention.article
                    and self.cluster_of.get(mentions[i].article) == cluster and not self._is_outlet(e.id)
                    and not is_later(self.articles.get(mentions[i].article), me)]
            # As in `inferred`: the very value first, then the source most of the story's articles
            # name, then the earliest.
            naming = Counter(own[i].id for i in {mentions[i].article: i for i in pool}.values())
            pool.sort(key=lambda i: (mentions[i].value != mention.value, -naming[own[i].id],
                                     ordering_date(self.articles.get(mentions[i].article)) is None,
                                     ordering_date(self.articles.get(mentions[i].article)) or "",
                                     mentions[i].article, mentions[i].start))
            if pool:
                donor = pool[0]
                e = own[donor]
                return SourceRef(e.name, e.kind, e.kb_id, "inferred from coverage cluster", True,
                                 mentions[donor].article, e.id), mentions[donor].article
        # A figure whose value an ingested primary document also states is not traced to it on the value
        # alone here: a roundup that names no source stays unattributed (figures' estimates may trace it).
        return None, None

    def _from_article(self, article_id: str) -> SourceRef | None:
        """A source for an unsourced figure from its own article: the page's publisher, or its one named source."""
        # A page the source itself published (a statistics office's release): the figures are its own.
        entity = self.registry.get(self.self_published.get(article_id))
        if entity is not None:
            return SourceRef(entity.name, entity.kind, entity.kb_id, "published by the source itself", False, None,
                             entity.id)
        # The one source the article names anywhere: its figures come from it.
        entity = self.registry.get(self.article_source.get(article_id))
        if entity is not None:
            return SourceRef(entity.name, entity.kind, entity.kb_id, "the source the article names", True, None,
                             entity.id)
        return None

    def _self_reference(self, source: SourceRef, article_id: str) -> bool:
        """"EcoPolitic reported" on EcoPolitic's own page, when no other page cites EcoPolitic: the page
        speaking of itself, not a source. A body's own release (cited elsewhere too) stays its source."""
        entity = self.entity_of(source, article_id)
        return entity is not None and self._own_outlet(entity.id, article_id)

    def _publishes(self, entity_id: str, article_id: str) -> bool:
        """Whether the article's outlet is this entity ("CMDS" for "CMDS at Central European University")."""
        if self.outlet_of.get(article_id) == entity_id:
            return True
        article, entity = self.articles.get(article_id), self.registry.get(entity_id)
        if article is None or entity is None or not article.outlet:
            return False
        outlet = name_key(article.outlet)
        return any(len(k) >= 3 and outlet.startswith(k) for k in map(name_key, (entity.name, *entity.aliases)))

    def _own_outlet(self, entity_id: str, article_id: str) -> bool:
        """The entity is the article's own outlet, and only its own pages name it: the page speaks of itself."""
        entity = self.registry.get(entity_id)
        return entity is not None and self._publishes(entity_id, article_id) and \
            all(self._publishes(entity_id, a) for a in entity.articles)

    def _step(self, entity: SourceEntity | None, source: SourceRef, via: str | None) -> ChainStep:
        if entity is None:
            label = _label(source.kb_id, source.name, self.names)
            return ChainStep(source_node_id(source.kb_id, label), label, _kind(source.kb_id, source.kind, self.names),
                             origin="kb" if source.kb_id else "corpus", via=via)
        if entity.id in self.primary_docs:
            origin = "primary_document"
            via = via or self.primary_docs[entity.id]
        else:
            origin = entity.origin
        kind = entity.kind or source.kind or "organization"
        return ChainStep(entity.id, entity.name, kind, origin=origin, via=via)

    def _chain(self, mention: Mention, source: SourceRef | None, entity: SourceEntity | None, via_article: str | None,
               mentions: Sequence[Mention], own: Mapping[int, SourceEntity]) -> tuple[ChainStep, ...]:
        if mention.copy_of is not None and mention.chain:
            # An exact copy: its own step, then whatever its original's chain is.
            original = next((m for m in mentions if m.article == mention.copy_of and m.start == mention.start), None)
            if original is not None:
                rest = self._chain(original, source, entity, via_article, mentions, own)
                return mention.chain[:1] + rest
            return mention.chain
        article = self.articles[mention.article]
        start = ChainStep(article_node_id(article.id), article.title or article.id,
                          "primary" if article.is_primary else "article")
        if source is None:
            return (start,)
        steps = [start]
        ann = self.annotations.get(article.id)
        if via_article and via_article != article.id:
            via = self.articles.get(via_article)
            steps.append(ChainStep(article_node_id(via_article), (via.title if via else None) or via_article,
                                   "primary" if via is not None and via.is_primary else "article"))
        elif ann is not None:
            for citation in lead_outlets(ann):
                outlet = self.registry.lookup(citation.name, citation.kb_id)
                if outlet is not None and entity is not None and outlet.id == entity.id:
                    continue
                if citation.kb_id and citation.kb_id == source.kb_id:
                    continue
                label = outlet.name if outlet is not None else _label(citation.kb_id, citation.name, self.names)
                steps.append(ChainStep(outlet.id if outlet is not None else source_node_id(citation.kb_id, label),
                                       label, _kind(citation.kb_id, citation.kind, self.names),
                                       origin=(outlet.origin if outlet is not None else None)))
        steps.append(self._step(entity, source, None))
        if entity is not None and entity.kind == "outlet":
            steps.extend(self._past_outlet(mention, entity, mentions, own))
        self._draw(steps)
        return tuple(steps)

    def _past_outlet(self, mention: Mention, outlet: SourceEntity, mentions: Sequence[Mention],
                     own: Mapping[int, SourceEntity]) -> list[ChainStep]:
        """What the named outlet cites for this figure: its own coverage first, then the story's."""
        me = self.articles.get(mention.article)
        cluster = self.cluster_of.get(mention.article)

        def ok(i: int) -> bool:
            other = mentions[i]
            return other.article != mention.article and not self._is_outlet(own[i].id) and \
                not is_later(self.articles.get(other.article), me)

        by_outlet = [i for i in own if ok(i) and self.outlet_of.get(mentions[i].article) == outlet.id]
        in_story = [i for i in own if ok(i) and cluster is not None
                    and self.cluster_of.get(mentions[i].article) == cluster]
        # Failing both, the figure's other retellings, if they all trace to one source: that is what it retold.
        in_family = [i for i in own if ok(i)]
        if len({own[i].id for i in in_family}) != 1:
            in_family = []
        pool = by_outlet or in_story or in_family
        if not pool:
            return []
        counts = Counter(own[i].id for i in pool)
        best = max(counts, key=lambda e: (counts[e], e))
        donor = min((i for i in pool if own[i].id == best), key=lambda i: (mentions[i].article, mentions[i].start))
        donor_article = self.articles.get(mentions[donor].article)
        entity = own[donor]
        source = SourceRef(entity.name, entity.kind, entity.kb_id, source_id=entity.id)
        return [ChainStep(article_node_id(mentions[donor].article),
                          (donor_article.title if donor_article else None) or mentions[donor].article, "article"),
                self._step(entity, source, mentions[donor].article)]

    def _draw(self, steps: Sequence[ChainStep]) -> None:
        """Source steps become graph nodes, named by the article before them."""
        if self.graph is None:
            return
        for before, step in zip(steps, steps[1:]):
            if step.kind in ("article", "primary"):
                continue
            self.graph.node(step.id, step.kind, step.label)
            if before.kind in ("article", "primary") and before.id in self.graph.nodes:
                self.graph.edge(before.id, step.id, "names_source")

    def primary_source(self, members: Sequence[MentionInput], mentions: Sequence[Mention]) -> PrimarySource | None:
        """An ingested primary document if one states the figure; else where the mentions' chains end.

        Works (studies, reports, data sets) rank before bodies and bodies before outlets; among
        equals, the source more articles trace to. Every candidate is kept with its articles.
        """
        backers: dict[str, set[str]] = defaultdict(set)
        labels: dict[str, tuple[str, str | None, str | None]] = {}
        for mention in mentions:
            if not mention.chain or len(mention.chain) < 2:
                continue
            last = mention.chain[-1]
            if last.kind in ("article", "primary", "link"):
                continue
            backers[last.id].add(mention.article)
            entity = self.registry.get(last.id)
            labels.setdefault(last.id, (last.label, last.kind, entity.kb_id if entity else
                                        (last.id[3:] if last.id.startswith("kb:") else None)))

        def rank(entity_id: str) -> tuple[Any, ...]:
            kind = labels[entity_id][1]
            return (kind in WORK_KINDS, kind != "outlet", len(backers[entity_id]), labels[entity_id][2] is not None,
                    entity_id)

        ordered = sorted(backers, key=rank, reverse=True)
        candidates = tuple({"source_id": e, "name": labels[e][0], "kind": labels[e][1],
                            "articles": sorted(backers[e])} for e in ordered) if len(ordered) > 1 else ()
        for member in sorted(members, key=lambda m: m.key):
            if member.is_primary:
                article = self.articles[member.key[0]]
                entity = self.registry.get(self.doc_source.get(article.id))
                kb_id = entity.kb_id if entity is not None else resolve_id(self.kb, article.title)
                stat = member.stat
                name = entity.name if entity is not None else (
                    self.names.get(kb_id, (article.title or article.id, None))[0] if kb_id else (article.title or article.id))
                kind = (entity.kind if entity is not None else None) or \
                    (self.names.get(kb_id, (None, None))[1] if kb_id else None) or "study"
                return PrimarySource(
                    name=name, kind=kind, kb_id=kb_id, url=article.url or kb_url(self.kb, kb_id), in_corpus=True,
                    article=article.id,
                    evidence={"article": article.id, "sentence": article.text[stat.sentence_start:stat.sentence_end],
                              "start": stat.sentence_start, "end": stat.sentence_end},
                    source_id=entity.id if entity is not None else None, candidates=candidates)
        if not ordered:
            return None
        best = ordered[0]
        best_name, best_kind, best_kb_id = labels[best]
        article_id = self.primary_docs.get(best)
        return PrimarySource(name=best_name, kind=best_kind, kb_id=best_kb_id, url=kb_url(self.kb, best_kb_id),
                             in_corpus=article_id is not None, article=article_id, source_id=best,
                             candidates=candidates)
