"""Assemble the claim-provenance report from the store: clusters, families, traces, conflicts.

This is the one entry point the CLI calls for `cluster`, `report` and `run`.
It loads the corpus (`coverage.py`), takes coverage clusters from the cache or
the chosen backend (`backends.py`), groups figures into families, has
`trace.py` source and chain every mention, and returns a `Report` whose
`to_dict()` is the JSON contract. Inference and tracing live in `trace.py`;
this module only puts the pieces together.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from newstrace.corpus.errors import StoreError
from newstrace.corpus.records import Article, Status
from newstrace.corpus.store import Store, now
from newstrace.extract.kb import KnowledgeBase
from newstrace.extract.records import Annotations, Statistic

from . import backends, trace
from .cluster import ClusterOptions, ClusterResult, result_from_dict, result_to_dict
from .conflicts import find_conflicts, find_figure_conflicts
from .coverage import CLUSTER_CACHE_NAME, Corpus, clustering_key, load_corpus
from .display import statement_label
from .estimates import trace_estimates
from .figures import (
    FamilyOptions,
    MentionInput,
    canonical_value,
    group_mentions,
    merge_families,
    most_common,
    share_form,
    wording_pool,
)
from .human_annotations import human_spans
from .records import ChainStep, FigureFamily, Mention, PrimarySource, Report, SourceRef
from .sources import SourceRegistry, build_registry, corpus_registry
from .trace import (
    GraphBuilder,
    Tracer,
    article_node_id,
    build_graph,
    carried,
    chain_for,
    inferred,
    self_source,
    to_source_ref,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProvenanceOptions:
    cluster: ClusterOptions = field(default_factory=ClusterOptions)
    families: FamilyOptions = field(default_factory=FamilyOptions)
    kb_paths: tuple[Any, ...] = ()
    scheduler: str | None = None  # a Dask scheduler address: coverage clustering runs there


def clusters_for(store: Store, corpus: Corpus, options: ProvenanceOptions = ProvenanceOptions()) -> ClusterResult:
    """Coverage clusters, from the results cache when nothing clustering reads has changed."""
    key = clustering_key(corpus, options.cluster)
    cached = store.get_result(CLUSTER_CACHE_NAME, key)
    if cached is not None:
        return result_from_dict(cached)
    clusters = backends.cluster(corpus, options.cluster, options.scheduler)
    try:
        store.save_result(CLUSTER_CACHE_NAME, key, result_to_dict(clusters))
    except StoreError as exc:
        # A read-only corpus still gets its report; only the next run is slower.
        logger.warning("clusters not cached: %s", exc)
    return clusters


def analyse(store: Store, options: ProvenanceOptions = ProvenanceOptions()) -> tuple[Report, Corpus]:
    """The report and the corpus it was built from (renderers and exports need the texts)."""
    from newstrace.extract.kb import load_kb

    kb = load_kb(tuple(options.kb_paths))
    corpus = load_corpus(store)
    registry = corpus_registry(corpus.annotations, kb, _texts(corpus), store)  # kept in the store's sources table
    return assemble(corpus, clusters_for(store, corpus, options), kb, options, registry), corpus


def _texts(corpus: Corpus) -> dict[str, str]:
    return {aid: corpus.articles[aid].text for aid in corpus.annotations if aid in corpus.articles}


def cluster_view(store: Store, options: ProvenanceOptions = ProvenanceOptions()) -> list[dict[str, Any]]:
    """The report's "clusters" entries alone: what `newstrace cluster` prints, without families or traces."""
    corpus = load_corpus(store)
    clusters = clusters_for(store, corpus, options)
    cluster_of = {aid: c.id for c in clusters.clusters for aid in c.articles}
    copies = _exact_copies(corpus.articles, cluster_of)
    return [_cluster_dict(c, copies, corpus.articles, clusters.separated) for c in clusters.clusters]


def assemble(corpus: Corpus, clusters: ClusterResult, kb: KnowledgeBase, options: ProvenanceOptions,
             registry: SourceRegistry | None = None) -> Report:
    cluster_of = {aid: c.id for c in clusters.clusters for aid in c.articles}
    # Exact duplicates were stored once (no text); they still belong to their original's story.
    copies = _exact_copies(corpus.articles, cluster_of)
    cluster_of.update({dup: cluster_of[orig] for dup, orig in copies.items()})
    kb_names = trace.kb_names(kb)
    cluster_links = _oriented_links(clusters, corpus.articles)
    canonical_index = {a.canonical_url: a.id for a in corpus.articles.values() if a.canonical_url and a.is_article}
    if registry is None:
        registry = build_registry(corpus.annotations, kb, _texts(corpus))
    graph = build_graph({k: v for k, v in corpus.articles.items() if v.status in (Status.OK, Status.DUPLICATE)},
                        corpus.annotations,
                        cluster_links, canonical_index, kb_names, registry)

    tracer = Tracer.build(corpus, kb, registry, cluster_of, graph)
    inputs = _mention_inputs(corpus, cluster_of)
    groups = merge_families(group_mentions(inputs, options.families), inputs, options.families)
    families = _families(groups, inputs, corpus, cluster_of, kb, kb_names, graph, copies, options.families,
                         tracer=tracer)

    conflicts = []
    publishers = {entry.id: entry.publishers for entry in kb if entry.publishers}
    for cluster in clusters.clusters:
        if len(cluster.articles) > 1:
            conflicts.extend(find_conflicts(cluster.id, cluster.articles, corpus.articles, corpus.annotations,
                                            publishers=publishers))
    # Numeric (one quantity, one source, two values) and unit conflicts come from the families.
    # Texts let a kind read the sentence before a figure's (an expectation stated in the lead).
    conflicts.extend(find_figure_conflicts(families, cluster_of,
                                           {a.id: a.language for a in corpus.articles.values()},
                                           texts=_texts(corpus)))

    nodes, edges = graph.sorted()
    articles_out = tuple(_article_dict(a, cluster_of.get(a.id)) for a in sorted(corpus.articles.values(),
                                                                                 key=lambda a: a.id))
    clusters_out = tuple(_cluster_dict(c, copies, corpus.articles, clusters.separated) for c in clusters.clusters)
    quotes = tuple(_quotes(corpus))
    summary = {
        "articles": sum(1 for a in corpus.articles.values() if a.is_article),
        "annotated": len(corpus.annotations),
        "clusters": sum(1 for c in clusters.clusters if len(c.articles) > 1),
        "figures": len(families),
        "flagged": sum(1 for f in families if f.flags),
        "conflicts": len(conflicts),
        "failed_inputs": sum(1 for a in corpus.articles.values() if a.status.is_failure),
        "no_article": sum(1 for a in corpus.articles.values() if a.status is Status.NO_ARTICLE),
        "generated_at": now(),
    }
    return Report(articles_out, clusters_out, tuple(families), quotes, tuple(conflicts), nodes, edges, summary)


# -- mentions and families ------------------------------------------------------------------


# Entity kinds that publish or carry figures: an article naming one shares a source with another that does.
_SOURCE_ENTITY_KINDS = ("study", "dataset", "leaderboard", "organization", "outlet")


def _article_sources(ann: Annotations) -> frozenset[str]:
    """KB ids of the bodies an article attributes figures to or names as organisations and studies."""
    ids = {s.attribution.kb_id for s in ann.statistics if s.attribution is not None and s.attribution.kb_id}
    ids |= {e.kb_id for e in ann.entities if e.kb_id and e.kind in _SOURCE_ENTITY_KINDS}
    return frozenset(ids)


def _mention_inputs(corpus: Corpus, cluster_of: Mapping[str, str]) -> list[MentionInput]:
    inputs: list[MentionInput] = []
    for article_id in sorted(corpus.annotations):
        ann = corpus.annotations[article_id]
        vectors = corpus.figure_vectors.get(article_id)
        sources = _article_sources(ann)
        language = ann.language or corpus.articles[article_id].language
        for index, stat in enumerate(ann.statistics):
            vector = vectors[index] if vectors is not None and index < len(vectors) else None
            inputs.append(MentionInput((article_id, index), share_form(stat), cluster_of.get(article_id), vector,
                                       corpus.articles[article_id].is_primary, language, sources))
    return inputs


def _families(groups: Sequence[Sequence[int]], inputs: Sequence[MentionInput], corpus: Corpus,
              cluster_of: Mapping[str, str], kb: KnowledgeBase, kb_names: Mapping[str, tuple[str, str | None]],
              graph: GraphBuilder, copies: Mapping[str, str], options: FamilyOptions = FamilyOptions(),
              tracer: Tracer | None = None) -> list[FigureFamily]:
    families: list[FigureFamily] = []
    by_original = _copies_by_original(copies)
    for group in groups:
        members = [inputs[i] for i in group]
        stats = [m.stat for m in members]
        primary_stats = [m.stat for m in members if m.is_primary]
        value = canonical_value(stats, primary_stats)
        unit = stats[0].unit
        # The primary document words the quantity best; else coverage in the report's language votes,
        # else all coverage (`wording_pool`).
        pool = wording_pool(members)
        holder, measure, period = (
            _family_part([getattr(s, part) for s in pool], [getattr(s, part) for s in stats],
                         primary=bool(primary_stats))
            for part in ("holder", "measure", "period"))
        # Direct attributions first, so inferred ones can point at a real chain.
        direct_chains: dict[str, tuple[ChainStep, ...]] = {}
        donors = trace.donors(members, cluster_of)
        mentions_by_member: dict[tuple[str, int], Mention] = {}
        for member in members:
            if member.stat.attribution is not None:
                mention = _mention(member, corpus, to_source_ref(member.stat.attribution), (), kb_names)
                mentions_by_member[member.key] = mention
                direct_chains.setdefault(member.key[0], mention.chain)
        for member in members:
            if member.key in mentions_by_member:
                continue
            if member.is_primary:
                # A primary document is the source of its own figures; nothing to infer.
                mentions_by_member[member.key] = _mention(member, corpus, self_source(member, corpus, kb, kb_names),
                                                          (), kb_names)
                continue
            source, via_chain = carried(member, corpus, cluster_of, kb_names)
            if source is None:
                source, via_chain = inferred(member, donors, cluster_of, direct_chains, corpus.articles)
            mentions_by_member[member.key] = _mention(member, corpus, source, via_chain, kb_names)
        found = list(mentions_by_member.values())
        found += _copy_mentions(found, by_original, corpus)
        mentions = tuple(sorted(found, key=lambda m: (m.date or "9999", m.article, m.start)))
        if tracer is not None:  # registry sources, inference rules, chains on to the primary source
            mentions = tracer.trace(mentions, members)
        vector_of = {(m.key[0], m.stat.start): m.vector for m in members if m.vector is not None}
        vectors = {i: v for i, m in enumerate(mentions)
                   if (v := vector_of.get((m.copy_of or m.article, m.start))) is not None}
        language_of = {m.key[0]: m.language for m in members}
        estimates, mentions, estimate_flags = trace_estimates(
            mentions, vectors, {i: cluster_of.get(m.article) for i, m in enumerate(mentions)}, options,
            {i: language_of.get(m.copy_of or m.article) for i, m in enumerate(mentions)}, corpus.articles)
        primary = tracer.primary_source(members, mentions) if tracer is not None else None
        flags = _flags(stats, mentions, members, primary, value, estimate_flags)
        family_id = "f-" + hashlib.sha1("|".join(f"{a}:{i}" for a, i in sorted(m.key for m in members))
                                        .encode()).hexdigest()[:10]
        families.append(FigureFamily(
            id=family_id, value=value, unit=unit, of=stats[0].of, measure=measure, holder=holder, period=period,
            mentions=mentions, primary_source=primary, first_seen=_first_seen(mentions, corpus),
            variants=tuple(dict.fromkeys(m.text for m in mentions)), flags=flags,
            statement=statement_label(value, unit, stats[0].of, holder, measure, period, stats[0].currency),
            estimates=estimates))
        # The primary document names the figure's origin: draw that edge too.
        if primary and primary.in_corpus and primary.article and primary.kb_id:
            graph.edge(article_node_id(primary.article),
                       graph.source(primary.kb_id, primary.name, primary.kind), "names_source")
    families.sort(key=lambda f: (-len({m.article for m in f.mentions}), -len(f.flags), f.id))
    return families


def _copies_by_original(copies: Mapping[str, str]) -> dict[str, list[str]]:
    by_original: dict[str, list[str]] = defaultdict(list)
    for dup, original in sorted(copies.items()):
        by_original[original].append(dup)
    return by_original


def _copy_mentions(mentions: Sequence[Mention], by_original: Mapping[str, Sequence[str]],
                   corpus: Corpus) -> list[Mention]:
    """Exact copies state every figure their original states; they were stored once, so repeat the mentions."""
    out = []
    for mention in mentions:
        for dup in by_original.get(mention.article, ()):
            article = corpus.articles[dup]
            step = ChainStep(article_node_id(dup), article.title or dup, "article")
            out.append(replace(mention, article=dup, outlet=article.outlet, date=article.published,
                               chain=(step,) + mention.chain, copy_of=mention.article))
    return out


# A family of this many mentions or more shows a holder, measure or period only when two of them state it:
# one retelling's stray reading ("General", "Tuesday") among a dozen that state none is not the family's.
_PART_SUPPORT_FROM = 3


def _family_part(pool: Sequence[str | None], everything: Sequence[str | None], *, primary: bool = False) -> str | None:
    """The holder, measure or period most of the wording pool states, else most of all mentions; in a family
    of `_PART_SUPPORT_FROM` mentions or more, only one that at least two mentions state, unless the pool
    is the primary document's own wording (`primary`), which is the family's whatever coverage says."""
    for n, values in enumerate((pool, everything)):
        chosen = most_common(values)
        if chosen is not None and ((primary and n == 0) or len(everything) < _PART_SUPPORT_FROM
                                   or list(values).count(chosen) >= 2):
            return chosen
    return None


def _mention(member: MentionInput, corpus: Corpus, source: SourceRef | None, via_chain: Sequence[ChainStep],
             kb_names: Mapping[str, tuple[str, str | None]]) -> Mention:
    article = corpus.articles[member.key[0]]
    stat = member.stat
    chain = chain_for(article, corpus.annotations.get(article.id), source, via_chain, kb_names)
    return Mention(
        article=article.id, text=stat.text, value=stat.value, unit=stat.unit, start=stat.start, end=stat.end,
        sentence=article.text[stat.sentence_start:stat.sentence_end], sentence_start=stat.sentence_start,
        sentence_end=stat.sentence_end, of=stat.of, approx=stat.approx, measure=stat.measure, holder=stat.holder,
        period=stat.period, outlet=article.outlet, date=article.published, attribution=source, chain=chain,
        human=(stat.start, stat.end) in set(human_spans(corpus.annotations.get(article.id))))


def _flags(stats: Sequence[Statistic], mentions: Sequence[Mention], members: Sequence[MentionInput],
           primary: PrimarySource | None, value: float, estimate_flags: Sequence[str] = ()) -> tuple[str, ...]:
    # drift and sources_differ come from the estimates: a retelling against its own source's value.
    flags = list(estimate_flags)
    primary_articles = {m.key[0] for m in members if m.is_primary}
    if any(m.attribution is None for m in mentions if m.article not in primary_articles):
        flags.append("unattributed")
    if any(m.attribution is not None and m.attribution.inferred for m in mentions):
        flags.append("inferred_attribution")
    if primary is not None and primary.in_corpus:
        primary_values = {m.stat.value for m in members if m.is_primary}
        if primary_values and any(s.value not in primary_values for s in stats):
            flags.append("primary_mismatch")
    elif primary is None:
        flags.append("no_primary_source")
    return tuple(flags)


def _first_seen(mentions: Sequence[Mention], corpus: Corpus) -> dict[str, Any] | None:
    return _earliest([m.article for m in mentions], corpus.articles)


# -- small views ----------------------------------------------------------------------------


def _oriented_links(clusters: ClusterResult, articles: Mapping[str, Article]) -> list[tuple[str, str, str]]:
    """Cluster links as (newer, older, copy_of|rewrite_of); undated articles count as newest.

    Only a stated publication date orders: an estimate (a URL or text date) counts as undated,
    and so does an article whose date is missing; between two such the clusterer's own
    orientation (`link.source` first: the longer text, then the id) is kept.
    """
    out = [(a.id, a.duplicate_of, "copy_of") for a in articles.values()
           if a.status is Status.DUPLICATE and a.duplicate_of is not None and a.duplicate_of in articles]
    for cluster in clusters.clusters:
        for link in cluster.links:
            a, b = articles[link.source], articles[link.target]
            # sorted() is stable: equal keys keep (source, target), the clusterer's precedence.
            older, newer = sorted((a, b), key=lambda x: (x.ordering_date is None, x.ordering_date or ""))
            out.append((newer.id, older.id, "copy_of" if link.kind == "copy" else "rewrite_of"))
    return out


def _article_dict(article: Article, cluster: str | None) -> dict[str, Any]:
    return {
        "id": article.id, "url": article.url, "final_url": article.final_url, "source_path": article.source_path,
        "title": article.title, "outlet": article.outlet, "author": article.author,
        "published": article.published, "date_source": article.date_source,
        "date_estimated": bool(article.date_estimated), "language": article.language, "status": article.status.value,
        "reason": article.reason, "cluster": cluster, "auto_generated": article.auto_generated,
        "is_primary": article.is_primary,
    }


def _exact_copies(articles: Mapping[str, Article], cluster_of: Mapping[str, str]) -> dict[str, str]:
    return {a.id: a.duplicate_of for a in articles.values()
            if a.status is Status.DUPLICATE and a.duplicate_of is not None and a.duplicate_of in cluster_of}


def _earliest(members: Sequence[str], articles: Mapping[str, Article]) -> dict[str, Any] | None:
    """The first appearance among these articles: stated publication date, else fetch time marked estimated.

    Estimated dates (from a URL path or the text) never decide what came first.
    """
    dated = [(articles[m].ordering_date, m, False) for m in members if articles[m].ordering_date]
    if not dated:  # no publication date anywhere: fall back to when we fetched, and say so
        dated = [(articles[m].fetched_at, m, True) for m in members if articles[m].fetched_at]
    if not dated:
        return None
    date, article, estimated = min(dated)
    return {"article": article, "date": date, "estimated": estimated}


def _cluster_dict(cluster: Any, copies: Mapping[str, str], articles: Mapping[str, Article],
                  separated: Sequence[Any] = ()) -> dict[str, Any]:
    """A cluster's JSON: members, first seen, its links with their evidence (`reasons`), and `kept_apart`:
    links from its members that the words proposed and the facts refused (other editions, months, dates)."""
    def link_dict(link: Any) -> dict[str, Any]:
        return {"source": link.source, "target": link.target, "kind": link.kind, "basis": link.basis,
                "jaccard": round(link.jaccard, 4), "containment": round(link.containment, 4),
                "cosine": None if link.cosine is None else round(link.cosine, 4),
                "shared_figures": list(link.shared_figures), "shared_entities": list(link.shared_entities),
                "reasons": list(getattr(link, "reasons", ()))}

    links = [link_dict(link) for link in cluster.links]
    apart = [link_dict(link) for link in separated if link.source in cluster.articles or link.target in cluster.articles]
    extra = sorted(dup for dup, orig in copies.items() if orig in cluster.articles)
    for dup in extra:
        links.append({"source": copies[dup], "target": dup, "kind": "copy", "basis": "exact_text",
                      "jaccard": 1.0, "containment": 1.0, "cosine": None, "shared_figures": [],
                      "shared_entities": [], "reasons": ["for: the same text"]})
    members = sorted([*cluster.articles, *extra])
    return {"id": cluster.id, "articles": members, "representative": cluster.representative,
            "first_seen": _earliest(members, articles), "links": links, "kept_apart": apart}


def _quotes(corpus: Corpus) -> list[dict[str, Any]]:
    out = []
    for article_id in sorted(corpus.annotations):
        for quote in corpus.annotations[article_id].quotes:
            out.append({"speaker": quote.speaker, "kb_id": quote.kb_id, "text": quote.text, "article": article_id,
                        "start": quote.start, "end": quote.end})
    return out

