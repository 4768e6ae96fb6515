"""Where the two heavy stages run: in this process, or on a Dask cluster when a scheduler is given.

The one place the backend is chosen. Both runners of a stage are built from
the same public pieces (`extract.pipeline`'s plan, annotate_batch and
summarise; `provenance.cluster`'s candidate and evaluation steps), so the
choice changes where the work runs, never what it produces.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from newstrace.corpus.store import Store
    from newstrace.extract.pipeline import ExtractOptions, ExtractSummary

    from .cluster import ClusterOptions, ClusterResult
    from .coverage import Corpus


def annotate(store: "Store", options: "ExtractOptions", scheduler: str | None = None, *,
             on_progress: Callable[[int, int], None] | None = None) -> "ExtractSummary":
    """Annotate what is missing or stale: here, or on the Dask cluster at `scheduler`."""
    if scheduler:
        from newstrace.extract.distributed import extract_corpus_distributed

        return extract_corpus_distributed(store, options, scheduler, on_progress=on_progress)
    from newstrace.extract.pipeline import extract_corpus

    return extract_corpus(store, options, on_progress=on_progress)


def cluster(corpus: "Corpus", options: "ClusterOptions", scheduler: str | None = None) -> "ClusterResult":
    """Coverage clusters of `corpus`: here, or on the Dask cluster at `scheduler`."""
    if scheduler:
        from .cluster_dask import cluster_corpus_dask

        return cluster_corpus_dask(corpus, scheduler, options)
    from .coverage import cluster_corpus

    return cluster_corpus(corpus, options)
