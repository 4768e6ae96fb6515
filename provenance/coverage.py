"""The corpus the provenance stage reads, and what coverage clustering sees of it.

`load_corpus` reads articles, annotations and embeddings once; `cluster_docs`
turns them into the clusterer's input (texts, vectors, figures, story facts);
`cluster_corpus` clusters the coverage and keeps primary documents apart;
`clustering_key` is the digest the results cache is keyed by. Both cluster
runners (here and `cluster_dask`) start from these.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from newstrace.corpus.records import Article, Status
from newstrace.corpus.store import Store
from newstrace.extract.embed import embedding_from_bytes, embeddings_from_bytes
from newstrace.extract.pipeline import EMBED_KIND_ARTICLE, EMBED_KIND_FIGURES, load_annotations
from newstrace.extract.records import Annotations, Statistic

from .cluster import ClusterDoc, ClusterOptions, ClusterResult, cluster_documents
from .human_annotations import apply_corrections


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
    # Corrections imported from annotation tools replace extract's statistics and sources (issue 16).
    apply_corrections(annotations, {aid: (a.text, a.content_hash) for aid, a in articles.items()},
                      store.human_annotations(), figure_vectors)
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
            entities=frozenset(e.kb_id for e in ann.entities if e.kb_id) if ann else frozenset(),
            language=(article.language or "").split("-")[0].lower() or None,
            **_story_facts(article, ann)))
    return docs, primary


# The opening sentences say what a story is about; its lead figures are the ones stated there.
LEAD_SENTENCES = 3


def _story_facts(article: Article, ann: Annotations | None) -> dict[str, Any]:
    """ClusterDoc's story evidence: figures with their reference period, the lead ones, named editions."""
    from .editions import own_editions

    editions = own_editions(f"{article.title or ''}\n{article.text}", article.language)
    if ann is None:
        return {"editions": editions}
    lead_end = ann.sentences[min(LEAD_SENTENCES, len(ann.sentences)) - 1][1] if ann.sentences else 0
    facts, lead = set(), set()
    for stat in ann.statistics:
        # period_key: "2025-07", "2024", "2025-Q2", resolved by extract (None until it knows the period).
        period = getattr(stat, "period_key", None) or _month_only(stat.period, article.language)
        if not period:
            continue
        fact = (figure_key(stat), str(period) + ("|forecast" if getattr(stat, "forecast", False) else ""))
        facts.add(fact)
        if stat.start < lead_end:
            lead.add(fact)
    return {"facts": frozenset(facts), "lead_facts": frozenset(lead), "editions": editions}


def _month_only(period: str | None, language: str | None) -> str | None:
    """"--06" for a bare month ("in June") that extract could not give a year (no stated article date)."""
    from newstrace.extract import langdata

    if not period:
        return None
    lang = (language or "en").split("-")[0]
    lang = lang if langdata.has(lang, "stat_periods") else langdata.DEFAULT_LANGUAGE
    months = langdata.table(lang, "stat_periods").get("months") or {}
    words = period.lower().replace(".", "").split()
    if words and words[0] in ("in", "for", "during", "of"):
        words = words[1:]
    return f"--{int(months[words[0]]):02d}" if len(words) == 1 and words[0] in months else None


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
CLUSTER_CACHE_VERSION = "5"  # 4: story evidence (facts, editions), reasons and separated links; 5: languages
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
            digest.update(repr((sorted(doc.facts), sorted(doc.lead_facts), sorted(doc.editions),
                                doc.language)).encode())
    return digest.hexdigest()
