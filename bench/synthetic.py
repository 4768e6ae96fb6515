"""SYNTHETIC annotations for the scaling measurement only: cluster/trace/report at 5k-20k pages.

Why: on the 2-core benchmark machine the real pipeline ingests about 7 pages/s
and extracts about 1-2 articles/s (spaCy plus the embedding model), so 20k
pages would take several hours before the stage we want to time (cluster +
trace + report) even starts. That stage only reads what ingest and extract
stored, so we store it directly, and label it:

- originals (at most 181): real `newstrace ingest` and real `newstrace extract`,
  done once into a cache store and copied by article id (ids are content hashes
  of the page bytes, identical in every corpus);
- copies and rewrites: an article row written through `Store.save_article`
  with the text our templates carry (what trafilatura returns for them, give or
  take a line), the id real ingest would give the page, and exact duplicates
  recorded as duplicates by the store itself, as in real ingest;
- their annotations: the original's, relocated onto the new text (each entity,
  figure, quote and claim is found again by its surface text near its old
  relative position; what the rewrite dropped or reworded is dropped), through
  `Store.save_annotations`, with `extra.synthetic` set;
- their embeddings: copies get the original's vectors; rewrites get them plus
  seeded Gaussian noise, re-normalised (cosine to the original about 0.86-0.97).

What this does not measure: ingest and extract at these sizes, and clustering
quality on rewrites (their embeddings are made up). Do not read the F1 of a
synthetic store as the clusterer's quality.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .generate import GenerationParams, PagePlan, Source, derived_content
from .rewrite import sentence_spans
from .templates import render

if TYPE_CHECKING:  # pragma: no cover
    from newstrace.corpus.records import Article
    from newstrace.corpus.store import Store

SYNTHETIC_LABEL = "bench.synthetic/1"
Item = dict[str, Any]
NOISE_SIGMA = (0.012, 0.03)
BATCH = 500


@dataclass(frozen=True)
class OriginalData:
    """What the cache holds for one original page."""

    article_id: str
    text: str
    annotations: Item  # the stored JSON of extract.records.Annotations
    article_vector: bytes | None
    figure_vectors: bytes | None


@dataclass(frozen=True)
class SyntheticSummary:
    articles: int
    duplicates: int
    annotated: int
    seconds_articles: float
    seconds_annotations: float


def load_originals(cache_db: str) -> dict[str, OriginalData]:
    """article id -> text, annotations and stored vectors, for every annotated original in the cache."""
    from newstrace.corpus.store import Store
    from newstrace.extract.pipeline import EMBED_KIND_ARTICLE, EMBED_KIND_FIGURES

    with Store.open(cache_db, migrate=False) as store:
        texts = {a.id: a.text for a in store.iter_articles()}
        vectors = {kind: {aid: blob for aid, _, blob in store.iter_embeddings(kind)}
                   for kind in (EMBED_KIND_ARTICLE, EMBED_KIND_FIGURES)}
        return {aid: OriginalData(aid, texts[aid], ann, vectors[EMBED_KIND_ARTICLE].get(aid),
                                  vectors[EMBED_KIND_FIGURES].get(aid))
                for aid, status, ann in store.iter_annotations() if status == "annotated" and aid in texts}


def copy_originals(store: "Store", originals: dict[str, OriginalData], cache_db: str) -> int:
    """Copy the cache's annotation and embedding rows of the originals present in `store`."""
    from newstrace.corpus.store import Store

    present = {a.id for a in store.iter_articles()}
    with Store.open(cache_db, migrate=False) as cache:
        hashes = cache.annotation_hashes()
    rows, vectors = [], []
    for aid in sorted(present & set(originals)):
        version, digest = hashes[aid][:2]
        rows.append((aid, version, digest, "annotated", originals[aid].annotations))
        vectors.extend(_vector_rows(aid, digest, originals[aid].article_vector, originals[aid].figure_vectors))
    store.save_annotations(rows, vectors)
    return len(rows)


def _vector_rows(aid: str, digest: str, article: bytes | None, figures: bytes | None) -> list[tuple]:
    from newstrace.extract.models import EMBEDDING_PACKAGE
    from newstrace.extract.pipeline import EMBED_KIND_ARTICLE, EMBED_KIND_FIGURES

    rows = []
    if article is not None:
        rows.append((aid, EMBED_KIND_ARTICLE, EMBEDDING_PACKAGE, digest, article))
    if figures is not None:
        rows.append((aid, EMBED_KIND_FIGURES, EMBEDDING_PACKAGE, digest, figures))
    return rows


def derived_article(plan: PagePlan, sources: dict[str, Source], params: GenerationParams,
                    corpus: Path) -> "Article":
    """The article row real ingest would store for a generated copy or rewrite (text as our templates hold it)."""
    from newstrace.corpus.ingest import EXTRACTOR_VERSION, text_hash
    from newstrace.corpus.records import Article, Status
    from newstrace.corpus.store import now
    from newstrace.corpus.urls import content_id

    layout, content = derived_content(plan, sources, params)
    body = render(layout, content).encode("utf-8")
    text = "\n".join([*content.paragraphs, *([content.credit] if content.credit else [])])
    return Article(id=content_id(body), url=None, final_url=None, canonical_url=None,
                   source_path=str((corpus / f"{plan.page_id}.html").resolve()), status=Status.OK,
                   title=content.title, author=content.author, published=content.published,
                   outlet=content.outlet.name, language="en", text=text, content_hash=text_hash(text),
                   fetched_at=now(), extractor_version=EXTRACTOR_VERSION + "+" + SYNTHETIC_LABEL)


def store_derived(store: "Store", plans: Sequence[PagePlan], sources: dict[str, Source], params: GenerationParams,
                  corpus: Path, originals_by_source: dict[str, OriginalData]) -> SyntheticSummary:
    """Article rows, then annotations and vectors, for `plans`, a batch at a time (flat memory at 20k)."""
    import time

    from newstrace.extract.kb import load_kb
    from newstrace.extract.pipeline import pipeline_fingerprint

    fingerprint = pipeline_fingerprint(load_kb())
    seconds = {"articles": 0.0, "annotations": 0.0}
    duplicates = annotated = 0
    for batch in _chunks(plans, BATCH):
        started = time.perf_counter()
        saved = []
        for plan in batch:
            article = derived_article(plan, sources, params, corpus)
            result = store.save_article(article, alias="file:" + str(article.source_path))
            if result.status == "ok":
                saved.append((plan, article))
            else:
                duplicates += 1
        middle = time.perf_counter()
        annotated += _annotate_batch(store, saved, originals_by_source, fingerprint)
        seconds["articles"] += middle - started
        seconds["annotations"] += time.perf_counter() - middle
    return SyntheticSummary(len(plans), duplicates, annotated, seconds["articles"], seconds["annotations"])


def _annotate_batch(store: "Store", saved: Sequence[tuple[PagePlan, "Article"]],
                    originals_by_source: dict[str, OriginalData], fingerprint: str) -> int:
    from newstrace.extract.pipeline import input_hash

    rows, vectors = [], []
    for plan, article in saved:
        original = originals_by_source.get(plan.source)
        if original is None:
            continue  # the original had no annotations (no article, skipped): nor would its copies
        digest = input_hash(article, fingerprint)
        ann, kept = relocate(original.annotations, original.text, article.text, article.id, fingerprint)
        rows.append((article.id, fingerprint, digest, "annotated", ann))
        article_vec, figure_vec = _derived_vectors(original, kept, plan)
        vectors.extend(_vector_rows(article.id, digest, article_vec, figure_vec))
    store.save_annotations(rows, vectors)
    return len(rows)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _derived_vectors(original: OriginalData, kept: Sequence[int], plan: PagePlan) -> tuple[bytes | None, bytes | None]:
    from newstrace.extract.embed import EMBEDDING_DIM, embedding_to_bytes, embeddings_from_bytes

    rng = np.random.default_rng(plan.index)
    sigma = rng.uniform(*NOISE_SIGMA) if plan.how == "rewrite" else 0.0
    article = None
    if original.article_vector is not None:
        article = embedding_to_bytes(_noisy(embeddings_from_bytes(original.article_vector), sigma, rng))
    figures = None
    if original.figure_vectors is not None and kept:
        matrix = embeddings_from_bytes(original.figure_vectors, EMBEDDING_DIM)
        rows = [i for i in kept if i < len(matrix)]
        if rows:
            figures = embedding_to_bytes(_noisy(matrix[rows], sigma, rng))
    return article, figures


def _noisy(matrix: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    if sigma <= 0:
        return matrix
    noisy = matrix + rng.normal(0.0, sigma, size=matrix.shape).astype(np.float32)
    return noisy / np.linalg.norm(noisy, axis=1, keepdims=True)


# -- relocating annotations onto a derived text -------------------------------------------


class _Locator:
    """Finds a surface string in the target text near where it sat in the source text."""

    def __init__(self, source: str, target: str):
        self.source = source
        self.target = target
        self.scale = len(target) / len(source) if source else 1.0
        self._cache: dict[str, list[int]] = {}

    def find(self, surface: str, old_start: int) -> int | None:
        if not surface:
            return None
        hits = self._cache.get(surface)
        if hits is None:
            hits = self._cache[surface] = _occurrences(self.target, surface)
        if not hits:
            return None
        expected = old_start * self.scale
        return min(hits, key=lambda h: abs(h - expected))

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """Where the source's characters start:end sit in the target, if they survived."""
        if start < 0 or end <= start:
            return None
        found = self.find(self.source[start:end], start)
        return None if found is None else (found, found + end - start)


def _occurrences(text: str, surface: str) -> list[int]:
    out, at = [], text.find(surface)
    while at >= 0:
        out.append(at)
        at = text.find(surface, at + 1)
    return out


def relocate(ann: Item, source: str, target: str, article_id: str, version: str) -> tuple[Item, list[int]]:
    """`ann` (stored JSON of `source`'s annotations) moved onto `target`; also the statistics kept, by old index.

    Works on the stored dicts, not on extract.records: rebuilding and re-serialising
    the dataclasses cost more than the relocation itself at 20k articles.
    """
    where = _Locator(source, target)
    sentences = sentence_spans(target)
    starts = [s for s, _ in sentences]
    entity_map, entities = _moved(ann.get("entities", ()), where)
    stat_map, statistics = _moved(ann.get("statistics", ()), where)
    statistics = [_fix_statistic(s, stat_map, sentences, starts, where) for s in statistics]
    quotes = [_move_speaker(q, where) for q in _moved(ann.get("quotes", ()), where)[1]]
    claims = [{**c, "statistics": _remap(c.get("statistics", ()), stat_map),
               "entities": _remap(c.get("entities", ()), entity_map),
               "attribution": _move_attribution(c.get("attribution"), where)}
              for c in _moved(ann.get("claims", ()), where)[1]]
    citations = [c if c["start"] < 0 else _moved_citation(c, where) for c in ann.get("citations", ())]
    kept_stats = sorted(stat_map, key=stat_map.__getitem__)
    return {**ann, "article_id": article_id, "pipeline_version": version,
            "sentences": [list(span) for span in sentences], "entities": entities, "statistics": statistics,
            "claims": claims, "quotes": quotes, "citations": [c for c in citations if c is not None],
            "extra": {**ann.get("extra", {}), "synthetic": SYNTHETIC_LABEL}}, kept_stats


def _moved(items: Iterable[Item], where: _Locator) -> tuple[dict[int, int], list[Item]]:
    """Items found again (old index -> new index) and the moved items in order."""
    index_map: dict[int, int] = {}
    out = []
    for old, item in enumerate(items):
        start = where.find(item["text"], item["start"])
        if start is None:
            continue
        index_map[old] = len(out)
        out.append({**item, "start": start, "end": start + len(item["text"])})
    return index_map, out


def _moved_citation(citation: Item, where: _Locator) -> Item | None:
    span = where.span(citation["start"], citation["end"])
    return None if span is None else {**citation, "start": span[0], "end": span[1]}


def _remap(indices: Iterable[int], index_map: dict[int, int]) -> list[int]:
    return [index_map[i] for i in indices if i in index_map]


def _fix_statistic(stat: Item, stat_map: dict[int, int], sentences: Sequence[tuple[int, int]],
                   starts: Sequence[int], where: _Locator) -> Item:
    position = bisect.bisect_right(starts, stat["start"]) - 1
    sentence = sentences[position] if position >= 0 else (stat["start"], stat["end"])
    return {**stat, "sentence_start": sentence[0], "sentence_end": max(sentence[1], stat["end"]),
            "compared_with": _remap(stat.get("compared_with", ()), stat_map),
            "attribution": _move_attribution(stat.get("attribution"), where)}


def _move_speaker(quote: Item, where: _Locator) -> Item:
    if quote.get("speaker_start", -1) < 0:
        return quote
    span = where.span(quote["speaker_start"], quote["speaker_end"]) or (-1, -1)
    return {**quote, "speaker_start": span[0], "speaker_end": span[1]}


def _move_attribution(attribution: Item | None, where: _Locator) -> Item | None:
    if attribution is None or attribution["start"] < 0:
        return attribution
    # A source whose name the rewrite lost keeps its attribution, unanchored, as inferred ones are.
    span = where.span(attribution["start"], attribution["end"]) or (-1, -1)
    return {**attribution, "start": span[0], "end": span[1]}
