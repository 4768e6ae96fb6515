"""Number parsing benchmark against two peers' test data.

Run from the repository root: ``python -m bench.numbers_benchmark``. It prints a table
and writes ``bench/out/numbers.json`` (metrics plus every miss, for inspection).

Data (read at run time from ``../shared/benchmarks``, never copied into the repo):

- Microsoft Recognizers-Text specs, English ``PercentModel``, ``NumberModel`` and
  ``OrdinalModel``. Each case is ``{"Input", "Results": [{"Text", "TypeName",
  "Resolution": {"value"}, "Start", "End" (inclusive)}]}``. Some cases carry
  ``NotSupported`` naming upstream platforms where the case fails; we score every case
  and report the subset without that tag in a second row.
- quantulum3's ``en_US/quantities.json`` (and ``quantities.ambiguity.json`` as its own
  suite): ``{"req", "res": [{"value", "unit", "surface"}]}``.

What is compared, and what is skipped (items we do not model; predictions that overlap
a skipped item are ignored rather than counted as false positives):

- Percent: our ``find_amounts`` amounts with unit ``percent``. Skipped: results with no
  value ("a small percent").
- Number: our ``find_numbers`` cardinals and fractions, minus digits glued to a unit
  ("180ml"), which the spec treats as a quantity, not a number. Ordinals are not
  numbers in this spec.
- Ordinal: our ``find_numbers`` ordinals. Skipped: ``ordinal.relative`` results
  ("next", "last", "the one before the last"), which we do not model.
- quantulum3: ``dimensionless`` -> any of our bare numbers (count, ratio, plain
  number); ``percentage`` -> ``percent``; dollar, euro and pound sterling -> ``money``
  with that currency. Skipped: every other unit (lengths, masses, times, coins like
  "a penny", "a dozen" as a unit) and ranges (items with an ``uncertainty``: we read
  "10-15" as two numbers).

A prediction matches an expected item when the values agree (relative tolerance 1e-6,
or 1e-9 absolute) and the character spans overlap; "exact" counts the matches whose
span is identical too.
"""

from __future__ import annotations

import json
import math
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "benchmarks"
RECOGNIZERS = SHARED / "recognizers-text-number-specs" / "Specs" / "Number" / "English"
QUANTULUM = SHARED / "quantulum3-tests" / "en_US"
OUT = REPO / "bench" / "out" / "numbers.json"

_MONEY_UNITS = {"dollar": "USD", "euro": "EUR", "pound sterling": "GBP"}


@dataclass(frozen=True)
class Item:
    start: int
    end: int  # exclusive
    value: float
    kind: str  # comparison class: number, percent, ordinal, money:USD, ...


@dataclass(frozen=True)
class Case:
    text: str
    expected: tuple[Item, ...]
    skipped: tuple[Item, ...]  # expected items we do not model
    supported: bool = True  # False when the peer marks the case NotSupported


@dataclass
class Score:
    suite: str
    cases: int = 0
    expected: int = 0
    skipped: int = 0
    predicted: int = 0
    true_positive: int = 0
    exact_span: int = 0
    false_positive: int = 0
    false_negative: int = 0
    skipped_reasons: Counter[str] = field(default_factory=Counter)
    misses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.true_positive / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.true_positive / self.expected if self.expected else 1.0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["skipped_reasons"] = dict(self.skipped_reasons)
        data["precision"] = round(self.precision, 4)
        data["recall"] = round(self.recall, 4)
        data["f1"] = round(2 * self.precision * self.recall / (self.precision + self.recall), 4) \
            if self.precision + self.recall else 0.0
        return data


# --- loading the peers' cases -----------------------------------------------------------


def _recognizers_cases(name: str, keep: Callable[[dict[str, Any]], str | None]) -> list[Case]:
    """Cases of one Recognizers model; `keep` maps a result to its class or None to skip."""
    data = json.loads((RECOGNIZERS / f"{name}.json").read_text(encoding="utf-8-sig"))
    cases: list[Case] = []
    for raw in data:
        expected: list[Item] = []
        skipped: list[Item] = []
        for result in raw.get("Results", []):
            kind = keep(result)
            value = _resolution_value(result)
            item = Item(result["Start"], result["End"] + 1, value if value is not None else math.nan, kind or "")
            if kind is None or value is None:
                reason = result.get("TypeName", "unknown") if kind is None else "no value"
                skipped.append(replace_kind(item, reason))
            else:
                expected.append(item)
        supported = "NotSupported" not in raw and "NotSupportedByDesign" not in raw
        cases.append(Case(raw["Input"], tuple(expected), tuple(skipped), supported))
    return cases


def replace_kind(item: Item, kind: str) -> Item:
    return Item(item.start, item.end, item.value, kind)


def _resolution_value(result: dict[str, Any]) -> float | None:
    raw = str(result.get("Resolution", {}).get("value", ""))
    raw = raw.rstrip("%")
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _quantulum_cases(path: Path) -> list[Case]:
    data = json.loads(path.read_text(encoding="utf-8"))
    cases: list[Case] = []
    for raw in data:
        text = raw["req"]
        expected: list[Item] = []
        skipped: list[Item] = []
        cursor = 0
        for quantity in raw["res"]:
            surface = quantity["surface"]
            found = text.find(surface, cursor)
            if found < 0:
                found = text.find(surface)
            start, end = (found, found + len(surface)) if found >= 0 else (-1, -1)
            if found >= 0:
                cursor = found + len(surface)
            unit = quantity["unit"]
            value = float(quantity["value"])
            if quantity.get("uncertainty") is not None:
                skipped.append(Item(start, end, value, "range"))
            elif unit == "dimensionless":
                expected.append(Item(start, end, value, "number"))
            elif unit == "percentage":
                expected.append(Item(start, end, value, "percent"))
            elif unit in _MONEY_UNITS:
                expected.append(Item(start, end, value, f"money:{_MONEY_UNITS[unit]}"))
            else:
                skipped.append(Item(start, end, value, f"unit {unit}"))
        cases.append(Case(text, tuple(expected), tuple(skipped)))
    return cases


# --- our side ---------------------------------------------------------------------------


def _predict_percent(doc: Any) -> list[Item]:
    from newstrace.extract.statistics import find_amounts

    return [Item(a.start, a.end, a.value, "percent") for a in find_amounts(doc) if a.unit == "percent"]


def _predict_numbers(doc: Any) -> list[Item]:
    from newstrace.extract.numbers import find_numbers

    return [Item(m.start, m.end, m.value, "number") for m in find_numbers(doc)
            if m.kind in ("cardinal", "fraction") and m.suffix is None]


def _predict_ordinals(doc: Any) -> list[Item]:
    from newstrace.extract.numbers import find_numbers

    return [Item(m.start, m.end, m.value, "ordinal") for m in find_numbers(doc) if m.kind == "ordinal"]


def _predict_quantities(doc: Any) -> list[Item]:
    from newstrace.extract.statistics import find_amounts

    items: list[Item] = []
    for amount in find_amounts(doc):
        if amount.unit in ("rank", "time"):
            continue  # quantulum has no ordinals, and clock times are not quantities
        if amount.unit == "percent":
            kind = "percent"
        elif amount.unit == "money":
            kind = f"money:{amount.currency}"
        elif amount.unit in ("number", "count", "ratio"):
            kind = "number"
        else:
            kind = amount.unit
        value = amount.value
        if amount.unit in ("ratio", "count") and amount.of is not None and amount.number is not None:
            value = amount.number.value  # "1/40" is one number for quantulum
        items.append(Item(amount.start, amount.end, value, kind))
    return items


# --- scoring ----------------------------------------------------------------------------


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _overlaps(a: Item, b: Item) -> bool:
    if a.start < 0 or b.start < 0:
        return True  # no position known: match on value
    return a.start < b.end and b.start < a.end


def score_suite(name: str, cases: Iterable[Case], predict: Callable[[Any], list[Item]], nlp: Any) -> Score:
    score = Score(name)
    for case in cases:
        doc = nlp(case.text)
        predictions = predict(doc)
        score.cases += 1
        score.expected += len(case.expected)
        score.skipped += len(case.skipped)
        score.skipped_reasons.update(item.kind for item in case.skipped)
        unmatched = list(predictions)
        missed: list[Item] = []
        for item in case.expected:
            match = next((p for p in unmatched if p.kind == item.kind and _close(p.value, item.value)
                          and _overlaps(p, item)), None)
            if match is None:
                missed.append(item)
                continue
            unmatched.remove(match)
            score.true_positive += 1
            score.exact_span += int(match.start == item.start and match.end == item.end)
        spurious = [p for p in unmatched if not any(_overlaps(p, s) for s in case.skipped)]
        score.predicted += len(predictions) - (len(unmatched) - len(spurious))
        score.false_positive += len(spurious)
        score.false_negative += len(missed)
        if missed or spurious:
            score.misses.append({
                "input": case.text,
                "missed": [_show(case.text, i) for i in missed],
                "spurious": [_show(case.text, p) for p in spurious],
            })
    return score


def _show(text: str, item: Item) -> dict[str, Any]:
    surface = text[item.start:item.end] if item.start >= 0 else None
    return {"text": surface, "value": item.value, "kind": item.kind}


# --- entry point ------------------------------------------------------------------------


def _suites() -> list[tuple[str, list[Case], Callable[[Any], list[Item]]]]:
    percent = _recognizers_cases("PercentModel", lambda r: "percent" if r["TypeName"] == "percentage" else None)
    number = _recognizers_cases("NumberModel", lambda r: "number" if r["TypeName"] == "number" else None)
    ordinal = _recognizers_cases("OrdinalModel", lambda r: "ordinal" if r["TypeName"] == "ordinal" else None)
    suites = [
        ("recognizers PercentModel", percent, _predict_percent),
        ("  (no NotSupported)", [c for c in percent if c.supported], _predict_percent),
        ("recognizers OrdinalModel", ordinal, _predict_ordinals),
        ("  (no NotSupported)", [c for c in ordinal if c.supported], _predict_ordinals),
        ("recognizers NumberModel", number, _predict_numbers),
        ("  (no NotSupported)", [c for c in number if c.supported], _predict_numbers),
        ("quantulum3 quantities", _quantulum_cases(QUANTULUM / "quantities.json"), _predict_quantities),
        ("quantulum3 ambiguity", _quantulum_cases(QUANTULUM / "quantities.ambiguity.json"), _predict_quantities),
    ]
    return suites


def run() -> dict[str, Any]:
    from newstrace.extract.models import load_spacy

    nlp = load_spacy()
    started = time.perf_counter()
    scores = [score_suite(name, cases, predict, nlp) for name, cases, predict in _suites()]
    elapsed = time.perf_counter() - started
    return {"seconds": round(elapsed, 2), "suites": [s.as_dict() for s in scores]}


def _table(report: dict[str, Any]) -> str:
    header = f"{'suite':28} {'cases':>5} {'exp':>4} {'skip':>4} {'pred':>4} {'TP':>4} {'FP':>4} {'FN':>4} " \
             f"{'P':>6} {'R':>6} {'exact':>6}"
    lines = [header, "-" * len(header)]
    for suite in report["suites"]:
        exact = suite["exact_span"] / suite["true_positive"] if suite["true_positive"] else 0.0
        lines.append(
            f"{suite['suite']:28} {suite['cases']:>5} {suite['expected']:>4} {suite['skipped']:>4} "
            f"{suite['predicted']:>4} {suite['true_positive']:>4} {suite['false_positive']:>4} "
            f"{suite['false_negative']:>4} {suite['precision']:>6.3f} {suite['recall']:>6.3f} {exact:>6.2f}")
    lines.append("")
    for suite in report["suites"]:
        if suite["skipped_reasons"] and not suite["suite"].startswith(" "):
            ordered = sorted(suite["skipped_reasons"].items(), key=lambda kv: -kv[1])
            reasons = ", ".join(f"{k} x{v}" for k, v in ordered)
            lines.append(f"skipped in {suite['suite']}: {reasons}")
    lines.append(f"({report['seconds']} s)")
    return "\n".join(lines)


def main() -> int:
    if not RECOGNIZERS.is_dir() or not QUANTULUM.is_dir():
        print(f"benchmark data not found under {SHARED}; clone shared/ beside the repo", file=sys.stderr)
        return 2
    report = run()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(_table(report))
    print(f"wrote {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
