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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from corpus.records import Article
from extract.records import Annotations, Attribution, Citation

from .records import ChainStep, GraphEdge, GraphNode, Mention, SourceRef

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
                kb_names: Mapping[str, tuple[str, str | None]]) -> GraphBuilder:
    """Build the citation graph.

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
            graph.edge(me, graph.source(citation.kb_id, _label(citation.kb_id, citation.name, kb_names),
                                        _kind(citation.kb_id, citation.kind, kb_names)), "names_source")
        for attribution in _attributions(ann):
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
