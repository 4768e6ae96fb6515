"""The HTML report at scale: page sizes and headless-Chromium load times at 5k and 20k articles.

    python -m bench.report_scale [--sizes 5000,20000] [--loads 40] [--build-only]

For each size a store is built as bench/scaling.py builds it (the originals
ingested and extracted for real once into bench/out/originals-cache, copies and
rewrites stored with SYNTHETIC annotations, see bench/synthetic.py), then
`newstrace report --format html -o DIR` writes the report folder. Recorded in
bench/out/report-scale.json: the time of that command, the number and total
size of the pages, the largest pages, and the load time of the index, the
largest pages and a sample of the others in headless Chromium (Debian's
/usr/bin/chromium driven by Playwright, time from navigation to the `load`
event, console errors counted). The issue's bar: no page over 5 MB, each
loading in under 2 s. This is a benchmark, not a test: nothing here fails on
a slow machine, it records.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from .generate import GenerationParams, generate, load_sources, plan_pages, require_data
from .machine import finish, machine_info
from .scaling import OUT, REPO, _originals_by_source, prepare_cache
from .stages import Workspace, stage
from .synthetic import SYNTHETIC_LABEL, copy_originals, load_originals, store_derived

CHROMIUM = Path("/usr/bin/chromium")
LIMIT_BYTES = 5 * 1024 * 1024
LIMIT_LOAD_SECONDS = 2.0


def build_store(size: int, seed: int, data: Path, cache_db: str) -> Path:
    """A store of `size` articles under bench/out/report-scale-SIZE, reused when already complete."""
    from newstrace.corpus.store import Store

    ws = Workspace(OUT / f"report-scale-{size}")
    done = ws.path("store.complete")
    if done.exists():
        return Path(ws.db("store"))
    ws.reset()
    params = GenerationParams(size, seed, None)
    corpus = generate(OUT / (f"corpus-{size}" + (f"-seed{seed}" if seed != 7 else "")), params, data)
    sources = load_sources(data)
    by_source = _originals_by_source(data, load_originals(cache_db))
    plans = plan_pages(list(sources), params)
    listing = ws.path("originals.txt")
    listing.write_text("".join(f"{corpus.out / (p.page_id + '.html')}\n" for p in plans if p.how == "original"),
                       encoding="utf-8")
    stage(ws, f"ingest-originals-{size}", ws.db("store"), "ingest", "-i", str(listing))
    with Store.open(ws.db("store")) as store:
        copy_originals(store, {o.article_id: o for o in by_source.values()}, cache_db)
        store_derived(store, [p for p in plans if p.how != "original"], sources, params, corpus.out, by_source)
    done.write_text("ok\n", encoding="utf-8")
    return Path(ws.db("store"))


def page_sizes(folder: Path) -> list[tuple[str, int]]:
    return sorted(((str(p.relative_to(folder)), p.stat().st_size) for p in folder.rglob("*.html")),
                  key=lambda item: (-item[1], item[0]))


def load_times(folder: Path, pages: list[str], runs: int = 1) -> list[dict[str, Any]]:
    """Each page opened in a fresh tab of one headless Chromium; seconds to the load event."""
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            for name in pages:
                errors: list[str] = []
                best = None
                for _ in range(runs):
                    page = browser.new_page()
                    page.on("console", lambda msg, errors=errors: errors.append(msg.text) if msg.type == "error" else None)
                    page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
                    started = time.perf_counter()
                    page.goto((folder / name).resolve().as_uri(), wait_until="load", timeout=60_000)
                    seconds = time.perf_counter() - started
                    best = seconds if best is None else min(best, seconds)
                    page.close()
                out.append({"page": name, "seconds": round(best or 0.0, 3), "console_errors": len(errors)})
        finally:
            browser.close()
    return out


def measure_size(size: int, seed: int, data: Path, cache_db: str, loads: int) -> dict[str, Any]:
    db = build_store(size, seed, data, cache_db)
    ws = Workspace(OUT / f"report-scale-{size}")
    folder = ws.path("html")
    report = stage(ws, f"report-html-{size}", str(db), "report", "--format", "html", "-o", str(folder),
                   timeout=3600)
    sizes = page_sizes(folder)
    total = sum(b for _, b in sizes)
    rng = random.Random(size)
    largest = [name for name, _ in sizes[:10]]
    others = [name for name, _ in sizes[10:]]
    sample = ["index.html"] + [n for n in largest if n != "index.html"] + rng.sample(others, min(loads, len(others)))
    timed = load_times(folder, sample) if CHROMIUM.exists() else []
    if not timed:
        print(f"load times skipped: {CHROMIUM} not found (apt-get install chromium)", flush=True)
    slow = [t for t in timed if t["seconds"] >= LIMIT_LOAD_SECONDS]
    return {
        "size": size, "report_command": {"seconds": report.seconds, "peak_rss_mb": getattr(report, "peak_rss_mb", None),
                                         "returncode": report.returncode},
        "pages": len(sizes), "total_bytes": total,
        "by_kind": _by_kind(sizes),
        "largest": [{"page": n, "bytes": b} for n, b in sizes[:10]],
        "over_5mb": [n for n, b in sizes if b > LIMIT_BYTES],
        "index_bytes": dict(sizes).get("index.html"),
        "loads": timed, "loads_max_seconds": max((t["seconds"] for t in timed), default=None),
        "loads_over_2s": slow, "console_errors": sum(t["console_errors"] for t in timed),
        "chromium": str(CHROMIUM) if CHROMIUM.exists() else None,
    }


def _by_kind(sizes: list[tuple[str, int]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for name, size in sizes:
        kind = name.split("/", 1)[0] if "/" in name else name
        entry = out.setdefault(kind, {"pages": 0, "bytes": 0, "max_bytes": 0})
        entry["pages"] += 1
        entry["bytes"] += size
        entry["max_bytes"] = max(entry["max_bytes"], size)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,20000", help="corpus sizes, comma-separated")
    parser.add_argument("--seed", type=int, default=7, help="generator seed")
    parser.add_argument("--loads", type=int, default=40, help="random pages timed per size besides the largest")
    parser.add_argument("--build-only", action="store_true", help="build the stores and stop")
    parser.add_argument("--out", type=Path, default=OUT / "report-scale.json", help="where the JSON goes")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    data = require_data()
    machine = machine_info(REPO)
    cache, _ = prepare_cache(data)
    if args.build_only:
        for size in sizes:
            print(f"store {size}: {build_store(size, args.seed, data, cache.db('store'))}", flush=True)
        return 0
    results = []
    for size in sizes:
        result = measure_size(size, args.seed, data, cache.db("store"), args.loads)
        results.append(result)
        print(f"{size} articles: {result['pages']} pages, {result['total_bytes'] / 1e6:.1f} MB in all, "
              f"largest {result['largest'][0]['page']} {result['largest'][0]['bytes'] / 1e6:.2f} MB, "
              f"index {(result['index_bytes'] or 0) / 1e6:.2f} MB, slowest load {result['loads_max_seconds']} s, "
              f"report command {result['report_command']['seconds']:.0f} s", flush=True)
    out = {"benchmark": "report_scale", "synthetic": SYNTHETIC_LABEL, "sizes": sizes,
           "limits": {"page_bytes": LIMIT_BYTES, "load_seconds": LIMIT_LOAD_SECONDS},
           "machine": finish(machine, REPO), "results": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
