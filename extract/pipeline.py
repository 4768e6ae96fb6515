"""Annotate stored articles: entities, statistics, attributions, claims, quotes, citations.

`extract_corpus` is incremental: an article is re-annotated only when its
text, the pipeline version or the knowledge base changed (the input hash
says which), so a rerun on an unchanged corpus does no model work. Texts go
through `nlp.pipe` in batches; each batch's annotations and embeddings are
committed in one transaction.

The two models overlap: while spaCy parses batch k+1 on the main thread, a
second thread encodes batch k's texts (torch releases the GIL), and batch k
is written once both are done. Only the main thread touches the store.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import hashlib
import itertools
from collections import Counter, OrderedDict
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newstrace.corpus.records import Article, Status
from newstrace.corpus.store import Store

from .records import Annotations, Attribution, Claim, Statistic

if TYPE_CHECKING:  # pragma: no cover
    from concurrent.futures import Future

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
    # The language data (word lists, cue patterns) changes what extract finds as much as the code does.
    from .langdata import fingerprint as language_data_fingerprint

    return f"{PIPELINE_VERSION}+kb.{kb.fingerprint[:12]}+lang.{language_data_fingerprint()}"


def is_current(stored: tuple[str, str, str] | None, digest: str) -> bool:
    """Stored annotations stand unless their input changed; failures are always retried."""
    return stored is not None and stored[1] == digest and stored[2] != "nlp_failed"


def reference_date(article: Article) -> str | None:
    """The date relative periods of the article's figures are resolved against: its publication
    date, unless that date is only an estimate (then "this year" stays unresolved)."""
    if getattr(article, "date_estimated", False):
        return None
    return article.published


def input_hash(article: Article, fingerprint: str) -> str:
    digest = hashlib.sha256()
    # the reference date is an input: "this year" in the text resolves against it
    for part in (fingerprint, article.title or "", article.text, reference_date(article) or ""):
        digest.update(part.encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


def annotate_doc(doc: "Doc", *, article_id: str, kb: "KnowledgeBase", links: Sequence[Any] = (),
                 version: str = PIPELINE_VERSION, published: str | None = None) -> Annotations:
    """Run every extractor over one parsed document and tie the pieces together."""
    from .attribution import attribute_sentences
    from .citations import find_citations
    from .claims import find_claims
    from .entities import NAME_LABELS, find_entities
    from .quotes import find_quotes
    from .resolve import find_acronyms
    from .statistics import find_statistics

    sentences = tuple((s.start_char, s.end_char) for s in doc.sents)
    # Dates are kept as entities for the report (conflicting dates across rewrites);
    # the source finders work on names only.
    entities = find_entities(doc, kb, labels=NAME_LABELS | {"DATE"})
    names = [e for e in entities if e.label != "DATE"]
    quotes = find_quotes(doc, names, kb)
    acronyms = find_acronyms(doc.text)
    by_sentence = attribute_sentences(doc, names, kb, quotes=quotes, acronyms=acronyms)
    statistics = [_attach(stat, _sentence_attribution(sentences, by_sentence, stat.start))
                  for stat in find_statistics(doc, published=published)]
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
        # Acronyms the article defines ("Bureau of Labor Statistics (BLS)"), for the corpus-wide registry.
        extra={"acronyms": acronyms} if acronyms else {},
    )


def sentence_index(sentences: Sequence[tuple[int, int]], offset: int) -> int | None:
    """Index of the (start, end) sentence span containing `offset`, or None.

    Sentences are in text order and do not overlap, so a binary search finds
    the one span that can hold `offset`; provenance asks this once per figure.
    """
    index = bisect.bisect_right(sentences, offset, key=lambda span: span[0]) - 1
    if index >= 0 and sentences[index][0] <= offset < sentences[index][1]:
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


@dataclass(frozen=True)
class Plan:
    """Which articles a run must annotate: ids only, so a large corpus's texts are never all in memory."""

    todo: frozenset[str]
    unchanged: int
    fingerprint: str

    @property
    def total(self) -> int:
        return len(self.todo)


AnnotationRow = tuple[str, str, str, str, dict[str, Any]]
VectorRow = tuple[str, str, str, str, bytes]


@dataclass(frozen=True)
class BatchResult:
    """One batch's rows for `Store.save_annotations` and the failures among them."""

    rows: tuple[AnnotationRow, ...]
    vectors: tuple[VectorRow, ...] = ()
    failures: tuple[tuple[str, str], ...] = ()


def plan(store: Store, options: ExtractOptions, fingerprint: str) -> Plan:
    """The articles whose stored annotations are missing, stale or failed (all of them with `force`)."""
    stored = store.annotation_hashes()
    todo: set[str] = set()
    unchanged = 0
    for article in store.iter_articles(statuses=(Status.OK,)):
        if not options.force and is_current(stored.get(article.id), input_hash(article, fingerprint)):
            unchanged += 1
        else:
            todo.add(article.id)
    return Plan(frozenset(todo), unchanged, fingerprint)


def work_batches(store: Store, work: Plan, size: int) -> Iterator[list[tuple[Article, str]]]:
    """The planned articles with their input hashes, in id order, `size` at a time (a second pass over the store).

    The hash is taken again from the text actually read, so a row edited
    between the two passes is stored under the hash of what was annotated.
    """
    items = ((a, input_hash(a, work.fingerprint)) for a in store.iter_articles(statuses=(Status.OK,))
             if a.id in work.todo)
    while batch := list(itertools.islice(items, max(1, size))):
        yield batch


def annotate_batch(batch: Sequence[tuple[Article, str]], kb: "KnowledgeBase", fingerprint: str,
                   options: ExtractOptions, *, cache: "VectorCache | None" = None) -> BatchResult:
    """Parse, annotate and embed one batch: the rows `Store.save_annotations` takes."""
    parsed = parse_batch(batch, kb, fingerprint, options)
    return parsed.result(embed_parsed(parsed, cache if cache is not None else VectorCache())
                         if options.embed else ())


def outcome(status: str) -> str:
    """The summary count a stored row's status adds to."""
    return "annotated" if status == "annotated" else "skipped" if status == "nlp_skipped" else "failed"


def save_results(store: Store, results: Iterable[BatchResult], total: int,
                 on_progress: Callable[[int, int], None] | None = None) -> Iterator[BatchResult]:
    """Write each batch in its own transaction as it arrives, report progress, and pass it on."""
    done = 0
    for result in results:
        store.save_annotations(list(result.rows), list(result.vectors))
        done += len(result.rows)
        if on_progress:
            on_progress(done, total)
        yield result


def summarise(results: Iterable[BatchResult], unchanged: int = 0) -> ExtractSummary:
    """The run's counts from its batch results; failures in id order, however the batches finished."""
    counts: Counter[str] = Counter()
    failures: list[tuple[str, str]] = []
    for result in results:
        counts.update(outcome(status) for _, _, _, status, _ in result.rows)
        failures.extend(result.failures)
    return ExtractSummary(annotated=counts["annotated"], skipped=counts["skipped"], unchanged=unchanged,
                          failed=counts["failed"], failures=tuple(sorted(failures)))


# Given the plan and the loaded KB, a runner yields the batch results (in any order) for the planned articles.
BatchRunner = Callable[[Plan, "KnowledgeBase"], Generator[BatchResult, None, None]]


def run_extraction(store: Store, options: ExtractOptions, runner: BatchRunner, *,
                   on_progress: Callable[[int, int], None] | None = None) -> ExtractSummary:
    """The sequence every runner shares: load the KB, plan, report (0, to do), then store each
    batch `runner` yields in its own transaction and sum the run up.

    The runner's generator is closed as soon as this returns or raises (a failed write, say), so
    work it still has in flight is cancelled then, not whenever the generator is collected.
    """
    from .kb import load_kb

    kb = load_kb(options.kb_paths)
    work = plan(store, options, pipeline_fingerprint(kb))
    if on_progress:
        on_progress(0, work.total)
    if not work.total:
        return ExtractSummary(unchanged=work.unchanged)
    with contextlib.closing(runner(work, kb)) as results:
        return summarise(save_results(store, results, work.total, on_progress), work.unchanged)


def extract_corpus(store: Store, options: ExtractOptions = ExtractOptions(), *,
                   on_progress: Callable[[int, int], None] | None = None) -> ExtractSummary:
    """Annotate every article whose stored annotations are missing or stale, in this process."""
    return run_extraction(store, options, lambda work, kb: _overlapped(store, work, kb, options),
                          on_progress=on_progress)


def _overlapped(store: Store, work: Plan, kb: "KnowledgeBase", options: ExtractOptions,
                ) -> Generator[BatchResult, None, None]:
    """Batch results in order, batch k's encoding running on a second thread while batch k+1 is parsed."""
    from concurrent.futures import ThreadPoolExecutor

    cache = VectorCache()
    # One encoding thread, one batch ahead of the writes: enough to hide the
    # encoder behind the parser on two cores without holding more than two
    # batches of documents in memory.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="newstrace-embed") as encoder:
        waiting: tuple[ParsedBatch, "Future[list[VectorRow]] | None"] | None = None
        try:
            batches = work_batches(store, work, options.batch_size)
            batch = next(batches, None)
            while batch is not None:
                parsed = parse_batch(batch, kb, work.fingerprint, options)
                batch = next(batches, None)
                # A core stays with the parser while it has a next batch to parse.
                spare = 0 if batch is None else 1
                vectors = (encoder.submit(embed_parsed, parsed, cache, spare)
                           if options.embed and parsed.annotated else None)
                if waiting is not None:
                    yield waiting[0].result(waiting[1].result() if waiting[1] is not None else ())
                waiting = (parsed, vectors)
            if waiting is not None:
                last, waiting = waiting, None
                yield last[0].result(last[1].result() if last[1] is not None else ())
        finally:
            if waiting is not None and waiting[1] is not None:
                waiting[1].cancel()


def _skip_reason(article: Article, options: ExtractOptions) -> str | None:
    from .multilingual import handles

    if article.language and article.language not in options.languages and not handles(article.language):
        return f"nlp_skipped(language={article.language})"
    if len(article.text) > options.max_chars:
        return f"nlp_skipped(too_long={len(article.text)})"
    return None


@dataclass(frozen=True)
class ParsedBatch:
    """A batch parsed and annotated, before its embeddings: the step the local run overlaps with encoding."""

    rows: tuple[AnnotationRow, ...]
    annotated: tuple[tuple[Article, str, Annotations], ...]
    failures: tuple[tuple[str, str], ...]

    def result(self, vectors: Sequence[VectorRow] = ()) -> BatchResult:
        return BatchResult(self.rows, tuple(vectors), self.failures)


def parse_batch(batch: Sequence[tuple[Article, str]], kb: "KnowledgeBase", fingerprint: str,
                options: ExtractOptions) -> ParsedBatch:
    """Parse and annotate one batch; skipped and failed articles become rows with their reasons."""
    from .entities import kb_pipeline

    nlp = kb_pipeline(kb)
    rows: list[AnnotationRow] = []
    failures: list[tuple[str, str]] = []
    runnable: list[tuple[Article, str]] = []
    foreign: list[tuple[Article, str]] = []
    for article, digest in batch:
        reason = _skip_reason(article, options)
        if reason:
            skipped = Annotations(article_id=article.id, pipeline_version=fingerprint,
                                  language=article.language, skipped=reason)
            rows.append((article.id, fingerprint, digest, "nlp_skipped", skipped.to_dict()))
        elif article.language and article.language not in options.languages:
            foreign.append((article, digest))  # no parser for it: extract/multilingual.py reads it
        else:
            runnable.append((article, digest))

    annotated: list[tuple[Article, str, Annotations]] = []
    texts = (article.text for article, _ in runnable)
    pipe_kwargs: dict[str, Any] = {"batch_size": options.batch_size}
    if options.workers > 1:
        pipe_kwargs["n_process"] = options.workers

    def record(article: Article, digest: str, annotate: Callable[[], Annotations]) -> None:
        try:
            ann = annotate()
        except Exception as exc:  # noqa: BLE001 - one bad document must not sink the batch
            reason = f"nlp_failed({type(exc).__name__}: {exc})"[:500]
            failures.append((article.id, reason))
            failed = Annotations(article_id=article.id, pipeline_version=fingerprint, skipped=reason)
            rows.append((article.id, fingerprint, digest, "nlp_failed", failed.to_dict()))
            return
        rows.append((article.id, fingerprint, digest, "annotated", ann.to_dict()))
        annotated.append((article, digest, ann))

    for (article, digest), doc in zip(runnable, nlp.pipe(texts, **pipe_kwargs)):
        record(article, digest, functools.partial(annotate_doc, doc, article_id=article.id, kb=kb,
                                                  links=article.links, version=fingerprint,
                                                  published=reference_date(article)))
    for article, digest in foreign:
        record(article, digest, functools.partial(_annotate_foreign, article, kb, fingerprint))
    return ParsedBatch(tuple(rows), tuple(annotated), tuple(failures))


def _annotate_foreign(article: Article, kb: "KnowledgeBase", fingerprint: str) -> Annotations:
    from .multilingual import annotate_text

    return annotate_text(article.text, lang=article.language or "", article_id=article.id, kb=kb,
                         version=fingerprint)


class VectorCache:
    """Storage-form vectors of the texts one run has encoded, so each distinct text is encoded once.

    Syndicated copies share whole leads and figure sentences across batches:
    on a generated corpus of 300 pages from 55 stories, the batches of 32
    held 1,046 distinct figure sentences between them but the run only 483.
    Keys are 16-byte digests, values the 768-byte float16 rows that are
    stored anyway, so 50,000 entries hold about 45 MB; past that the oldest
    go first, which costs only a re-encoding. Used by one thread at a time.
    """

    def __init__(self, limit: int = 50_000) -> None:
        self.limit = limit
        self._rows: OrderedDict[bytes, bytes] = OrderedDict()

    def rows(self, texts: Sequence[str], *, spare_cores: int = 0) -> list[bytes]:
        """The float16 storage row of each text, in order, encoding only those not seen before."""
        from .embed import embed_texts, embedding_to_bytes

        keys = [hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest() for text in texts]
        missing = {key: text for key, text in zip(keys, texts) if key not in self._rows}
        if missing:
            vectors = embed_texts(list(missing.values()), spare_cores=spare_cores)
            for key, vector in zip(missing, vectors):
                self._rows[key] = embedding_to_bytes(vector)
        out = [self._rows[key] for key in keys]
        while len(self._rows) > self.limit:
            self._rows.popitem(last=False)
        return out


def embed_parsed(parsed: ParsedBatch, cache: VectorCache, spare_cores: int = 0) -> list[VectorRow]:
    """Embed what clustering and figure families need: one vector per article, one per figure context.

    A figure's context is its sentence. Several figures share a sentence and
    syndicated copies share whole articles, so the cache encodes each distinct
    text once per run: the encoder is the most expensive step here.
    """
    from .embed import article_representation
    from .models import EMBEDDING_PACKAGE

    annotated = parsed.annotated
    if not annotated:
        return []
    leads = cache.rows([article_representation(a.title, a.text) for a, _, _ in annotated], spare_cores=spare_cores)
    # Apart from the leads: the encoder pads each of its batches to the longest
    # text in it, and a figure sentence padded to a lead's length costs as much
    # as the lead.
    contexts = [[figure_context(article.text, stat) for stat in ann.statistics] for article, _, ann in annotated]
    flat = [context for per_article in contexts for context in per_article]
    rows = iter(cache.rows(flat, spare_cores=spare_cores))
    out: list[VectorRow] = []
    for (article, digest, _), lead, per_article in zip(annotated, leads, contexts):
        out.append((article.id, EMBED_KIND_ARTICLE, EMBEDDING_PACKAGE, digest, lead))
        if per_article:
            out.append((article.id, EMBED_KIND_FIGURES, EMBEDDING_PACKAGE, digest,
                        b"".join(next(rows) for _ in per_article)))
    return out


def figure_context(text: str, stat: Statistic) -> str:
    """What a figure is about, for matching it across articles: the sentence that states it."""
    if stat.sentence_end > stat.sentence_start:
        return text[stat.sentence_start:stat.sentence_end]
    return stat.text


def load_annotations(store: Store) -> Iterator[tuple[str, str, Annotations]]:
    for article_id, status, data in store.iter_annotations():
        yield article_id, status, Annotations.from_dict(data)
