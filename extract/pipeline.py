"""Annotate stored articles: entities, statistics, attributions, claims, quotes, citations.

`extract_corpus` is incremental: an article is re-annotated only when its
text, the pipeline version or the knowledge base changed (the input hash
says which), so a rerun on an unchanged corpus does no model work. Texts go
through `nlp.pipe` in batches; each batch's annotations and embeddings are
committed in one transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from corpus.records import Article, Status
from corpus.store import Store

from .records import Annotations, Attribution, Claim, Statistic

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc

    from .kb import KnowledgeBase

# Bump when any extractor changes what it produces; stored annotations of another version are redone.
PIPELINE_VERSION = "1.5"
EMBED_KIND_ARTICLE = "article"
EMBED_KIND_FIGURES = "figure_contexts"


@dataclass(frozen=True)
class ExtractOptions:
    force: bool = False
    batch_size: int = 32
    workers: int = 1
    kb_paths: tuple[Path, ...] = ()
    embed: bool = True
    # spaCy's parser needs ~1 GB per 100k characters; longer texts are skipped, not crashed on.
    max_chars: int = 200_000
    languages: tuple[str, ...] = ("en",)


@dataclass(frozen=True)
class ExtractSummary:
    annotated: int = 0
    skipped: int = 0
    unchanged: int = 0
    failed: int = 0
    failures: tuple[tuple[str, str], ...] = field(default=())

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def pipeline_fingerprint(kb: "KnowledgeBase") -> str:
    return f"{PIPELINE_VERSION}+kb.{kb.fingerprint[:12]}"


def is_current(stored: tuple[str, str, str] | None, digest: str) -> bool:
    """Stored annotations stand unless their input changed; failures are always retried."""
    return stored is not None and stored[1] == digest and stored[2] != "nlp_failed"


def input_hash(article: Article, fingerprint: str) -> str:
    digest = hashlib.sha256()
    for part in (fingerprint, article.title or "", article.text):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def annotate_doc(doc: "Doc", *, article_id: str, kb: "KnowledgeBase", links: Sequence[Any] = (),
                 version: str = PIPELINE_VERSION) -> Annotations:
    """Run every extractor over one parsed document and tie the pieces together."""
    from .attribution import attribute_sentences
    from .citations import find_citations
    from .claims import find_claims
    from .entities import NAME_LABELS, find_entities
    from .quotes import find_quotes
    from .statistics import find_statistics

    sentences = tuple((s.start_char, s.end_char) for s in doc.sents)
    # Dates are kept as entities for the report (conflicting dates across rewrites);
    # the source finders work on names only.
    entities = find_entities(doc, kb, labels=NAME_LABELS | {"DATE"})
    names = [e for e in entities if e.label != "DATE"]
    quotes = find_quotes(doc, names, kb)
    by_sentence = attribute_sentences(doc, names, kb, quotes=quotes)
    statistics = [_attach(stat, _sentence_attribution(sentences, by_sentence, stat.start))
                  for stat in find_statistics(doc)]
    claims = [_attach_claim(claim, _sentence_attribution(sentences, by_sentence, claim.start))
              for claim in find_claims(doc, statistics, entities)]
    return Annotations(
        article_id=article_id,
        pipeline_version=version,
        language="en",
        sentences=sentences,
        entities=tuple(entities),
        statistics=tuple(statistics),
        claims=tuple(claims),
        quotes=tuple(quotes),
        citations=tuple(find_citations(doc, names, kb, links, attributions=by_sentence)),
    )


def sentence_index(sentences: Sequence[tuple[int, int]], offset: int) -> int | None:
    """Index of the (start, end) sentence span containing `offset`, or None."""
    for index, (start, end) in enumerate(sentences):
        if start <= offset < end:
            return index
    return None


def _sentence_attribution(sentences: Sequence[tuple[int, int]], by_sentence: Sequence[Attribution | None],
                          offset: int) -> Attribution | None:
    index = sentence_index(sentences, offset)
    return by_sentence[index] if index is not None and index < len(by_sentence) else None


def _attach(stat: Statistic, attribution: Attribution | None) -> Statistic:
    return replace(stat, attribution=attribution) if stat.attribution is None else stat


def _attach_claim(claim: Claim, attribution: Attribution | None) -> Claim:
    return replace(claim, attribution=attribution) if claim.attribution is None else claim


def extract_corpus(store: Store, options: ExtractOptions = ExtractOptions(), *,
                   on_progress: Callable[[int, int], None] | None = None) -> ExtractSummary:
    """Annotate every article whose stored annotations are missing or stale."""
    from .kb import load_kb

    kb = load_kb(options.kb_paths)
    fingerprint = pipeline_fingerprint(kb)
    stored = store.annotation_hashes()
    todo: list[tuple[Article, str]] = []
    unchanged = 0
    for article in store.iter_articles(statuses=(Status.OK,)):
        digest = input_hash(article, fingerprint)
        if not options.force and is_current(stored.get(article.id), digest):
            unchanged += 1
            continue
        todo.append((article, digest))
    if on_progress:
        on_progress(0, len(todo))
    if not todo:
        return ExtractSummary(unchanged=unchanged)

    counts = {"annotated": 0, "skipped": 0, "failed": 0}
    failures: list[tuple[str, str]] = []
    done = 0
    for batch in _batches(todo, options.batch_size):
        rows, vectors, batch_failures = _annotate_batch(batch, kb, fingerprint, options)
        store.save_annotations(rows, vectors)
        for _, _, _, status, _ in rows:
            counts["annotated" if status == "annotated" else "skipped" if status == "nlp_skipped" else "failed"] += 1
        failures.extend(batch_failures)
        done += len(batch)
        if on_progress:
            on_progress(done, len(todo))
    return ExtractSummary(annotated=counts["annotated"], skipped=counts["skipped"], unchanged=unchanged,
                          failed=counts["failed"], failures=tuple(failures))


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), max(1, size)):
        yield items[start:start + size]


def _skip_reason(article: Article, options: ExtractOptions) -> str | None:
    if article.language and article.language not in options.languages:
        return f"nlp_skipped(language={article.language})"
    if len(article.text) > options.max_chars:
        return f"nlp_skipped(too_long={len(article.text)})"
    return None


def _annotate_batch(batch: Sequence[tuple[Article, str]], kb: "KnowledgeBase", fingerprint: str,
                    options: ExtractOptions) -> tuple[list[tuple[str, str, str, str, dict[str, Any]]],
                                                      list[tuple[str, str, str, str, bytes]],
                                                      list[tuple[str, str]]]:
    from .entities import kb_pipeline

    nlp = kb_pipeline(kb)
    rows: list[tuple[str, str, str, str, dict[str, Any]]] = []
    failures: list[tuple[str, str]] = []
    runnable: list[tuple[Article, str]] = []
    for article, digest in batch:
        reason = _skip_reason(article, options)
        if reason:
            skipped = Annotations(article_id=article.id, pipeline_version=fingerprint,
                                  language=article.language, skipped=reason)
            rows.append((article.id, fingerprint, digest, "nlp_skipped", skipped.to_dict()))
        else:
            runnable.append((article, digest))

    annotated: list[tuple[Article, str, Annotations]] = []
    texts = (article.text for article, _ in runnable)
    pipe_kwargs: dict[str, Any] = {"batch_size": options.batch_size}
    if options.workers > 1:
        pipe_kwargs["n_process"] = options.workers
    for (article, digest), doc in zip(runnable, nlp.pipe(texts, **pipe_kwargs)):
        try:
            ann = annotate_doc(doc, article_id=article.id, kb=kb, links=article.links, version=fingerprint)
        except Exception as exc:  # noqa: BLE001 - one bad document must not sink the batch
            reason = f"nlp_failed({type(exc).__name__}: {exc})"[:500]
            failures.append((article.id, reason))
            failed = Annotations(article_id=article.id, pipeline_version=fingerprint, skipped=reason)
            rows.append((article.id, fingerprint, digest, "nlp_failed", failed.to_dict()))
            continue
        rows.append((article.id, fingerprint, digest, "annotated", ann.to_dict()))
        annotated.append((article, digest, ann))

    vectors = _embed(annotated) if options.embed and annotated else []
    return rows, vectors, failures


def _embed(annotated: Sequence[tuple[Article, str, Annotations]]) -> list[tuple[str, str, str, str, bytes]]:
    """Embed what clustering and figure families need: one vector per article, one per figure context.

    A figure's context is its sentence. Several figures share a sentence and
    syndicated copies share whole articles, so each distinct sentence is
    encoded once per batch: the encoder is the most expensive step here.
    """
    import numpy as np

    from .embed import article_representation, embed_texts, embedding_to_bytes
    from .models import EMBEDDING_PACKAGE

    article_vectors = embed_texts([article_representation(a.title, a.text) for a, _, _ in annotated])
    unique: dict[str, int] = {}
    rows_of: list[list[int]] = []  # per article: the unique-context row of each statistic
    for article, _, ann in annotated:
        rows_of.append([unique.setdefault(figure_context(article.text, stat), len(unique))
                        for stat in ann.statistics])
    context_vectors = embed_texts(list(unique)) if unique else None
    out: list[tuple[str, str, str, str, bytes]] = []
    for index, (article, digest, _) in enumerate(annotated):
        out.append((article.id, EMBED_KIND_ARTICLE, EMBEDDING_PACKAGE, digest,
                    embedding_to_bytes(article_vectors[index])))
        if context_vectors is not None and rows_of[index]:
            out.append((article.id, EMBED_KIND_FIGURES, EMBEDDING_PACKAGE, digest,
                        embedding_to_bytes(np.vstack([context_vectors[row] for row in rows_of[index]]))))
    return out


def figure_context(text: str, stat: Statistic) -> str:
    """What a figure is about, for matching it across articles: the sentence that states it."""
    if stat.sentence_end > stat.sentence_start:
        return text[stat.sentence_start:stat.sentence_end]
    return stat.text


def load_annotations(store: Store) -> Iterator[tuple[str, str, Annotations]]:
    for article_id, status, data in store.iter_annotations():
        yield article_id, status, Annotations.from_dict(data)
