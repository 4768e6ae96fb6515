"""Train the confidence model of `extract.stat_confidence` on the hand-labelled statistics samples.

    python -m bench.train_stat_confidence [--target 0.9] [--dry-run]

The labels are the `is_stat` fields of every `tests/data/statistics_sample*.jsonl` file and of
`tests/data/statistics_training_labels.jsonl` (the training pages' counts, amounts and quantities no
sample had drawn): a page (`doc`) and an offset, labelled by reading the sentence. The features are computed afresh, with
the code as it is, over the samples' population (`bench.statistics_sample.documents`, run with
the screen off), so a labelled figure the rules no longer keep is not used.

A quarter of the pages is held out: never trained on, so that a sample drawn from them
(`python -m bench.statistics_sample draw --held-out`) judges the model on pages it has not seen.
The hold-out is a hash of the page name, fixed across runs and machines.

The threshold is chosen by cross-validation on the training pages, grouped so that no story is
in both halves of a fold (the coverage pages of one story are one group; a benchmark page is its
own): the lowest threshold whose out-of-fold precision reaches `--target`. The model is then fit
on every training page and written, with what it was trained on, to
`extract/lang/en/stat_confidence.yaml`.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import re
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

from newstrace.bench.statistics_sample import ROOT, documents

LABEL_DIR = ROOT / "tests" / "data"
OUT = ROOT / "extract" / "lang" / "en" / "stat_confidence.yaml"
EMBED_DIM = 384
# Shares, rates and multiples ("17%", "one in five", "8 of 10", "three times") are what statistics are
# made of: the screen never drops them, and is trained on the other figures alone (counts, amounts of
# money, quantities), where the descriptions are.
SAMPLE_SIZE = re.compile(r"\bsample sizes?\b", re.IGNORECASE)
KEPT_UNITS = ("percent", "ratio", "multiplier", "rank")


def held_out(doc: str) -> bool:
    """Whether a page is kept out of training (a quarter of pages, by a hash of the name)."""
    return hashlib.sha1(doc.encode("utf-8")).digest()[0] % 4 == 0


def label_files(directory: Path = LABEL_DIR) -> list[Path]:
    """The random samples (`statistics_sample*.jsonl`) and the labels of the training pages' other
    figures (`statistics_training_labels.jsonl`)."""
    extra = directory / "statistics_training_labels.jsonl"
    return sorted(directory.glob("statistics_sample*.jsonl")) + ([extra] if extra.is_file() else [])


def labels(directory: Path = LABEL_DIR) -> dict[tuple[str, int], bool]:
    """(page, offset) -> is a statistic: the majority of the samples that labelled it. A tie counts
    as a statistic: the screen should not learn to drop what two readers disagree on. A survey's or
    a study's sample size ("93,000 respondents") counts as a statistic whatever its label says: the
    samples' labellers called it none, but it is a figure that travels with the study, and the
    coverage gold traces it as one."""
    votes: dict[tuple[str, int], list[bool]] = {}
    sample_sizes: set[tuple[str, int]] = set()
    for path in label_files(directory):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if SAMPLE_SIZE.search(row.get("note") or ""):
                    sample_sizes.add((row["doc"], row["offset"]))
                if row.get("is_stat") is not None:
                    votes.setdefault((row["doc"], row["offset"]), []).append(bool(row["is_stat"]))
    out = {}
    for key in sample_sizes:
        votes[key] = [True]
    for key, vs in votes.items():
        count = Counter(vs)
        out[key] = count[True] >= count[False]
    return out


def story(doc: str) -> str:
    """The cross-validation group: a coverage story (its pages are numbered 101.. in blocks of 15),
    or the benchmark page itself."""
    if doc.startswith("coverage/"):
        return f"coverage-story-{(int(doc.split('/')[1][:3]) - 101) // 15}"
    return doc


def collect() -> tuple[list[dict[str, float]], np.ndarray, list[str], list[bool]]:
    """Features, window embeddings, page names and labels of every labelled figure the rules keep."""
    from newstrace.extract.embed import embed_texts
    from newstrace.extract.entities import kb_pipeline
    from newstrace.extract.kb import load_kb
    from newstrace.extract.stat_confidence import WINDOW_PIECES, features, window
    from newstrace.extract.statistics import find_statistics

    gold = labels()
    nlp = kb_pipeline(load_kb())
    names, texts, dates = zip(*documents())
    named, windows, pages, ys = [], [], [], []
    for name, date, doc in zip(names, dates, nlp.pipe(texts, batch_size=16)):
        for stat in find_statistics(doc, published=date, screen=False):
            label = gold.get((name, stat.start))
            if label is None:
                continue
            named.append(features(doc, stat))
            windows.append(window(doc, stat))
            pages.append(name)
            ys.append(label)
    return named, embed_texts(windows, max_length=WINDOW_PIECES), pages, ys


def _matrix(named, vectors, vocabulary):
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction import DictVectorizer

    vectorizer = DictVectorizer()
    vectorizer.fit([{k: 1.0 for k in vocabulary}])
    return hstack([vectorizer.transform(named), csr_matrix(vectors)]).tocsr(), vectorizer.feature_names_


def _fit(x, y, c):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=5000).fit(x, y)


def cross_validate(x, y, groups, c, folds=5) -> np.ndarray:
    from sklearn.model_selection import GroupKFold

    out = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=folds).split(x, y, groups):
        out[test] = _fit(x[train], y[train], c).predict_proba(x[test])[:, 1]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", type=float, default=0.9, help="out-of-fold precision to reach")
    parser.add_argument("--c", type=float, default=1.0, help="inverse L2 strength of the regression")
    parser.add_argument("--dry-run", action="store_true", help="print the cross-validation, write nothing")
    parser.add_argument("--cache", type=Path, help="keep the collected features in this file (for trying options)")
    parser.add_argument("--drop", default="", help="named features to leave out, comma-separated prefixes")
    args = parser.parse_args(argv)

    if args.cache is not None and args.cache.is_file():
        named, vectors, pages, ys = pickle.loads(args.cache.read_bytes())
    else:
        named, vectors, pages, ys = collect()
        if args.cache is not None:
            args.cache.write_bytes(pickle.dumps((named, vectors, pages, ys)))
    left_out = tuple(p for p in args.drop.split(",") if p)
    named = [{k: v for k, v in f.items() if not k.startswith(left_out)} if left_out else f for f in named]
    # the figures `ConfidenceModel.screens`: no share, rate or multiple, no "N of M"
    screened = np.array([not any(f.get(f"unit={u}") for u in KEPT_UNITS) and not f.get("of") for f in named])
    y = np.array(ys, dtype=int)
    train = np.array([not held_out(p) for p in pages]) & screened
    vocabulary = sorted({k for f, t in zip(named, train) if t for k in f})
    x, feature_names = _matrix(named, vectors, vocabulary)
    xt, yt = x[train], y[train]
    groups = np.array([story(p) for p, t in zip(pages, train) if t])
    pool = np.array([not held_out(p) for p in pages])
    print(f"{len(y)} labelled figures kept by the rules: {int(pool.sum())} on training pages "
          f"({y[pool].mean():.3f} statistics), of which {int(train.sum())} in the screened units "
          f"({yt.mean():.3f}); {int((~pool).sum())} on held-out pages")
    oof = cross_validate(xt, yt, groups, args.c)
    # precision over every training-page figure: the units the screen never drops count as kept
    always = y[pool & ~screened]
    threshold = None
    print("threshold  screened kept  precision of all kept  recall of all statistics  (out-of-fold, by story)")
    for step in range(30, 86, 5):
        th = step / 100
        kept = oof >= th
        good = yt[kept].sum() + always.sum()
        n = kept.sum() + len(always)
        precision, recall = good / n, good / (yt.sum() + always.sum())
        print(f"  {th:.2f}     {kept.mean():.3f}          {precision:.3f}                  {recall:.3f}")
        if threshold is None and precision >= args.target:
            threshold = (th, precision, recall)
    if threshold is None:
        raise SystemExit(f"no threshold reaches an out-of-fold precision of {args.target}")
    print(f"threshold {threshold[0]:.2f}: out-of-fold precision {threshold[1]:.3f}, recall {threshold[2]:.3f}")
    model = _fit(xt, yt, args.c)
    hold = ~pool
    if hold.any():
        xh, yh = x[hold], y[hold]
        kept = (model.predict_proba(xh)[:, 1] >= threshold[0]) | ~screened[hold]
        print(f"held-out pages, {len(yh)} labelled figures: statistics among them {yh.mean():.3f} before the screen, "
              f"{yh[kept].mean():.3f} among the {int(kept.sum())} it keeps; it keeps {kept[yh == 1].mean():.3f} "
              f"of the statistics and drops {1 - kept[yh == 0].mean():.3f} of the rest")
    coef = model.coef_[0]
    weights = {name: round(float(w), 5) for name, w in zip(feature_names[:len(vocabulary)], coef[:len(vocabulary)])}
    data = {
        "intercept": round(float(model.intercept_[0]), 5),
        "threshold": threshold[0],
        "kept_units": list(KEPT_UNITS),
        "trained_on": {
            "labelled_figures": int(len(yt)),
            "statistics_share": round(float(yt.mean()), 3),
            "held_out_pages": "sha1(page name)[0] % 4 == 0 (bench/train_stat_confidence.py)",
            "regularisation_c": args.c,
            "out_of_fold_precision": round(float(threshold[1]), 3),
            "out_of_fold_recall": round(float(threshold[2]), 3),
        },
        "weights": weights,
        "embedding": [round(float(w), 5) for w in coef[len(vocabulary):]],
    }
    if args.dry_run:
        return 0
    _write(OUT, data)
    print(f"wrote {OUT}")
    return 0


def _write(path: Path, data: dict) -> None:
    import yaml

    header = ("# The confidence model of extract/stat_confidence.py: a logistic regression over named features and\n"
              "# the MiniLM embedding of the figure's sentence. Written by `python -m bench.train_stat_confidence`\n"
              "# from the hand-labelled samples in tests/data; do not edit by hand, retrain.\n")
    text = header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".stat_confidence.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


if __name__ == "__main__":
    raise SystemExit(main())
