"""Where `newstrace report` spends its time: the same library calls, timed one by one.

    python -m bench.phases --db STORE --out FILE

Runs in its own process (started by bench.pipeline_benchmark) the steps that
`report --format json` runs: load the corpus (articles, annotations, vectors),
cluster it, assemble families/traces/conflicts/graph, turn the report into a
dict and serialise it; plus the clusterer's own counters (candidate pairs by
source) and the cluster sizes, which say whether a slow step is slow because
of the data (large clusters) or because of the code.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any


def measure(db: str) -> dict[str, Any]:
    started = time.perf_counter()
    from newstrace.corpus.store import Store
    from newstrace.extract.kb import load_kb
    from newstrace.provenance.coverage import cluster_corpus, load_corpus
    from newstrace.provenance.export import report_json_chunks
    from newstrace.provenance.report import ProvenanceOptions, assemble

    timings: dict[str, float] = {}

    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        timings[name] = now - since
        return now

    options = ProvenanceOptions()
    mark = lap("imports", started)
    kb = load_kb()
    mark = lap("load_kb", mark)
    with Store.open(db, migrate=False) as store:
        corpus = load_corpus(store)
    mark = lap("load_corpus", mark)
    clusters = cluster_corpus(corpus, options.cluster)
    mark = lap("cluster", mark)
    report = assemble(corpus, clusters, kb, options)
    mark = lap("assemble", mark)
    data = report.to_dict()
    mark = lap("to_dict", mark)
    # What `report --format json` writes: the streamed encoding, one list element per line.
    text = "".join(report_json_chunks(data))
    lap("json_dumps", mark)
    sizes = Counter(len(c.articles) for c in clusters.clusters)
    return {"timings": timings, "cluster_stats": asdict(clusters.stats),
            "articles": len(corpus.articles), "annotated": len(corpus.annotations),
            "mentions": sum(len(a.statistics) for a in corpus.annotations.values()),
            "figures": len(data["figures"]), "conflicts": len(data["conflicts"]),
            "cluster_sizes": {"largest": max(sizes, default=0), "multi": sum(n for s, n in sizes.items() if s > 1),
                              "sum_squares": sum(s * s * n for s, n in sizes.items())},
            "report_bytes": len(text.encode("utf-8"))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.write_text(json.dumps(measure(args.db), indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
