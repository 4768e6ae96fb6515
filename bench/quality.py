"""Clustering quality against the generator's truth: pairwise precision/recall/F1 and ARI.

A pair of pages is positive when both derive from the same story. Pages the
pipeline did not put in any cluster (no-article pages, failures, and pages
`extract` skipped, such as non-English ones, which are never clustered) count
as singletons, which is what they are to a reader of the report; how many
there were is reported next to the scores. The event-level score merges the
stories of benchmark pages that report one news event (bench/events.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Quality:
    pages: int
    unclustered: int
    true_pairs: int
    predicted_pairs: int
    shared_pairs: int
    precision: float
    recall: float
    f1: float
    ari: float
    predicted_clusters: int  # with two or more pages
    largest_cluster: int
    true_stories: int  # with two or more pages
    largest_story: int


def page_clusters(clusters: Iterable[Mapping[str, object]], page_of: Mapping[str, str]) -> dict[str, str]:
    """page file name -> cluster id, from `newstrace cluster --json` and article id -> page file name."""
    out: dict[str, str] = {}
    for cluster in clusters:
        for article_id in cluster["articles"]:  # type: ignore[union-attr]
            page = page_of.get(str(article_id))
            if page is not None:
                out[page] = str(cluster["id"])
    return out


def score(truth: Mapping[str, str], predicted: Mapping[str, str]) -> Quality:
    """`truth`: page -> story id; `predicted`: page -> cluster id (pages missing are singletons)."""
    from sklearn.metrics import adjusted_rand_score

    pages = sorted(truth)
    true_labels = [truth[p] for p in pages]
    pred_labels = [predicted.get(p, f"single:{p}") for p in pages]
    true_pairs = _pairs(Counter(true_labels).values())
    predicted_pairs = _pairs(Counter(pred_labels).values())
    shared = _pairs(Counter(zip(true_labels, pred_labels)).values())
    precision = shared / predicted_pairs if predicted_pairs else 1.0
    recall = shared / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    true_sizes = [n for n in Counter(true_labels).values() if n > 1]
    pred_sizes = [n for n in Counter(pred_labels).values() if n > 1]
    return Quality(pages=len(pages), unclustered=sum(1 for p in pages if p not in predicted),
                   true_pairs=true_pairs, predicted_pairs=predicted_pairs, shared_pairs=shared,
                   precision=precision, recall=recall, f1=f1,
                   ari=float(adjusted_rand_score(true_labels, pred_labels)),
                   predicted_clusters=len(pred_sizes), largest_cluster=max(pred_sizes, default=1),
                   true_stories=len(true_sizes), largest_story=max(true_sizes, default=1))


def _pairs(sizes: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


def pages_by_article(db: str) -> dict[str, str]:
    """article id -> generated page file name, via the stored source_path of every row."""
    from newstrace.corpus.store import Store

    with Store.open(db, migrate=False) as store:
        return {a.id: Path(a.source_path).name for a in store.iter_articles(statuses=None) if a.source_path}


def quality_report(truth: Mapping[str, Mapping[str, str]], clusters: Iterable[Mapping[str, object]],
                   db: str) -> dict[str, object]:
    """Strict and event-level scores (bench/events.py), and recall per derivation kind."""
    from dataclasses import asdict

    from .events import event_truth

    predicted = page_clusters(clusters, pages_by_article(db))
    strict = score({page: entry["story"] for page, entry in truth.items()}, predicted)
    return {**asdict(strict), "event_level": asdict(score(event_truth(truth), predicted)),
            "recall_by_kind": by_kind(truth, predicted)}


def by_kind(truth: Mapping[str, Mapping[str, str]], predicted: Mapping[str, str]) -> dict[str, float]:
    """Recall per derivation kind: the share of copies (rewrites) placed with their story's original."""
    original_cluster = {e["story"]: predicted.get(page) for page, e in truth.items() if e["how"] == "original"}
    out: dict[str, float] = {}
    for kind in ("copy", "rewrite"):
        pages = [(page, e) for page, e in truth.items() if e["how"] == kind]
        found = sum(1 for page, e in pages
                    if predicted.get(page) is not None and predicted.get(page) == original_cluster.get(e["story"]))
        out[kind] = found / len(pages) if pages else 1.0
    return out
