"""Scaling: how cluster + trace + report time grows from one corpus size to another.

    python -m bench.pipeline_benchmark --scaling 5000,20000

For each size, a store is built as `extract` would leave it, and then timed:
`newstrace report --format json` (load, cluster, families, traces, conflicts,
graph, JSON) and the same library calls one by one (bench/phases.py).
`newstrace cluster` is not timed apart: it runs the same `analyse` and
only prints less. A report still running after --stage-timeout seconds (default
1800) is killed and shown as "> N s", a lower bound; the breakdown, which repeats
the report's work, runs only when the report took under 5 minutes. The ratio
of each size's time to the previous size's is printed.

THE STORES HOLD SYNTHETIC ANNOTATIONS for copies and rewrites (bench/synthetic.py
says how and why): real ingest + extract of 20k pages takes hours on 2 cores.
The originals are ingested and extracted for real, once, into
bench/out/originals-cache (incremental, so later runs reuse it). Every output
row and the JSON say "synthetic".

Read the ratio with the corpus shape in mind: the generator has 181 real
stories, so going from 5k to 20k pages makes each story's coverage ~4x larger
rather than adding stories. Work that is quadratic inside a cluster (pairs of
copies proposed by LSH, sentence alignment for conflicts) then grows ~16x even
when the code is linear in the number of clusters; `phases` reports the cluster
sizes and candidate pairs next to the timings so the two can be told apart.
"""

from __future__ import annotations

import gzip
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .generate import GenerationParams, generate, load_sources, plan_pages, read_truth
from .machine import finish, machine_info
from .measure import Measurement
from .quality import quality_report
from .stages import Workspace, phases, stage
from .synthetic import SYNTHETIC_LABEL, copy_originals, load_originals, store_derived

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"


def prepare_cache(data: Path) -> tuple[Workspace, dict[str, Measurement]]:
    """Every benchmark page, ingested and extracted for real into a store kept between runs."""
    ws = Workspace(OUT / "originals-cache")
    pages = ws.path("pages")
    pages.mkdir(parents=True, exist_ok=True)
    for source in sorted((data / "html").glob("*.html.gz")):
        target = pages / source.name[: -len(".gz")]
        if not target.exists():
            target.write_bytes(gzip.decompress(source.read_bytes()))
    ingest = stage(ws, "cache-ingest", ws.db("store"), "ingest", str(pages))
    extract = stage(ws, "cache-extract", ws.db("store"), "extract")
    return ws, {"ingest": ingest, "extract": extract}


@dataclass(frozen=True)
class ScalingOptions:
    sizes: tuple[int, ...]
    seed: int = 7
    # A report still running after this is killed; its time is then a lower bound ("> N s").
    timeout: float = 1800.0
    # The phase breakdown repeats the report's work; past this many seconds of report it is skipped.
    phases_under: float = 300.0


def scaling_run(options: ScalingOptions, data: Path) -> dict[str, Any]:
    machine = machine_info(REPO)
    cache, cache_runs = prepare_cache(data)
    originals = load_originals(cache.db("store"))
    sources = load_sources(data)
    by_source = _originals_by_source(data, originals)
    results = [_one_size(size, options, data, sources, by_source, cache.db("store")) for size in options.sizes]
    return {"benchmark": "scaling", "synthetic": SYNTHETIC_LABEL, "options": asdict(options),
            "sizes": list(options.sizes), "machine": finish(machine, REPO),
            "cache": {k: asdict(v) for k, v in cache_runs.items()}, "results": results,
            "ratios": _ratios(results)}


def _ratios(results: Sequence[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Seconds at each size over seconds at the previous size, per step measured at both.

    A report killed at the time limit gives a lower bound, kept under "report_at_least".
    """
    out: dict[str, dict[str, float]] = {}
    for before, after in zip(results, results[1:]):
        key = f"{after['size']}/{before['size']}"
        out[key] = {_bound_name(after, name): after["seconds"][name] / before["seconds"][name]
                    for name in before["seconds"] if name in after["seconds"] and before["seconds"][name] > 0
                    and not (before["report"]["timed_out"] and name == "report")}
    return out


def _bound_name(result: dict[str, Any], name: str) -> str:
    return f"{name}_at_least" if name == "report" and result["report"]["timed_out"] else name


def _originals_by_source(data: Path, originals: dict[str, Any]) -> dict[str, Any]:
    from newstrace.corpus.urls import content_id

    out = {}
    for path in sorted((data / "html").glob("*.html.gz")):
        article_id = content_id(gzip.decompress(path.read_bytes()))
        if article_id in originals:
            out[path.name[: -len(".html.gz")]] = originals[article_id]
    return out


def _one_size(size: int, options: ScalingOptions, data: Path, sources: dict[str, Any], by_source: dict[str, Any],
              cache_db: str) -> dict[str, Any]:
    import time

    from newstrace.corpus.store import Store

    params = GenerationParams(size, options.seed, None)
    corpus = generate(OUT / (f"corpus-{size}" + (f"-seed{options.seed}" if options.seed != 7 else "")), params, data)
    ws = Workspace(OUT / f"work-scaling-{size}").reset()
    plans = plan_pages(list(sources), params)
    listing = ws.path("originals.txt")
    listing.write_text("".join(f"{corpus.out / (p.page_id + '.html')}\n" for p in plans if p.how == "original"),
                       encoding="utf-8")
    ingest = stage(ws, f"ingest-originals-{size}", ws.db("store"), "ingest", "-i", str(listing))
    started = time.perf_counter()
    with Store.open(ws.db("store")) as store:
        copied = copy_originals(store, {o.article_id: o for o in by_source.values()}, cache_db)
        synthetic = store_derived(store, [p for p in plans if p.how != "original"], sources, params, corpus.out,
                                  by_source)
    build_seconds = time.perf_counter() - started
    # `cluster` computes the whole report too (cli.cluster calls analyse), so it is
    # not run again here; quality reads the clusters out of the report.
    report = stage(ws, f"report-{size}", ws.db("store"), "report", "--format", "json",
                   "-o", str(ws.path("report.json")), timeout=options.timeout)
    result: dict[str, Any] = {
        "size": size, "pages": corpus.pages, "counts": corpus.counts, "shape": store_shape(ws.db("store")),
        "originals_ingested": asdict(ingest), "originals_annotations_copied": copied,
        "synthetic": asdict(synthetic), "synthetic_build_seconds": build_seconds, "report": asdict(report),
        "seconds": {"report": report.seconds}}
    if report.timed_out:
        return result
    result["quality_synthetic"] = _quality(ws, corpus.out)
    if report.seconds < options.phases_under:
        split, breakdown = phases(ws, str(size), ws.db("store"))
        result.update(phases=breakdown, phases_run=asdict(split))
        result["seconds"].update({"phases_total": split.seconds,
                                  **{f"phase:{k}": v for k, v in breakdown["timings"].items()}})
    return result


def store_shape(db: str) -> dict[str, Any]:
    """What the report has to work through: rows by status, annotated articles, figure mentions."""
    from newstrace.corpus.store import Store

    annotated = mentions = 0
    with Store.open(db, migrate=False) as store:
        statuses = store.counts()
        for _, status, data in store.iter_annotations():
            if status == "annotated":
                annotated += 1
                mentions += len(data.get("statistics", ()))
    return {"articles_by_status": statuses, "annotated": annotated, "figure_mentions": mentions}


def _quality(ws: Workspace, corpus: Path) -> dict[str, Any]:
    import json

    clusters = json.loads(ws.path("report.json").read_text(encoding="utf-8"))["clusters"]
    return quality_report(read_truth(corpus), clusters, ws.db("store"))


def format_scaling(result: dict[str, Any]) -> str:
    results = result["results"]
    names = list(dict.fromkeys(name for r in results for name in r["seconds"]))
    ratio_keys = list(result["ratios"])
    head = (f"{'seconds (SYNTHETIC annotations)':<32}" + "".join(f"{r['size']:>11}" for r in results)
            + "".join(f"{k:>13}" for k in ratio_keys))
    lines = [head, "-" * len(head)]
    for name in names:
        cells = "".join(f"{_cell(r, name):>11}" for r in results)
        ratios = "".join(f"{_ratio(result['ratios'][k], name):>13}" for k in ratio_keys)
        lines.append(f"{name:<32}{cells}{ratios}")
    lines.append(f"{'report peak RSS MB':<32}" + "".join(f"{r['report']['peak_rss_mb']:>11.0f}" for r in results))
    lines.append(f"{'report tree RSS MB':<32}" + "".join(f"{r['report']['tree_rss_mb']:>11.0f}" for r in results))
    lines.append(f"{'store build s (synthetic)':<32}" + "".join(f"{r['synthetic_build_seconds']:>11.1f}" for r in results))
    for r in results:
        shape, line = r["shape"], f"{r['size']}: {r['shape']['annotated']} annotated, "
        line += f"{shape['figure_mentions']} figure mentions"
        if "phases" in r:
            stats, sizes = r["phases"]["cluster_stats"], r["phases"]["cluster_sizes"]
            line += (f", {r['phases']['figures']} families, {r['phases']['conflicts']} conflicts; pairs examined "
                     f"{stats['pairs_examined']}; largest cluster {sizes['largest']}")
        if "quality_synthetic" in r:
            line += f"; F1 on the synthetic store {r['quality_synthetic']['f1']:.3f}"
        if r["report"]["timed_out"]:
            line += f"; report killed after {r['report']['seconds']:.0f} s"
        lines.append(line)
    return "\n".join(lines)


def _cell(result: dict[str, Any], name: str) -> str:
    if name not in result["seconds"]:
        return "-"
    value = result["seconds"][name]
    return f">{value:.0f}" if name == "report" and result["report"]["timed_out"] else f"{value:.2f}"


def _ratio(ratios: dict[str, float], name: str) -> str:
    if name in ratios:
        return f"{ratios[name]:.2f}"
    return f">{ratios[name + '_at_least']:.2f}" if name + "_at_least" in ratios else "-"
