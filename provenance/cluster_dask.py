"""Coverage clusters computed on a Dask cluster, with the same result as `cluster_documents`.

The work of `provenance.cluster` that grows with the corpus runs on the
workers as `dask.bag` stages joined by task-based shuffles, so no machine
ever holds all signatures or all candidate pairs:

1. per partition: shingle each article and sketch it (MinHash); emit one
   bucket key per LSH band and one per indexed sentence, with the article's
   position;
2. shuffle by bucket key; every bucket yields the pairs of its members (a
   sentence only when it is on at most `sentence_max_df` pages), tagged with
   the generator that proposed them;
3. shuffle pair requests by article, so each article meets every pair it is
   in, and pass its prepared form (shingles, unit vector) on to each pair;
4. shuffle by pair: the two halves meet and the pair is measured exactly
   with `provenance.cluster`'s own rule.

Every step calls the stage `provenance.cluster` defines and runs locally
(`prepare`, `linkable`, `band_keys`, `sentence_keys`, `bucket_pairs`,
`embedding_matrix`, `neighbour_pairs`, `figure_candidates`, `entity_weights`,
`evaluate`, `assemble_result`); this module only moves their inputs and
outputs between workers. Two articles share a band key exactly when
`MinHashLSH.query` would return one for the other, so the candidate pairs,
and hence the result and its stats, are the same as the local run's.

The embedding candidates (each article's `n_neighbors` nearest title-and-lead
vectors within `rewrite_cosine`) come from the workers too: the matrix of
unit vectors goes to every worker once, and each task runs the local
search, `NearestNeighbors(brute, euclidean)` fitted on the whole matrix, for
one block of query rows (`neighbour_pairs` with `rows`), so every row's
neighbours are computed as the local run computes them. The pairs join the LSH and sentence proposals
before step 3.

Still on the client: the unit vectors themselves (`n x 384` floats, the
matrix the workers search), the entity weights (one count per entity) and
the connected components over the accepted links. The input documents also
start on the client, as they do for `cluster_documents`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from newstrace.extract.distributed import connect

from .cluster import (
    CandidateSource,
    ClusterDoc,
    ClusterLink,
    ClusterOptions,
    ClusterResult,
    EntityWeights,
    Pair,
    Prepared,
    assemble_result,
    band_keys,
    bucket_pairs,
    check_unique,
    cluster_documents,
    embedding_matrix,
    entity_weights,
    evaluate,
    figure_candidates,
    linkable,
    neighbour_pairs,
    prepare,
    sentence_keys,
    unit_vector,
)
from .coverage import Corpus, cluster_corpus

if TYPE_CHECKING:  # pragma: no cover
    import dask.bag
    from distributed import Client

Source = CandidateSource
# A bucket: (_BAND, band, the band's hash bytes) or (_SENTENCE, sentence key).
BucketKey = tuple[int, int, bytes] | tuple[int, int]
_K = TypeVar("_K", bound=Hashable)

# Articles per partition. Each partition is one task per stage; a few hundred
# articles keep the per-task overhead (~1 ms) small against the sketching.
PARTITION_SIZE = 256
# Query rows per neighbour-search task. Each task scans the whole matrix, so
# blocks are larger than partitions; a multiple of scikit-learn's own chunk
# of 256 rows, so a block splits into the same chunks the local search uses.
NEIGHBOUR_BLOCK = 4096
_BAND = 0
_SENTENCE = 1


@dataclass(frozen=True)
class _Request:
    """Ask article `position` to send its prepared form to `pair`, which `source` proposed."""

    pair: Pair
    source: Source


@dataclass(frozen=True)
class _Half:
    """One article's prepared form, on its way to a pair it is in."""

    pair: Pair
    sources: frozenset[Source]
    position: int
    prepared: Prepared


@dataclass(frozen=True)
class _Outcome:
    """What one partition of measured pairs found: pairs per source, distinct pairs, accepted links."""

    sources: tuple[tuple[Source, int], ...]
    pairs: int
    links: tuple[ClusterLink, ...]


def cluster_documents_dask(docs: Iterable[ClusterDoc], scheduler: "str | Client",
                           options: ClusterOptions = ClusterOptions(), *,
                           partition_size: int = PARTITION_SIZE) -> ClusterResult:
    """Group `docs` into coverage clusters on a Dask cluster; equal to `cluster_documents(docs, options)`.

    Args:
        docs: the articles; ids must be unique.
        scheduler: a scheduler address ("tcp://host:8786") or a connected
            `distributed.Client` (left open for the caller).
        options: the clusterer's thresholds.
        partition_size: articles per bag partition.
    """
    ordered = sorted(docs, key=lambda d: d.article_id)
    check_unique(ordered)
    if len(ordered) < 2:
        return cluster_documents(ordered, options)  # no pairs: nothing to distribute
    # Positions in id order are the indices `cluster_documents` uses, so the
    # pairs, and the order links are measured in, are the same.
    weights = entity_weights(ordered)
    with connect(scheduler) as client:
        outcomes = _measured_pairs(client, ordered, weights, options, partition_size)
    counts: Counter[Source] = Counter()
    for outcome in outcomes:
        counts.update(dict(outcome.sources))
    # The story check (facts against a link) runs here, on the client, over all the links.
    # Every pair was measured; what both runs count as `links` is the links kept (the spanning forest).
    return assemble_result(ordered, [link for o in outcomes for link in o.links], counts,
                           sum(o.pairs for o in outcomes), options)


def cluster_corpus_dask(corpus: Corpus, scheduler: "str | Client", options: ClusterOptions = ClusterOptions(), *,
                        partition_size: int = PARTITION_SIZE) -> ClusterResult:
    """`provenance.coverage.cluster_corpus` with the coverage clustering on a Dask cluster."""
    def on_dask(docs: list[ClusterDoc], opts: ClusterOptions) -> ClusterResult:
        return cluster_documents_dask(docs, scheduler, opts, partition_size=partition_size)

    return cluster_corpus(corpus, options, clusterer=on_dask)


def _measured_pairs(client: "Client", ordered: Sequence[ClusterDoc], weights: EntityWeights,
                    options: ClusterOptions, partition_size: int) -> list[_Outcome]:
    import dask
    import dask.bag as db

    prepared = _scatter_bag(client, list(enumerate(ordered)), partition_size).map(_prepare_at, options)
    buckets = _shuffle(prepared.map_partitions(partition_bucket_keys, options))
    proposals = buckets.map_partitions(partition_bucket_pairs, options)
    if (neighbours := _neighbour_bag(client, ordered, options)) is not None:
        proposals = db.concat([proposals, neighbours])
    # Figure keys are a few per article: their index is built on the client, as the weights are.
    if spun := sorted(figure_candidates(ordered, options)):
        proposals = db.concat([proposals, db.from_sequence([(pair, "figures") for pair in spun],
                                                           npartitions=max(1, len(spun) // 10_000))])

    at_articles = _shuffle(db.concat([proposals.map_partitions(pair_requests), prepared]))
    at_pairs = _shuffle(at_articles.map_partitions(pair_halves))
    # One copy of the weights on each worker, not one per task.
    outcome = at_pairs.map_partitions(measure_pairs, dask.delayed(weights, traverse=False), options)
    # Unfused, every partition a worker stores is a concrete list: fused bag
    # tasks may hand lazy iterators between stages, which cannot be pickled
    # when the next stage runs on another worker.
    return list(outcome.compute(scheduler=client, optimize_graph=False))


def _scatter_bag(client: "Client", items: list[tuple[int, ClusterDoc]], partition_size: int) -> "dask.bag.Bag":
    import dask
    import dask.bag as db

    # Scattered straight to the workers: a bag built with from_sequence would
    # put every article's text into the task graph, through the scheduler.
    chunks = [items[i:i + partition_size] for i in range(0, len(items), max(1, partition_size))]
    return db.from_delayed([dask.delayed(future) for future in client.scatter(chunks, hash=False)])


def _neighbour_bag(client: "Client", ordered: Sequence[ClusterDoc], options: ClusterOptions) -> "dask.bag.Bag | None":
    """The embedding candidate pairs, searched on the workers one block of query rows per task."""
    import dask
    import dask.bag as db

    # The client needs the unit vectors (the matrix every worker searches), not the
    # shingles: those are the workers' job.
    search = embedding_matrix([unit_vector(doc.embedding) for doc in ordered], options)
    if search is None:
        return None  # the local rule: no search, no embedding candidates
    rows = len(search[1])
    # Once per worker, not once per task; every task searches all of it.
    [vectors] = client.scatter([search], broadcast=True, hash=False)
    blocks = [(start, min(start + NEIGHBOUR_BLOCK, rows)) for start in range(0, rows, NEIGHBOUR_BLOCK)]
    return db.from_sequence(blocks, npartitions=len(blocks)).map_partitions(
        block_neighbour_pairs, dask.delayed(vectors), options)


def _shuffle(bag: "dask.bag.Bag") -> "dask.bag.Bag":
    # "tasks": the disk shuffle writes to one machine's local disk and is
    # wrong on a multi-machine cluster. It keeps the partition count.
    return bag.groupby(_key, shuffle="tasks")


def _key(record: tuple[_K, object]) -> _K:
    return record[0]


# -- the stages, each a function of one partition ------------------------------------------
# Each returns a list, never a generator: a bag partition that another worker
# fetches must be picklable, and map_partitions stores what the function returns.
# They are public as the Dask runner's stage interface, so a test can check that
# property on each one whatever the placement.


def _prepare_at(item: tuple[int, ClusterDoc], options: ClusterOptions) -> tuple[int, Prepared]:
    position, doc = item
    return position, prepare(doc, options)


def partition_bucket_keys(part: Iterable[tuple[int, Prepared]], options: ClusterOptions) -> list[tuple[BucketKey, int]]:
    keys: list[tuple[BucketKey, int]] = []
    for position, p in part:
        # Same gate as cluster_documents: too few shingles to ever be a copy.
        if not linkable(p, options):
            continue
        keys.extend(((_BAND, band, values), position) for band, values in band_keys(p, options))
        keys.extend(((_SENTENCE, sentence), position)
                    for sentence in sentence_keys(p.doc.text, options.sentence_min_words))
    return keys


def partition_bucket_pairs(groups: Iterable[tuple[BucketKey, list[tuple[BucketKey, int]]]],
                           options: ClusterOptions) -> list[tuple[Pair, Source]]:
    pairs: list[tuple[Pair, Source]] = []
    for key, members in groups:
        positions = [position for _, position in members]
        if key[0] == _BAND:
            pairs.extend((pair, "jaccard") for pair in bucket_pairs(positions))
        else:
            # A sentence on very many pages is furniture; see cluster_documents.
            pairs.extend((pair, "containment") for pair in bucket_pairs(positions, options.sentence_max_df))
    return pairs


def block_neighbour_pairs(blocks: Iterable[tuple[int, int]], vectors: tuple[np.ndarray, np.ndarray],
                          options: ClusterOptions) -> list[tuple[Pair, Source]]:
    """`provenance.cluster.neighbour_pairs` for the query rows of `blocks`."""
    matrix, positions = vectors
    # A pair both sides found is proposed twice; `pair_halves` merges it like any
    # pair two generators propose, so it is counted and measured once.
    return [(pair, "embedding") for rows in blocks for pair in neighbour_pairs(matrix, positions, options, rows)]


def pair_requests(part: Iterable[tuple[Pair, Source]]) -> list[tuple[int, _Request]]:
    return [(position, _Request(pair, source)) for pair, source in part for position in pair]


def pair_halves(groups: Iterable[tuple[int, list[tuple[int, "_Request | Prepared"]]]]) -> list[tuple[Pair, _Half]]:
    """Per article: one half for each distinct pair it is in, carrying every source that proposed the pair."""
    halves: list[tuple[Pair, _Half]] = []
    for position, records in groups:
        prepared = next(value for _, value in records if isinstance(value, Prepared))
        sources: dict[Pair, set[Source]] = {}
        for _, value in records:
            if isinstance(value, _Request):
                sources.setdefault(value.pair, set()).add(value.source)
        halves.extend((pair, _Half(pair, frozenset(found), position, prepared)) for pair, found in sources.items())
    return halves


def measure_pairs(groups: Iterable[tuple[Pair, list[tuple[Pair, _Half]]]], weights: EntityWeights,
                  options: ClusterOptions) -> list[_Outcome]:
    counts: Counter[Source] = Counter()
    links: list[ClusterLink] = []
    pairs = 0
    for pair, records in groups:
        halves = {half.position: half for _, half in records}
        first, second = halves[pair[0]], halves[pair[1]]
        pairs += 1
        counts.update(first.sources)
        if (link := evaluate(first.prepared, second.prepared, weights, options)) is not None:
            links.append(link)
    return [_Outcome(tuple(sorted(counts.items())), pairs, tuple(links))]
