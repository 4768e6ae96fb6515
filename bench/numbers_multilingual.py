"""Number parsing benchmark for French, German, Spanish, Korean and Chinese (extract/numbers_intl.py).

Run from the repository root: ``python -m bench.numbers_multilingual`` (``make bench-numbers-intl``).
It prints one table and writes ``bench/out/numbers_multilingual.json`` (metrics plus every miss).

Data: the Microsoft Recognizers-Text specs in ``../shared/benchmarks/recognizers-text-number-specs/
Specs/Number/<Language>/`` (PercentModel, NumberModel, OrdinalModel), read at run time, never copied.
Matching and scoring are bench/numbers_benchmark.py's (`score_suite`: values agree within 1e-6 and
spans overlap; predictions overlapping an item we skip are not false positives), so the English and
these numbers mean the same. Two things differ from the English loader, because these specs differ:

- resolutions use the language's decimal comma ("4,8%", "0,333"), so a value with a comma and no
  point is read with the comma as the decimal mark;
- some cases (Korean, Chinese) give no Start/End: the result text is then looked up in the input, and
  when it is not found the item matches on value alone (`numbers_benchmark._overlaps` allows that).

What is compared: Percent -> our `find_amounts_intl` amounts with unit percent; Number -> our
`find_numbers_intl` cardinals and fractions, minus digits glued to a unit ("180ml": a quantity in
the spec, as in the English benchmark) and minus a lone word that is as often an article ("un",
"una", "ein": `IntlNumber.article`), which extract (multilingual.statistics_in) never makes a figure
either — the specs themselves expect it in a handful of cases and not in most ("Réservez un siège");
Ordinal -> our ordinals. Skipped: results of another type
(in a NumberModel case, say, a percentage), results with no numeric value, and ordinal results marked
relative ("next", "last").
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.numbers_benchmark import Case, Item, score_suite

REPO = Path(__file__).resolve().parent.parent
SPECS = REPO.parent / "shared" / "benchmarks" / "recognizers-text-number-specs" / "Specs" / "Number"
OUT = REPO / "bench" / "out" / "numbers_multilingual.json"
LANGUAGES = {"fr": "French", "de": "German", "es": "Spanish", "ko": "Korean", "zh": "Chinese"}
MODELS = (("PercentModel", "percentage", "percent"), ("NumberModel", "number", "number"),
          ("OrdinalModel", "ordinal", "ordinal"))


def resolution_value(result: dict[str, Any]) -> float | None:
    """The numeric value of a spec result; a lone comma is a decimal comma ("4,8%")."""
    raw = str((result.get("Resolution") or {}).get("value", "")).strip().rstrip("%")
    if "," in raw and "." not in raw:
        raw = raw.replace(",", ".")
    else:
        raw = raw.replace(",", "")
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def load_cases(folder: Path, model: str, type_name: str, kind: str) -> list[Case]:
    data = json.loads((folder / f"{model}.json").read_text(encoding="utf-8-sig"))
    cases: list[Case] = []
    for raw in data:
        text = raw["Input"]
        expected: list[Item] = []
        skipped: list[Item] = []
        cursor = 0
        for result in raw.get("Results", []):
            if "Start" in result and "End" in result:
                start, end = result["Start"], result["End"] + 1
            else:
                found = text.find(result.get("Text", ""), cursor) if result.get("Text") else -1
                start, end = (found, found + len(result["Text"])) if found >= 0 else (-1, -1)
                if found >= 0:
                    cursor = end
            value = resolution_value(result)
            relative = (result.get("Resolution") or {}).get("relativeTo") not in (None, "start")
            if result.get("TypeName") != type_name or value is None or relative:
                reason = "relative" if relative else result.get("TypeName", "?") if value is not None else "no value"
                skipped.append(Item(start, end, value if value is not None else math.nan, reason))
            else:
                expected.append(Item(start, end, value, kind))
        supported = "NotSupported" not in raw and "NotSupportedByDesign" not in raw
        cases.append(Case(text, tuple(expected), tuple(skipped), supported))
    return cases


def predictor(kind: str, lang: str) -> Callable[[str], list[Item]]:
    from newstrace.extract.numbers_intl import find_amounts_intl, find_numbers_intl

    if kind == "percent":
        return lambda text: [Item(a.start, a.end, a.value, "percent")
                             for a in find_amounts_intl(text, lang) if a.unit == "percent"]
    if kind == "number":
        return lambda text: [Item(n.start, n.end, n.value, "number")
                             for n in find_numbers_intl(text, lang)
                             if n.kind in ("cardinal", "fraction") and n.suffix is None and not n.article]
    return lambda text: [Item(n.start, n.end, n.value, "ordinal")
                         for n in find_numbers_intl(text, lang) if n.kind == "ordinal"]


def run(languages: dict[str, str] = LANGUAGES) -> dict[str, Any]:
    started = time.perf_counter()
    suites = []
    for lang, folder_name in languages.items():
        folder = SPECS / folder_name
        for model, type_name, kind in MODELS:
            if not (folder / f"{model}.json").is_file():
                continue
            cases = load_cases(folder, model, type_name, kind)
            score = score_suite(f"{lang} {model}", cases, predictor(kind, lang), lambda text: text)
            suites.append(score.as_dict())
    return {"seconds": round(time.perf_counter() - started, 2), "suites": suites}


def table(report: dict[str, Any]) -> str:
    header = f"{'suite':20} {'cases':>5} {'exp':>4} {'skip':>4} {'pred':>4} {'TP':>4} {'FP':>4} {'FN':>4} " \
             f"{'P':>6} {'R':>6} {'exact':>6}"
    lines = [header, "-" * len(header)]
    for s in report["suites"]:
        exact = s["exact_span"] / s["true_positive"] if s["true_positive"] else 0.0
        lines.append(f"{s['suite']:20} {s['cases']:>5} {s['expected']:>4} {s['skipped']:>4} {s['predicted']:>4} "
                     f"{s['true_positive']:>4} {s['false_positive']:>4} {s['false_negative']:>4} "
                     f"{s['precision']:>6.3f} {s['recall']:>6.3f} {exact:>6.2f}")
    lines.append(f"({report['seconds']} s)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    chosen = {k: v for k, v in LANGUAGES.items() if not args or k in args}
    if not SPECS.is_dir():
        print(f"benchmark data not found under {SPECS}; clone shared/ beside the repo", file=sys.stderr)
        return 2
    report = run(chosen)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    tmp = OUT.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(OUT)
    print(table(report))
    print(f"wrote {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
