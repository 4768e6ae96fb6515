"""Assemble the claim-provenance report from the store: clusters, families, traces, conflicts.

This is the one entry point the CLI calls for `cluster`, `report` and `run`.
It reads articles, annotations and embeddings (computed by `extract`),
clusters coverage, groups figures into families, traces every mention to its
primary source, and returns a `Report` whose `to_dict()` is the JSON contract.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from corpus.records import Article, Status
from corpus.errors import StoreError
from corpus.store import Store, now
from extract.embed import embedding_from_bytes, embeddings_from_bytes
from extract.pipeline import EMBED_KIND_ARTICLE, EMBED_KIND_FIGURES, load_annotations, sentence_index
from extract.records import Annotations, Attribution, Statistic

from .cluster import ClusterDoc, ClusterOptions, ClusterResult, cluster_documents, result_from_dict, result_to_dict
from .conflicts import find_conflicts
from .display import statement_label
from .estimates import trace_estimates
from .figures import FamilyOptions, MentionInput, canonical_value, group_mentions, merge_families, most_common
from .records import ChainStep, FigureFamily, Mention, PrimarySource, Report, SourceRef
from .trace import PRIMARY_KINDS, article_node_id, build_graph, chain_for, to_source_ref

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProvenanceOptions:
    cluster: ClusterOptions = field(default_factory=ClusterOptions)
    families: FamilyOptions = field(default_factory=FamilyOptions)
    kb_paths: tuple[Any, ...] = ()
    scheduler: str | None = None  # a Dask scheduler address: coverage clustering runs there


@dataclass(frozen=True)
class Corpus:
    """Everything the provenance stage reads, loaded once."""

    articles: dict[str, Article]  # every row, failures included (the report lists them)
    annotations: dict[str, Annotations]  # annotated articles only
    article_vectors: dict[str, np.ndarray]
    figure_vectors: dict[str, np.ndarray]


def load_corpus(store: Store) -> Corpus:
    articles = {a.id: a for a in store.iter_articles(statuses=None)}
    annotations = {aid: ann for aid, status, ann in load_annotations(store)
                   if status == "annotated" and aid in articles}
    article_vectors = {aid: embedding_from_bytes(blob) for aid, _, blob in store.iter_embeddings(EMBED_KIND_ARTICLE)}
    figure_vectors = {aid: embeddings_from_bytes(blob) for aid, _, blob in store.iter_embeddings(EMBED_KIND_FIGURES)}
    return Corpus(articles, annotations, article_vectors, figure_vectors)


def figure_key(stat: Statistic) -> str:
    """A figure's identity for clustering evidence, coarse enough that rounding does not hide it.

    Rewrites round (17.1 -> 17, 15.86 -> 15.9 -> "nearly 16"), so measured
    quantities are keyed by their nearest integer; ranks and counts are exact.
    """
    value = stat.value if stat.unit in ("rank", "count") else round(stat.value)
    return f"{value:g}|{stat.unit}" + (f"|of{stat.of:g}" if stat.of is not None else "")


def cluster_docs(corpus: Corpus) -> tuple[list[ClusterDoc], list[ClusterDoc]]:
    """What the clusterer sees of each article with text: (coverage, primary documents)."""
    docs: list[ClusterDoc] = []
    primary: list[ClusterDoc] = []
    # Articles extract skipped (another language, too long) are clustered too, by their text
    # alone: a Russian wire story and its reprints are still copies of each other.
    ids = sorted(set(corpus.annotations) | {a.id for a in corpus.articles.values() if a.status is Status.OK and a.text})
    for article_id in ids:
        article, ann = corpus.articles[article_id], corpus.annotations.get(article_id)
        (primary if article.is_primary else docs).append(ClusterDoc(
            article_id=article_id, text=article.text, embedding=corpus.article_vectors.get(article_id),
            published=article.ordering_date,  # an estimated date never orders a link
            figures=frozenset(figure_key(s) for s in ann.statistics) if ann else frozenset(),
            entities=frozenset(e.kb_id for e in ann.entities if e.kb_id) if ann else frozenset()))
    return docs, primary


def cluster_corpus(corpus: Corpus, options: ClusterOptions = ClusterOptions(), *,
                   clusterer: Callable[[list[ClusterDoc], ClusterOptions], ClusterResult] = cluster_documents,
                   ) -> ClusterResult:
    """Coverage clusters of the articles with text (`clusterer` may run them elsewhere, e.g. on Dask).

    Primary documents stay out: they are what coverage traces back to, not
    coverage, and a study page must not lend its figures to a rewrite as if it
    were a sibling retelling. Each is its own singleton cluster.
    """
    docs, primary = cluster_docs(corpus)
    result = clusterer(docs, options)
    singles = [cluster_documents([doc], options).clusters[0] for doc in primary]
    return replace(result, clusters=tuple(sorted(result.clusters + tuple(singles), key=lambda c: c.articles)))


# Bump when clustering returns something else for the same inputs: cached results are then ignored.
CLUSTER_CACHE_VERSION = "3"
CLUSTER_CACHE_NAME = "clusters"


def clustering_key(corpus: Corpus, options: ClusterOptions) -> str:
    """A digest of everything clustering reads, so an unchanged corpus reuses its clusters.

    Hashing the texts and vectors themselves (not row timestamps) means a
    re-extract that produces the same annotations still hits the cache.
    """
    digest = hashlib.sha256(f"{CLUSTER_CACHE_VERSION}|{options!r}".encode())
    docs, primary = cluster_docs(corpus)
    for kind, group in (("coverage", docs), ("primary", primary)):
        for doc in group:
            digest.update(f"\x00{kind}\x00{doc.article_id}\x00{doc.published}\x00".encode())
            digest.update(hashlib.sha256(doc.text.encode("utf-8")).digest())
            digest.update(b"" if doc.embedding is None else np.asarray(doc.embedding, dtype=np.float32).tobytes())
            digest.update("\x01".join(sorted(doc.figures) + ["\x02"] + sorted(doc.entities)).encode())
    return digest.hexdigest()


def clusters_for(store: Store, corpus: Corpus, options: ProvenanceOptions = ProvenanceOptions()) -> ClusterResult:
    """Coverage clusters, from the results cache when nothing clustering reads has changed."""
    key = clustering_key(corpus, options.cluster)
    cached = store.get_result(CLUSTER_CACHE_NAME, key)
    if cached is not None:
        return result_from_dict(cached)
    if options.scheduler:
        from .cluster_dask import cluster_corpus_dask

        clusters = cluster_corpus_dask(corpus, options.scheduler, options.cluster)
    else:
        clusters = cluster_corpus(corpus, options.cluster)
    try:
        store.save_result(CLUSTER_CACHE_NAME, key, result_to_dict(clusters))
    except StoreError as exc:
        # A read-only corpus still gets its report; only the next run is slower.
        logger.warning("clusters not cached: %s", exc)
    return clusters


def analyse(store: Store, options: ProvenanceOptions = ProvenanceOptions()) -> tuple[Report, Corpus]:
    """The report and the corpus it was built from (renderers and exports need the texts)."""
    from extract.kb import load_kb

    kb = load_kb(tuple(options.kb_paths))
    corpus = load_corpus(store)
    return assemble(corpus, clusters_for(store, corpus, options), kb, options), corpus


def cluster_view(store: Store, options: ProvenanceOptions = ProvenanceOptions()) -> list[dict[str, Any]]:
    """The report's "clusters" entries alone: what `newstrace cluster` prints, without families or traces."""
    corpus = load_corpus(store)
    clusters = clusters_for(store, corpus, options)
    cluster_of = {aid: c.id for c in clusters.clusters for aid in c.articles}
    copies = _exact_copies(corpus.articles, cluster_of)
    return [_cluster_dict(c, copies, corpus.articles) for c in clusters.clusters]


def build_report(store: Store, options: ProvenanceOptions = ProvenanceOptions()) -> Report:
    return analyse(store, options)[0]


def assemble(corpus: Corpus, clusters: ClusterResult, kb: Any, options: ProvenanceOptions) -> Report:
    cluster_of = {aid: c.id for c in clusters.clusters for aid in c.articles}
    # Exact duplicates were stored once (no text); they still belong to their original's story.
    copies = _exact_copies(corpus.articles, cluster_of)
    cluster_of.update({dup: cluster_of[orig] for dup, orig in copies.items()})
    kb_names = _kb_names(kb)
    cluster_links = _oriented_links(clusters, corpus.articles)
    canonical_index = {a.canonical_url: a.id for a in corpus.articles.values() if a.canonical_url and a.is_article}
    graph = build_graph({k: v for k, v in corpus.articles.items() if v.status in (Status.OK, Status.DUPLICATE)},
                        corpus.annotations,
                        cluster_links, canonical_index, kb_names)

    inputs = _mention_inputs(corpus, cluster_of)
    groups = merge_families(group_mentions(inputs, options.families), inputs, options.families)
    families = _families(groups, inputs, corpus, cluster_of, kb, kb_names, graph, copies, options.families)

    conflicts = []
    for cluster in clusters.clusters:
        if len(cluster.articles) > 1:
            conflicts.extend(find_conflicts(cluster.id, cluster.articles, corpus.articles, corpus.annotations))

    nodes, edges = graph.sorted()
    articles_out = tuple(_article_dict(a, cluster_of.get(a.id)) for a in sorted(corpus.articles.values(),
                                                                                 key=lambda a: a.id))
    clusters_out = tuple(_cluster_dict(c, copies, corpus.articles) for c in clusters.clusters)
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


def _mention_inputs(corpus: Corpus, cluster_of: Mapping[str, str]) -> list[MentionInput]:
    inputs: list[MentionInput] = []
    for article_id in sorted(corpus.annotations):
        ann = corpus.annotations[article_id]
        vectors = corpus.figure_vectors.get(article_id)
        for index, stat in enumerate(ann.statistics):
            vector = vectors[index] if vectors is not None and index < len(vectors) else None
            inputs.append(MentionInput((article_id, index), stat, cluster_of.get(article_id), vector,
                                       corpus.articles[article_id].is_primary))
    return inputs


def _families(groups: Sequence[Sequence[int]], inputs: Sequence[MentionInput], corpus: Corpus,
              cluster_of: Mapping[str, str], kb: Any, kb_names: Mapping[str, tuple[str, str | None]],
              graph: Any, copies: Mapping[str, str], options: FamilyOptions = FamilyOptions()) -> list[FigureFamily]:
    families: list[FigureFamily] = []
    primary_by_kb = _primary_articles_by_kb(corpus, kb)
    by_original = _copies_by_original(copies)
    for group in groups:
        members = [inputs[i] for i in group]
        stats = [m.stat for m in members]
        primary_stats = [m.stat for m in members if m.is_primary]
        value = canonical_value(stats, primary_stats)
        unit = stats[0].unit
        # The primary document words the quantity best; coverage votes when there is none.
        holder = most_common([s.holder for s in primary_stats]) or most_common([s.holder for s in stats])
        measure = most_common([s.measure for s in primary_stats]) or most_common([s.measure for s in stats])
        period = most_common([s.period for s in primary_stats]) or most_common([s.period for s in stats])
        # Direct attributions first, so inferred ones can point at a real chain.
        direct_chains: dict[str, tuple[ChainStep, ...]] = {}
        donors = _donors(members, cluster_of)
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
                mentions_by_member[member.key] = _mention(member, corpus, _self_source(member, corpus, kb, kb_names),
                                                          (), kb_names)
                continue
            source, via_chain = _carried(member, corpus, cluster_of, kb_names)
            if source is None:
                source, via_chain = _inferred(member, donors, cluster_of, direct_chains)
            mentions_by_member[member.key] = _mention(member, corpus, source, via_chain, kb_names)
        found = list(mentions_by_member.values())
        found += _copy_mentions(found, by_original, corpus)
        mentions = tuple(sorted(found, key=lambda m: (m.date or "9999", m.article, m.start)))
        vector_of = {(m.key[0], m.stat.start): m.vector for m in members if m.vector is not None}
        vectors = {i: v for i, m in enumerate(mentions)
                   if (v := vector_of.get((m.copy_of or m.article, m.start))) is not None}
        estimates, mentions, estimate_flags = trace_estimates(
            mentions, vectors, {i: cluster_of.get(m.article) for i, m in enumerate(mentions)}, options)
        primary = _primary_source(members, mentions, corpus, kb, kb_names, primary_by_kb)
        flags = _flags(stats, mentions, members, primary, value, estimate_flags)
        family_id = "f-" + hashlib.sha1("|".join(f"{a}:{i}" for a, i in sorted(m.key for m in members))
                                        .encode()).hexdigest()[:10]
        families.append(FigureFamily(
            id=family_id, value=value, unit=unit, of=stats[0].of, measure=measure, holder=holder, period=period,
            mentions=mentions, primary_source=primary, first_seen=_first_seen(mentions, corpus),
            variants=tuple(dict.fromkeys(m.text for m in mentions)), flags=flags,
            statement=_statement(value, unit, stats[0].of, holder, measure, period, stats[0].currency),
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


def _self_source(member: MentionInput, corpus: Corpus, kb: Any,
                 kb_names: Mapping[str, tuple[str, str | None]]) -> SourceRef:
    article = corpus.articles[member.key[0]]
    kb_id = _resolve_id(kb, article.title)
    name, kind = kb_names.get(kb_id, (None, None)) if kb_id else (None, None)
    return SourceRef(name=name or article.title or article.id, kind=kind or "study", kb_id=kb_id,
                     cue="primary document")


# How far back, in sentences of the same paragraph, a figure may borrow the source of an attributed one.
CARRY_SENTENCES = 2


def _carried(member: MentionInput, corpus: Corpus, cluster_of: Mapping[str, str],
             kb_names: Mapping[str, tuple[str, str | None]]) -> tuple[SourceRef | None, tuple[ChainStep, ...]]:
    """Borrow the source of an attributed figure a sentence or two earlier in the same paragraph.

    Reporting often names the source once and lists several figures from it
    ("In this evaluation, eight ... The only two non-Chinese models (ranked
    second and ninth) ..."). The source is marked inferred, via this same article.
    """
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
                       cue="carried over from an earlier sentence", inferred=True, via=article_id)
    article = corpus.articles[article_id]
    chain = chain_for(article, ann, to_source_ref(best.attribution), (), kb_names)
    return source, chain[1:]


def _donors(members: Sequence[MentionInput], cluster_of: Mapping[str, str]) -> dict[str, list[MentionInput]]:
    """Attributed members of a family by coverage cluster, in key order: who can lend a source."""
    out: dict[str, list[MentionInput]] = defaultdict(list)
    for member in sorted(members, key=lambda m: m.key):
        cluster = cluster_of.get(member.key[0])
        if cluster is not None and member.stat.attribution is not None:
            out[cluster].append(member)
    return out


def _inferred(member: MentionInput, donors: Mapping[str, Sequence[MentionInput]], cluster_of: Mapping[str, str],
              direct_chains: Mapping[str, tuple[ChainStep, ...]]) -> tuple[SourceRef | None, tuple[ChainStep, ...]]:
    """Borrow the source of the same figure from another article of the same coverage cluster."""
    cluster = cluster_of.get(member.key[0])
    if cluster is None:
        return None, ()
    donor = next((m for m in donors.get(cluster, ()) if m.key[0] != member.key[0]), None)
    if donor is None:
        return None, ()
    attribution: Attribution = donor.stat.attribution  # type: ignore[assignment]
    source = SourceRef(name=attribution.name, kind=attribution.kind, kb_id=attribution.kb_id,
                       cue="inferred from coverage cluster", inferred=True, via=donor.key[0])
    return source, direct_chains.get(donor.key[0], ())


def _mention(member: MentionInput, corpus: Corpus, source: SourceRef | None, via_chain: Sequence[ChainStep],
             kb_names: Mapping[str, tuple[str, str | None]]) -> Mention:
    article = corpus.articles[member.key[0]]
    stat = member.stat
    chain = chain_for(article, corpus.annotations.get(article.id), source, via_chain, kb_names)
    return Mention(
        article=article.id, text=stat.text, value=stat.value, unit=stat.unit, start=stat.start, end=stat.end,
        sentence=article.text[stat.sentence_start:stat.sentence_end], sentence_start=stat.sentence_start,
        sentence_end=stat.sentence_end, of=stat.of, approx=stat.approx, measure=stat.measure, holder=stat.holder,
        period=stat.period, outlet=article.outlet, date=article.published, attribution=source, chain=chain)


def _primary_source(members: Sequence[MentionInput], mentions: Sequence[Mention], corpus: Corpus, kb: Any,
                    kb_names: Mapping[str, tuple[str, str | None]], primary_by_kb: Mapping[str, str],
                    ) -> PrimarySource | None:
    """An ingested primary document if one states the figure; else the most cited study/dataset/leaderboard.

    Inferred sources count too: they are the same source, reached through coverage.
    """
    attributions = [m.attribution for m in mentions if m.attribution is not None]
    for member in sorted(members, key=lambda m: m.key):
        if member.is_primary:
            article = corpus.articles[member.key[0]]
            kb_id = _resolve_id(kb, article.title)
            stat = member.stat
            return PrimarySource(
                name=kb_names.get(kb_id, (article.title or article.id, None))[0] if kb_id else (article.title or article.id),
                kind=(kb_names.get(kb_id, (None, None))[1] if kb_id else None) or "study",
                kb_id=kb_id, url=article.url or _kb_url(kb, kb_id), in_corpus=True, article=article.id,
                evidence={"article": article.id, "sentence": article.text[stat.sentence_start:stat.sentence_end],
                          "start": stat.sentence_start, "end": stat.sentence_end})
    if not attributions:
        return None
    ranked = sorted(attributions, key=lambda a: (a.kind not in PRIMARY_KINDS, a.kb_id is None))
    best_kind_first = ranked[0]
    counts: dict[tuple[str | None, str], int] = defaultdict(int)
    for a in attributions:
        if (a.kind in PRIMARY_KINDS) == (best_kind_first.kind in PRIMARY_KINDS):
            counts[(a.kb_id, a.name)] += 1
    kb_id, name = max(counts, key=lambda k: (counts[k], k[0] is not None, k[1]))
    label, kind = kb_names.get(kb_id, (name, None)) if kb_id else (name, None)
    kind = kind or next((a.kind for a in attributions if (a.kb_id, a.name) == (kb_id, name)), None)
    in_corpus_article = primary_by_kb.get(kb_id) if kb_id else None
    return PrimarySource(name=label, kind=kind, kb_id=kb_id, url=_kb_url(kb, kb_id),
                         in_corpus=in_corpus_article is not None, article=in_corpus_article)


def _primary_articles_by_kb(corpus: Corpus, kb: Any) -> dict[str, str]:
    """KB id -> the first ingested primary document that is that source (resolved once, not per family)."""
    out: dict[str, str] = {}
    for article in corpus.articles.values():
        if article.is_primary and article.is_article:
            kb_id = _resolve_id(kb, article.title)
            if kb_id:
                out.setdefault(kb_id, article.id)
    return out


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


def _statement(value: float, unit: str, of: float | None, holder: str | None, measure: str | None,
               period: str | None, currency: str | None = None) -> str:
    """The label every view shows: "US developers' share of downloads: 15.8% (year to August 2025)"."""
    return statement_label(value, unit, of, holder, measure, period, currency)


# -- small views ----------------------------------------------------------------------------


def _kb_names(kb: Any) -> dict[str, tuple[str, str | None]]:
    return {entry.id: (entry.name, entry.kind) for entry in kb}


def _resolve_id(kb: Any, name: str | None) -> str | None:
    if not name:
        return None
    match = kb.resolve(name)
    return match.entry.id if match is not None else None


def _kb_url(kb: Any, kb_id: str | None) -> str | None:
    if not kb_id:
        return None
    entry = kb.get(kb_id)
    return getattr(entry, "url", None) if entry is not None else None


def _oriented_links(clusters: ClusterResult, articles: Mapping[str, Article]) -> list[tuple[str, str, str]]:
    """Cluster links as (newer, older, copy_of|rewrite_of); undated articles count as newest.

    Only a stated publication date orders: an estimate (a URL or text date) counts as undated,
    and so does an article whose date is missing; between two such the clusterer's own
    orientation (`link.source` first: the longer text, then the id) is kept.
    """
    out = [(a.id, a.duplicate_of, "copy_of") for a in articles.values()
           if a.status is Status.DUPLICATE and a.duplicate_of in articles]
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
            if a.status is Status.DUPLICATE and a.duplicate_of in cluster_of}


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


def _cluster_dict(cluster: Any, copies: Mapping[str, str], articles: Mapping[str, Article]) -> dict[str, Any]:
    links = [{"source": l.source, "target": l.target, "kind": l.kind, "basis": l.basis,
              "jaccard": round(l.jaccard, 4), "containment": round(l.containment, 4),
              "cosine": None if l.cosine is None else round(l.cosine, 4),
              "shared_figures": list(l.shared_figures), "shared_entities": list(l.shared_entities)}
             for l in cluster.links]
    extra = sorted(dup for dup, orig in copies.items() if orig in cluster.articles)
    for dup in extra:
        links.append({"source": copies[dup], "target": dup, "kind": "copy", "basis": "exact_text",
                      "jaccard": 1.0, "containment": 1.0, "cosine": None, "shared_figures": [],
                      "shared_entities": []})
    members = sorted([*cluster.articles, *extra])
    return {"id": cluster.id, "articles": members, "representative": cluster.representative,
            "first_seen": _earliest(members, articles), "links": links}


def _quotes(corpus: Corpus) -> list[dict[str, Any]]:
    out = []
    for article_id in sorted(corpus.annotations):
        for quote in corpus.annotations[article_id].quotes:
            out.append({"speaker": quote.speaker, "kb_id": quote.kb_id, "text": quote.text, "article": article_id,
                        "start": quote.start, "end": quote.end})
    return out

