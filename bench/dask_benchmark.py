"""Dask benchmark: local `newstrace extract` and clustering against the same on a LocalCluster.

Run from the repository root:

    python -m bench.dask_benchmark               # the 181 benchmark pages (what `make bench-dask` runs)
    python -m bench.dask_benchmark --pages 60    # the first 60 of them, by id

On the same real pages (../shared/benchmarks/article-extraction-benchmark,
ingested once into a store that is then copied), each step runs as its own
child process through the real CLI:
- `extract` locally on one copy, then `extract --force` on it again ("warm":
  a second process, files in the page cache, nothing else kept);
- the same two on another copy with `--scheduler` pointing at a LocalCluster
  this benchmark starts (2 worker processes, 1 thread each, loopback). Cold:
  fresh workers, which load the models on their first batch. Warm: the same
  workers again, models already loaded;
- coverage clustering of the annotated store, twice each: `cluster_corpus`
  in a child process, and `cluster_corpus_dask` on the same cluster (the
  first Dask run includes the workers' first import of the clustering code).
  The children time loading the corpus and clustering apart, and report a
  digest of the clusters, so the two are checked to be equal.

CPU seconds are counted where they are spent: the child process tree (the
client, or the whole local run), the worker processes (their own rusage,
read through the cluster before and after), and this process, which hosts
the Dask scheduler and the memory sampler. Worker processes run with dask's
default OMP_NUM_THREADS=1; a local run's torch may use every core.

Output: a table on stdout and bench/out/dask-<pages>.json. Timings are
wall-clock on a shared machine: the JSON records load averages; compare CPU
seconds when they were high.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import resource
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .generate import DATA, MissingData, require_data
from .machine import finish, machine_info
from .measure import Measurement, run_measured
from .stages import StageFailed, Workspace, child_env, stage, store_counts

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
WORKERS = 2
SUMMARY = re.compile(r"extract: (\d+) annotated, (\d+) skipped, (\d+) unchanged, (\d+) failed")


@dataclass(frozen=True)
class Row:
    step: str
    mode: str
    items: int | None
    seconds: float
    client_cpu_seconds: float
    worker_cpu_seconds: float
    host_cpu_seconds: float  # this process: the Dask scheduler and the sampler
    tree_rss_mb: float
    worker_peak_rss_mb: float | None
    loadavg_1m: float
    returncode: int
    timed_out: bool

    @property
    def cpu_seconds(self) -> float:
        return self.client_cpu_seconds + self.worker_cpu_seconds + self.host_cpu_seconds

    @property
    def per_second(self) -> float | None:
        return self.items / self.seconds if self.items and self.seconds > 0 else None


def write_pages(data: Path, out: Path, count: int | None) -> list[str]:
    """The first `count` benchmark pages by id, as plain .html files ingest reads."""
    gold = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(gold)[:count] if count else sorted(gold)
    out.mkdir(parents=True, exist_ok=True)
    for key in keys:
        (out / f"{key}.html").write_bytes(gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes()))
    return keys


def copy_store(source: str, target: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        if Path(source + suffix).exists():
            shutil.copyfile(source + suffix, target + suffix)


class Cluster:
    """A LocalCluster like the one tests/test_dask.py starts, and its workers' own CPU and memory."""

    def __init__(self) -> None:
        import distributed

        started = time.perf_counter()
        # Workers inherit this process's environment: no model hub lookups there either.
        os.environ.update({k: v for k, v in child_env().items() if k.endswith("_OFFLINE")})
        self.cluster = distributed.LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True,
                                                host="127.0.0.1", dashboard_address=None)
        self.client = distributed.Client(self.cluster, set_as_default=False)
        self.client.wait_for_workers(WORKERS)
        self.start_seconds = time.perf_counter() - started
        self.address = self.cluster.scheduler_address

    def usage(self) -> tuple[float, float]:
        """(CPU seconds summed over the workers, largest worker peak RSS in MB)."""
        found = self.client.run(_worker_usage)
        return sum(cpu for cpu, _ in found.values()), max(rss for _, rss in found.values())

    def close(self) -> None:
        self.client.close()
        self.cluster.close()


def _worker_usage() -> tuple[float, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0


def measured(label: str, mode: str, run: Callable[[], Measurement], cluster: Cluster | None,
             items: Callable[[Measurement], int | None]) -> Row:
    before_workers = cluster.usage()[0] if cluster else 0.0
    before_host = _host_cpu()
    m = run()
    host = _host_cpu() - before_host
    workers, worker_rss = cluster.usage() if cluster else (0.0, None)
    return Row(label, mode, items(m), m.seconds, m.cpu_seconds, workers - before_workers, host, m.tree_rss_mb,
               worker_rss, os.getloadavg()[0], m.returncode, m.timed_out)


def _host_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def extracted(m: Measurement) -> int | None:
    """Articles the run annotated, skipped or failed, from its summary line."""
    text = Path(m.log).read_text(encoding="utf-8", errors="replace") if m.log else ""
    found = SUMMARY.findall(text)
    if not found:
        return None
    annotated, skipped, _, failed = map(int, found[-1])
    return annotated + skipped + failed


def cluster_step(ws: Workspace, label: str, db: str, scheduler: str | None,
                 timeout: float) -> tuple[Measurement, dict[str, Any]]:
    out = ws.path(f"{label}.json")
    argv = [sys.executable, "-m", "bench.dask_benchmark", "--cluster-child", "--db", db, "--out", str(out)]
    if scheduler:
        argv += ["--scheduler", scheduler]
    m = run_measured(label, argv, log=ws.path(f"{label}.log"), env=child_env(), cwd=REPO, timeout=timeout)
    if m.returncode != 0 or m.timed_out:
        raise StageFailed(f"{label} exited {m.returncode}; see {m.log}")
    return m, json.loads(out.read_text(encoding="utf-8"))


def cluster_child(db: str, scheduler: str | None) -> dict[str, Any]:
    """In a child process: load the corpus, cluster it (locally or on `scheduler`), time both."""
    started = time.perf_counter()
    from newstrace.corpus.store import Store
    from newstrace.provenance.coverage import cluster_corpus, load_corpus

    with Store.open(db, migrate=False) as store:
        corpus = load_corpus(store)
    loaded = time.perf_counter()
    if scheduler:
        from newstrace.provenance.cluster_dask import cluster_corpus_dask

        result = cluster_corpus_dask(corpus, scheduler)
    else:
        result = cluster_corpus(corpus)
    done = time.perf_counter()
    return {"load_seconds": loaded - started, "cluster_seconds": done - loaded, "stats": asdict(result.stats),
            "clusters": len(result.clusters), "multi": sum(len(c.articles) > 1 for c in result.clusters),
            "digest": hashlib.sha256(repr(result.clusters).encode("utf-8")).hexdigest()}


def same_annotations(first: str, second: str) -> dict[str, Any]:
    """Whether two stores hold the same annotation rows (status and content) per article."""
    from newstrace.corpus.store import Store

    def rows(db: str) -> dict[str, tuple[str, Any]]:
        with Store.open(db, migrate=False) as store:
            return {aid: (status, data) for aid, status, data in store.iter_annotations()}

    a, b = rows(first), rows(second)
    differing = sorted(aid for aid in a.keys() | b.keys() if a.get(aid) != b.get(aid))
    return {"articles": len(a), "same": not differing, "differing": differing[:20]}


def full_run(data: Path, pages: int | None, timeout: float) -> dict[str, Any]:
    machine = machine_info(REPO)
    ws = Workspace(OUT / "work-dask").reset()
    keys = write_pages(data, ws.path("pages"), pages)
    label = str(len(keys))
    ingest = stage(ws, "ingest", ws.db("base"), "ingest", str(ws.path("pages")), timeout=timeout)
    counts = store_counts(ws.db("base"))
    local_db, dask_db = ws.db("local"), ws.db("dask")
    copy_store(ws.db("base"), local_db)
    copy_store(ws.db("base"), dask_db)

    def extract(name: str, db: str, *args: str) -> Callable[[], Measurement]:
        return lambda: stage(ws, name, db, "extract", *args, timeout=timeout)

    rows = [
        measured("extract", "local cold", extract("extract-local-cold", local_db), None, extracted),
        measured("extract", "local warm", extract("extract-local-warm", local_db, "--force"), None, extracted),
    ]
    cluster = Cluster()
    try:
        rows += [
            measured("extract", "dask cold", extract("extract-dask-cold", dask_db, "--scheduler", cluster.address),
                     cluster, extracted),
            measured("extract", "dask warm",
                     extract("extract-dask-warm", dask_db, "--force", "--scheduler", cluster.address),
                     cluster, extracted),
        ]
        clustering: dict[str, dict[str, Any]] = {}
        for mode, scheduler in (("local", None), ("dask", cluster.address), ("local 2nd", None),
                                ("dask 2nd", cluster.address)):
            name = "cluster-" + mode.replace(" ", "-")
            holder: dict[str, Any] = {}

            def run(name: str = name, scheduler: str | None = scheduler,
                    holder: dict[str, Any] = holder) -> Measurement:
                m, holder["info"] = cluster_step(ws, name, dask_db, scheduler, timeout)
                return m

            rows.append(measured("cluster", mode, run, cluster if scheduler else None,
                                 lambda m, h=holder: h["info"]["stats"]["documents"]))
            clustering[mode] = holder["info"]
        start_seconds = cluster.start_seconds
    finally:
        cluster.close()
    machine = finish(machine, REPO)
    digests = {info["digest"] for info in clustering.values()}
    return {
        "benchmark": "dask", "label": label, "pages": len(keys), "data": str(data),
        "setup": {"workers": WORKERS, "threads_per_worker": 1, "cluster": "distributed.LocalCluster, loopback",
                  "cluster_start_seconds": start_seconds, "batch_size": 32},
        "machine": machine,
        "ingest": {"seconds": ingest.seconds, "cpu_seconds": ingest.cpu_seconds, "store": counts},
        "rows": [{**asdict(r), "cpu_seconds": r.cpu_seconds, "per_second": r.per_second} for r in rows],
        "clustering": clustering, "same_clusters": len(digests) == 1,
        "same_annotations": same_annotations(local_db, dask_db),
    }


def format_table(rows: Sequence[dict[str, Any]]) -> str:
    head = (f"{'step':<8} {'mode':<11} {'items':>5} {'wall s':>7} {'items/s':>7} {'cpu s':>7} {'client':>7} "
            f"{'workers':>7} {'host':>6} {'tree MB':>7} {'wkr MB':>6} {'load':>5}")
    lines = [head, "-" * len(head)]
    for r in rows:
        per = "-" if r["per_second"] is None else f"{r['per_second']:.2f}"
        wrss = "-" if r["worker_peak_rss_mb"] is None else f"{r['worker_peak_rss_mb']:.0f}"
        lines.append(f"{r['step']:<8} {r['mode']:<11} {r['items'] if r['items'] is not None else '-':>5} "
                     f"{r['seconds']:>7.1f}{'+' if r['timed_out'] else ' '}{per:>6} {r['cpu_seconds']:>7.1f} "
                     f"{r['client_cpu_seconds']:>7.1f} {r['worker_cpu_seconds']:>7.1f} {r['host_cpu_seconds']:>6.1f} "
                     f"{r['tree_rss_mb']:>7.0f} {wrss:>6} {r['loadavg_1m']:>5.1f}")
    return "\n".join(lines)


def format_report(result: dict[str, Any]) -> str:
    m, c = result["machine"], result["clustering"]
    split = "; ".join(f"{mode}: load {info['load_seconds']:.1f} s + cluster {info['cluster_seconds']:.2f} s"
                      for mode, info in c.items())
    same = result["same_annotations"]
    return "\n".join([
        f"dask benchmark: {result['pages']} pages ({result['ingest']['store']['annotated'] or 0} annotated before; "
        f"ingest {result['ingest']['seconds']:.1f} s), LocalCluster {result['setup']['workers']} workers x 1 thread "
        f"(started in {result['setup']['cluster_start_seconds']:.1f} s, not counted)",
        format_table(result["rows"]),
        "cpu s = client (the child process tree) + workers (their rusage) + host (this process: scheduler, sampler); "
        "+ after wall s: killed at the time limit",
        f"clustering, inside the child: {split}",
        f"same clusters local vs dask: {result['same_clusters']}; same annotations: {same['same']} "
        f"({same['articles']} articles{'' if same['same'] else ', differing: ' + ', '.join(same['differing'])})",
        f"machine: {m['nproc']} CPUs, {m['cpu_model']}, {m['memory_gb']} GB; python {m['python']}, torch "
        f"{m['versions']['torch']}; load average {m['loadavg_start'][0]:.1f} at start, {m['loadavg_end'][0]:.1f} "
        f"at end; commit {(m['git']['commit'] or '?')[:10]}{' (uncommitted changes)' if m['git']['dirty'] else ''}"
        + ("; WARNING: the library code changed during the run" if m["code_changed_during_run"] else ""),
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=None, help="use the first N benchmark pages (default: all 181)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--stage-timeout", type=float, default=900.0, metavar="SECONDS",
                        help="kill a step still running after this long (its time is then a lower bound)")
    # Internal: one clustering step, run by the benchmark in its own process.
    parser.add_argument("--cluster-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--scheduler", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.cluster_child:
        args.out.write_text(json.dumps(cluster_child(args.db, args.scheduler), indent=2), encoding="utf-8")
        return 0
    try:
        require_data(args.data)
    except MissingData as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        result = full_run(args.data, args.pages, args.stage_timeout)
    except StageFailed as exc:
        print(f"benchmark stopped: {exc}", file=sys.stderr)
        return 1
    print(format_report(result))
    path = OUT / f"dask-{result['label']}.json"
    path.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
