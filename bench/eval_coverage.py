"""`make eval-coverage`: newstrace on real coverage of stories from other domains, scored against gold.

The coverage corpus (`../shared/coverage/`) holds 60 real pages of four stories (public health, labour
statistics, a news-audience survey, an energy outlook) with facts-only gold and a scorer. This script:

1. renders the pages as HTML with `site.py` and serves them on loopback (127.0.0.1, a free port);
2. runs `newstrace run --allow-private -i urls.txt` on them into a fresh store, once with the shipped
   knowledge base and once with `--no-builtin-kb` (when the installed newstrace has that flag);
3. scores each JSON report with `score.py --key pages` and prints every metric, plus figure recall over
   the non-English pages alone;
4. scores two peer clustering baselines on the same cleaned texts (taken from our own export, so the
   baselines and we see the same words): MinHash LSH over word 5-shingles (datasketch, thresholds 0.3
   and 0.5) and MiniLM page embeddings with a cosine threshold (0.6, 0.7, 0.8) and connected components.

Everything is written under `bench/out/coverage/` (the stores, reports and `coverage.json` with all
numbers). Nothing leaves the machine: the pages are served on loopback.

Run: python -m bench.eval_coverage [--shared DIR] [--out DIR] [--only builtin|no-builtin] [--no-baselines]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Sequence
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO.parent / "shared"
DEFAULT_OUT = REPO / "bench" / "out" / "coverage"
NEWSTRACE = Path(sys.executable).with_name("newstrace")


def _load_module(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


def _serve(folder: Path) -> ThreadingHTTPServer:
    """Serve `folder` on 127.0.0.1 at a free port, on a daemon thread (site.py's server logs every hit)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _newstrace(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(NEWSTRACE), *args], capture_output=True, text=True, env=env, check=False)


def _supports_no_builtin_kb() -> bool:
    return "--no-builtin-kb" in _newstrace("run", "--help").stdout


def _score(score_py: Path, report: Path, gold: Path, metrics_json: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, str(score_py), str(report), str(gold), "--key", "pages",
                           "--json", str(metrics_json)], capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1) or not metrics_json.exists():
        raise SystemExit(f"score.py failed: {done.stderr.strip()[-400:]}")
    return json.loads(metrics_json.read_text(encoding="utf-8"))


def _page_key(url: str) -> str | None:
    m = re.search(r"/(\d{3})\.html", url or "")
    return m.group(1) if m else None


def _non_english_recall(report: dict[str, Any], gold: dict[str, Any]) -> tuple[float, int, int]:
    """Figure recall over the gold's non-English pages alone (score.py's rule, restricted)."""
    keys = {a["id"]: _page_key(a.get("url") or a.get("source_path") or "") for a in report.get("articles", [])}
    values: dict[str, list[list[float]]] = {}
    for fam in report.get("figures", []):
        for m in fam.get("mentions", []):
            k = keys.get(m.get("article"))
            if k:
                values.setdefault(k, []).append(_nums(m.get("value", fam.get("value"))))
    ne = set(gold.get("non_english", []))
    total = found = 0
    for spec in gold["figures"].values():
        for k, val in spec["values"].items():
            if k not in ne:
                continue
            total += 1
            want = _nums(val)
            if any(any(abs(w - v) < 1e-6 for w in want for v in got) for got in values.get(k, [])):
                found += 1
    return (found / total if total else 0.0), found, total


def _nums(v: Any) -> list[float]:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return [float(v)]
    if isinstance(v, list):
        return [float(x) for x in v if isinstance(x, (int, float)) and not isinstance(x, bool)]
    return []


def _run_newstrace(urls: Path, work: Path, extra: Sequence[str]) -> tuple[Path, Path, int]:
    db = work / "coverage.db"
    out = work / "report"
    for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        p.unlink(missing_ok=True)
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, NEWSTRACE_DB=str(db))
    done = _newstrace("run", "--allow-private", "--rate", "0", "-i", str(urls), "--out", str(out), *extra, env=env)
    (work / "run.log").write_text(done.stdout + done.stderr, encoding="utf-8")
    if not (out / "report.json").exists():
        raise SystemExit(f"newstrace run wrote no report (exit {done.returncode}); see {work / 'run.log'}")
    return out / "report.json", out / "export.jsonl", done.returncode


# --- peer baselines -------------------------------------------------------------------------------


def _texts(export_jsonl: Path) -> dict[str, str]:
    """Page key -> cleaned text, from our own export (the baselines read what we read)."""
    texts: dict[str, str] = {}
    with export_jsonl.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            key = _page_key(row.get("url") or row.get("source_path") or "")
            if key and row.get("text"):
                texts.setdefault(key, row["text"])
    return texts


def _components(keys: list[str], pairs: Iterable[tuple[int, int]]) -> list[list[str]]:
    parent = list(range(len(keys)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in pairs:
        parent[find(a)] = find(b)
    groups: dict[int, list[str]] = {}
    for i, k in enumerate(keys):
        groups.setdefault(find(i), []).append(k)
    return list(groups.values())


def _minhash_clusters(texts: dict[str, str], threshold: float) -> list[list[str]]:
    from datasketch import MinHash, MinHashLSH

    keys = sorted(texts)
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    hashes = []
    for i, k in enumerate(keys):
        words = re.findall(r"\w+", texts[k].lower())
        mh = MinHash(num_perm=128, seed=1)
        for j in range(max(1, len(words) - 4)):
            mh.update(" ".join(words[j:j + 5]).encode("utf-8"))
        lsh.insert(str(i), mh)
        hashes.append(mh)
    pairs = [(i, int(j)) for i, mh in enumerate(hashes) for j in lsh.query(mh) if int(j) != i]
    return _components(keys, pairs)


def _embedding_clusters(texts: dict[str, str], thresholds: Sequence[float]) -> dict[float, list[list[str]]]:
    import numpy as np

    from newstrace.extract.models import load_embedder

    keys = sorted(texts)
    vectors = np.asarray(load_embedder().encode([texts[k] for k in keys], normalize_embeddings=True))
    sims = vectors @ vectors.T
    out = {}
    for t in thresholds:
        pairs = [(i, j) for i in range(len(keys)) for j in range(i + 1, len(keys)) if sims[i, j] >= t]
        out[t] = _components(keys, pairs)
    return out


def _clusters_report(groups: list[list[str]]) -> dict[str, Any]:
    """A minimal report that score.py reads: one article per page, clusters as given."""
    articles, clusters = [], []
    for n, group in enumerate(groups):
        cid = f"c{n}"
        clusters.append({"id": cid, "articles": [f"a{k}" for k in group], "representative": f"a{group[0]}"})
        articles += [{"id": f"a{k}", "url": f"http://127.0.0.1/{k}.html", "cluster": cid} for k in group]
    return {"articles": articles, "clusters": clusters, "figures": []}


def _baseline_scores(score_py: Path, gold: Path, texts: dict[str, str], work: Path) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    candidates: dict[str, list[list[str]]] = {}
    for t in (0.3, 0.5):
        candidates[f"minhash-lsh@{t}"] = _minhash_clusters(texts, t)
    for t, groups in _embedding_clusters(texts, (0.6, 0.7, 0.8)).items():
        candidates[f"minilm-cosine@{t}"] = groups
    for name, groups in candidates.items():
        path = work / f"baseline-{name}.json"
        path.write_text(json.dumps(_clusters_report(groups)), encoding="utf-8")
        m = _score(score_py, path, gold, work / f"baseline-{name}.metrics.json")
        results[name] = {"clusters": m["clusters"], "clusters_en": m.get("clusters_en") or 0.0}
    return results


# --- main -------------------------------------------------------------------------------------------


METRIC_ORDER = ("clusters", "clusters_en", "figure_recall", "attribution", "chain_to_primary", "families",
                "separation", "drift_flag", "conflicts", "dates", "non_english_recall", "score")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared/ folder")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where stores, reports and coverage.json go")
    ap.add_argument("--only", choices=("builtin", "no-builtin"), help="run one knowledge-base setting only")
    ap.add_argument("--no-baselines", action="store_true", help="skip the peer clustering baselines")
    args = ap.parse_args(argv)

    coverage = args.shared / "coverage"
    if not (coverage / "gold.json").exists():
        print(f"eval-coverage: {coverage} not found; clone the project beside shared/", file=sys.stderr)
        return 3
    gold_path = coverage / "gold.json"
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    site = _load_module(coverage / "site.py", "coverage_site")
    score_py = coverage / "score.py"
    args.out.mkdir(parents=True, exist_ok=True)

    settings = [("builtin", [])]
    if _supports_no_builtin_kb():
        settings.append(("no-builtin", ["--no-builtin-kb"]))
    else:
        print("note: this newstrace has no --no-builtin-kb; only the builtin-KB run is scored")
    if args.only:
        settings = [s for s in settings if s[0] == args.only]

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="newstrace-coverage-") as tmp:
        pages = Path(tmp)
        names = site.build(pages)
        server = _serve(pages)
        port = server.server_address[1]
        urls = pages / "urls.txt"
        urls.write_text("".join(f"http://127.0.0.1:{port}/{n}\n" for n in names), encoding="utf-8")
        try:
            export = None
            for label, extra in settings:
                work = args.out / label
                work.mkdir(parents=True, exist_ok=True)
                report_path, export, code = _run_newstrace(urls, work, extra)
                metrics = _score(score_py, report_path, gold_path, work / "metrics.json")
                report = json.loads(report_path.read_text(encoding="utf-8"))
                ne, ne_found, ne_total = _non_english_recall(report, gold)
                metrics["non_english_recall"] = ne
                metrics["run_exit"] = code
                metrics["figures_in_report"] = len(report.get("figures", []))
                results[label] = metrics
                print(f"\n== newstrace, {label} KB ({len(names)} pages, run exit {code}) ==")
                for key in METRIC_ORDER:
                    if metrics.get(key) is not None:
                        extra_txt = f"  ({ne_found}/{ne_total} mentions)" if key == "non_english_recall" else ""
                        print(f"{key:>20}: {metrics[key]:.3f}{extra_txt}")
                print(f"{'families in report':>20}: {metrics['figures_in_report']}")
        finally:
            server.shutdown()
        if not args.no_baselines and export is not None and export.exists():
            base = _baseline_scores(score_py, gold_path, _texts(export), args.out)
            results["baselines"] = base
            print("\n== clustering baselines on the same texts (clusters / over English pages) ==")
            for name, m in base.items():
                print(f"{name:>20}: {m['clusters']:.3f} / {m['clusters_en']:.3f}")
            ours = {k: (v["clusters"], v.get("clusters_en") or 0.0) for k, v in results.items() if k != "baselines"}
            for label, (c, c_en) in ours.items():
                best = max(m["clusters"] for m in base.values())
                verdict = "ahead of" if c > best else "NOT ahead of"
                print(f"{'newstrace ' + label:>20}: {c:.3f} / {c_en:.3f}  ({verdict} the best baseline, {best:.3f})")
    (args.out / "coverage.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"\nwrote {args.out / 'coverage.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
