"""Pipeline benchmark: our stages against the cost of their models, on one generated corpus.

Run from the repository root:

    python -m bench.pipeline_benchmark                 # 1,000 pages (what `make bench` runs)
    python -m bench.pipeline_benchmark --size 5000     # also 20000; hours on 2 cores, see below
    python -m bench.pipeline_benchmark --quick         # ~200 pages from 40 stories, a smoke run
    python -m bench.pipeline_benchmark --scaling 5000,20000   # cluster + trace + report growth

One run, on the same pages (bench/generate.py; the corpus folder is reused when
its parameters match), measures every step as its own child process (wall and
CPU seconds, peak RSS):
- floors: bare trafilatura over the pages' HTML; bare `nlp.pipe` with extract's
  spaCy pipeline over the texts extract annotates; bare encoding of what extract
  embeds per article (`article_representation`), and, apart, of the figure contexts;
- our stages through the real CLI on a fresh store: `ingest` (the folder),
  `extract`, `cluster --json`, `report --format json`;
- `run` end to end on another fresh store, then `run` again on the unchanged corpus;
- `newstrace --help` start-up (median of 5); `ingest` and the trafilatura floor
  alternate three times and the median run of each is compared (INGEST_REPEATS);
- clustering quality of `cluster --json` against the generator's truth.
Ratios: ingest / trafilatura floor; extract / (spaCy + article-embedding floors);
run / (the three floors); rerun / run. A floor's seconds are its process's wall
time, imports and model loads included, as our stages pay them too.

Output: a table on stdout and bench/out/pipeline-<size>.json (pipeline-quick.json).
The scaling mode is described in bench/scaling.py.

Data: ../shared/benchmarks/article-extraction-benchmark, read at run time.
Timings are wall-clock on whatever else the machine runs: the JSON records the
load average before and after; compare CPU seconds when it was high.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .generate import DATA, GenerationParams, MissingData, generate, read_truth, require_data
from .machine import finish, machine_info
from .measure import Measurement
from .quality import quality_report
from .stages import StageFailed, Workspace, floor, help_startup, stage, store_counts

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
QUICK = GenerationParams(size=200, seed=7, max_sources=40)


@dataclass(frozen=True)
class Row:
    stage: str
    items: int | None
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    tree_rss_mb: float
    floor_seconds: float | None = None
    floor_name: str | None = None

    @property
    def per_second(self) -> float | None:
        return self.items / self.seconds if self.items and self.seconds > 0 else None

    @property
    def ratio(self) -> float | None:
        return self.seconds / self.floor_seconds if self.floor_seconds else None


def row(m: Measurement, items: int | None, floor_seconds: float | None = None, floor_name: str | None = None) -> Row:
    return Row(m.label, items, m.seconds, m.cpu_seconds, m.peak_rss_mb, m.tree_rss_mb, floor_seconds, floor_name)


def full_run(params: GenerationParams, label: str, data: Path = DATA) -> dict[str, Any]:
    machine = machine_info(REPO)
    corpus = generate(OUT / _corpus_name(params), params, data)
    ws = Workspace(OUT / f"work-{label}").reset()
    pages = corpus.pages
    help_seconds, help_runs = help_startup(ws)

    ingest, traf, traf_info, ingest_runs, traf_runs = _ingest_against_floor(ws, corpus.out)
    extract = stage(ws, "extract", ws.db("stages"), "extract")
    counts = store_counts(ws.db("stages"))
    cluster = stage(ws, "cluster", ws.db("stages"), "cluster", "--json", stdout=ws.path("clusters.json"))
    report = stage(ws, "report", ws.db("stages"), "report", "--format", "json", "-o", str(ws.path("report.json")))

    nlp, nlp_info = floor(ws, "spacy", db=ws.db("stages"))
    emb, emb_info = floor(ws, "embed", db=ws.db("stages"))
    figs, figs_info = floor(ws, "embed-figures", db=ws.db("stages"))

    run = stage(ws, "run", ws.db("run"), "run", str(corpus.out), "--out", str(ws.path("run-out")))
    rerun = stage(ws, "rerun", ws.db("run"), "run", str(corpus.out), "--out", str(ws.path("run-out")))

    annotated = counts["annotated"]
    model_floor = nlp.seconds + emb.seconds
    rows = [
        row(traf, traf_info["items"]), row(nlp, nlp_info["items"]), row(emb, emb_info["items"]),
        row(figs, figs_info["items"]),
        row(ingest, pages, traf.seconds, "floor:trafilatura"),
        row(extract, annotated, model_floor, "floor:spacy + floor:embed"),
        row(cluster, annotated), row(report, annotated),
        row(run, pages, traf.seconds + model_floor, "sum of the three floors"),
        row(rerun, pages, run.seconds, "run"),
    ]
    quality = _quality(ws, corpus.out)
    machine = finish(machine, REPO)
    return {
        "benchmark": "pipeline", "label": label, "params": asdict(params), "corpus": str(corpus.out),
        "generation": {"pages": pages, "counts": corpus.counts, "reused": corpus.reused},
        "machine": machine,
        "help_seconds_median": help_seconds, "help_seconds": [r.seconds for r in help_runs],
        "ingest_seconds": [r.seconds for r in ingest_runs], "trafilatura_seconds": [r.seconds for r in traf_runs],
        "rows": [{**asdict(r), "per_second": r.per_second, "ratio": r.ratio} for r in rows],
        "ratios": {
            "ingest_vs_trafilatura": ingest.seconds / traf.seconds,
            "extract_vs_spacy_plus_embed": extract.seconds / model_floor,
            "extract_vs_spacy_plus_embed_incl_figures": extract.seconds / (model_floor + figs.seconds),
            "run_vs_sum_of_floors": run.seconds / (traf.seconds + model_floor),
            "run_vs_sum_of_floors_incl_figures": run.seconds / (traf.seconds + model_floor + figs.seconds),
            "rerun_vs_run": rerun.seconds / run.seconds,
        },
        "floors": {"trafilatura": traf_info, "spacy": nlp_info, "embed": emb_info, "embed-figures": figs_info},
        "store": counts, "quality": quality,
        "exit_codes": {m.label: m.returncode for m in (ingest, extract, cluster, report, run, rerun)},
    }


# ingest and its floor take seconds each, and on a shared 2-core VM one run of either moved by up
# to 25% between runs, more than the difference being measured; so each runs this many times,
# alternating, and the median run of each is compared (every run is in the JSON).
INGEST_REPEATS = 3


def _ingest_against_floor(ws: Workspace, pages: Path, repeats: int = INGEST_REPEATS,
                          ) -> tuple[Measurement, Measurement, dict[str, Any], list[Measurement], list[Measurement]]:
    ingests, floors, info = [], [], {}
    for _ in range(repeats):
        for suffix in ("", "-wal", "-shm"):
            Path(ws.db("stages") + suffix).unlink(missing_ok=True)
        ingests.append(stage(ws, "ingest", ws.db("stages"), "ingest", str(pages)))
        measured, info = floor(ws, "trafilatura", pages=str(pages))
        floors.append(measured)
    # The store the later stages read is the last run's; every run ingests the same pages into a fresh one.
    return _median_run(ingests), _median_run(floors), info, ingests, floors


def _median_run(runs: Sequence[Measurement]) -> Measurement:
    return sorted(runs, key=lambda r: r.seconds)[len(runs) // 2]


def _corpus_name(params: GenerationParams) -> str:
    return f"corpus-{params.size}" + (f"-s{params.max_sources}" if params.max_sources else "") + \
        (f"-seed{params.seed}" if params.seed != 7 else "")


def _quality(ws: Workspace, corpus: Path) -> dict[str, Any]:
    clusters = json.loads(ws.path("clusters.json").read_text(encoding="utf-8"))
    return quality_report(read_truth(corpus), clusters, ws.db("stages"))


def format_table(rows: Sequence[dict[str, Any]]) -> str:
    head = (f"{'stage':<20} {'items':>6} {'wall s':>8} {'cpu s':>8} {'items/s':>8} {'floor s':>8} "
            f"{'ratio':>6} {'peak MB':>8} {'tree MB':>8}")
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append(f"{r['stage']:<20} {_n(r['items'], '{:d}'):>6} {r['seconds']:>8.1f} {r['cpu_seconds']:>8.1f} "
                     f"{_n(r['per_second'], '{:.2f}'):>8} {_n(r['floor_seconds'], '{:.1f}'):>8} "
                     f"{_n(r['ratio'], '{:.2f}'):>6} {r['peak_rss_mb']:>8.0f} {r['tree_rss_mb']:>8.0f}")
    return "\n".join(lines)


def _n(value: Any, fmt: str) -> str:
    return "-" if value is None else fmt.format(value)


def format_report(result: dict[str, Any]) -> str:
    q, m, gen = result["quality"], result["machine"], result["generation"]
    ratios = result["ratios"]
    return "\n".join([
        f"pipeline benchmark '{result['label']}': {gen['pages']} pages {gen['counts']}",
        format_table(result["rows"]),
        "ratio = wall / floor wall (ingest: trafilatura; extract: spaCy + article embedding; "
        "run: all three; rerun: first run)",
        f"with the figure-context embedding floor added: extract {ratios['extract_vs_spacy_plus_embed_incl_figures']:.2f}, "
        f"run {ratios['run_vs_sum_of_floors_incl_figures']:.2f}",
        f"newstrace --help: median {result['help_seconds_median']:.3f} s of {len(result['help_seconds'])}",
        "ingest runs " + ", ".join(f"{x:.1f}" for x in result["ingest_seconds"]) + " s; trafilatura floor runs "
        + ", ".join(f"{x:.1f}" for x in result["trafilatura_seconds"]) + " s (the medians are in the table)",
        f"clustering vs truth: pairwise P {q['precision']:.3f} R {q['recall']:.3f} F1 {q['f1']:.3f}, "
        f"ARI {q['ari']:.3f}; {q['predicted_clusters']} clusters (largest {q['largest_cluster']}) for "
        f"{q['true_stories']} stories (largest {q['largest_story']}); unclustered pages {q['unclustered']}; "
        f"recall with the original: copies {q['recall_by_kind']['copy']:.3f}, "
        f"rewrites {q['recall_by_kind']['rewrite']:.3f}",
        f"event-level (same-event benchmark pages merged, bench/events.py): P {q['event_level']['precision']:.3f} "
        f"R {q['event_level']['recall']:.3f} F1 {q['event_level']['f1']:.3f}, ARI {q['event_level']['ari']:.3f}",
        f"machine: {m['nproc']} CPUs, {m['cpu_model']}, {m['memory_gb']} GB; python {m['python']}, "
        f"torch {m['versions']['torch']}, spacy {m['versions']['spacy']}; load average "
        f"{m['loadavg_start'][0]:.1f} at start, {m['loadavg_end'][0]:.1f} at end; commit "
        f"{(m['git']['commit'] or '?')[:10]}{' (uncommitted changes)' if m['git']['dirty'] else ''}"
        + ("; WARNING: the library code changed during the run" if m["code_changed_during_run"] else ""),
    ])


def write(result: dict[str, Any], name: str) -> Path:
    path = OUT / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="pages to generate (1000, 5000, 20000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sources", type=int, default=None, help="use at most this many benchmark pages")
    parser.add_argument("--quick", action="store_true", help="~200 pages from 40 stories: a smoke run")
    parser.add_argument("--scaling", metavar="N,N", help="cluster + trace + report at these sizes (synthetic "
                        "annotations for copies and rewrites; see bench/scaling.py)")
    parser.add_argument("--stage-timeout", type=float, default=1800.0, metavar="SECONDS",
                        help="scaling only: kill a report still running after this long (its time is a lower bound)")
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args(argv)
    try:
        require_data(args.data)
    except MissingData as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        if args.scaling:
            from .scaling import ScalingOptions, format_scaling, scaling_run

            sizes = tuple(int(s) for s in args.scaling.split(",") if s.strip())
            result = scaling_run(ScalingOptions(sizes, args.seed, args.stage_timeout), args.data)
            print(format_scaling(result))
            path = write(result, "scaling-" + "-".join(map(str, sizes)))
        else:
            params = QUICK if args.quick else GenerationParams(args.size, args.seed, args.sources)
            label = "quick" if args.quick else str(args.size)
            result = full_run(params, label, args.data)
            print(format_report(result))
            path = write(result, f"pipeline-{label}")
    except StageFailed as exc:
        print(f"benchmark stopped: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
