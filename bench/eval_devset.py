"""`make eval`: precision and recall of extraction on our annotated dev set (tests/data/devset.jsonl).

Three measures, each printed with its counts:
- statistics: a predicted figure is correct when its span overlaps a gold figure with the same value,
  unit and `of` (ratios compare value/of, so "a third" may be 1 of 3 or 0.333); precision, recall
  and F1 over all lines;
- attribution: for each line, the source the pipeline gives the last gold figure (or the last sentence
  when the line has none) against the gold source, null included; accuracy;
- quote speakers: for each gold quote, the predicted quote over the same words and its speaker; accuracy.

Names match when they normalise equal, when one contains the other, or when they resolve to the same
knowledge-base entry (a study matches the institutions that published it).

Run: python -m bench.eval_devset [--json OUT] [--show-errors]
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DEVSET = REPO / "tests" / "data" / "devset.jsonl"


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    correct: int = 0
    total: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 1.0


def load_devset(path: Path = DEVSET) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _span(text: str, surface: str) -> tuple[int, int]:
    start = text.find(surface)
    return start, start + len(surface)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _kb_ids(name: str, kb: Any) -> set[str]:
    """KB ids a name refers to: itself, its parts ("MIT and Hugging Face"), and a work's publishers."""
    import re

    ids: set[str] = set()
    for part in [name, *re.split(r",\s*|\s+and\s+|\s*/\s*", name)]:
        match = kb.resolve(part.strip()) if part.strip() else None
        if match is not None:
            ids.add(match.id)
            ids.update(match.entry.publishers)
            if match.entry.parent:
                ids.add(match.entry.parent)
    return ids


def names_match(gold: str, predicted: str, predicted_id: str | None, kb: Any) -> bool:
    from newstrace.extract.kb import name_key

    g, p = name_key(gold), name_key(predicted)
    if g and p and (g == p or g in p or p in g):
        return True
    predicted_ids = _kb_ids(predicted, kb) | ({predicted_id} if predicted_id else set())
    if predicted_id and kb.get(predicted_id) is not None:
        entry = kb.get(predicted_id)
        predicted_ids.update(entry.publishers)
    return bool(_kb_ids(gold, kb) & predicted_ids)


def evaluate(lines: Iterable[dict[str, Any]], *, show_errors: bool = False) -> dict[str, Tally]:
    from newstrace.extract.entities import kb_pipeline
    from newstrace.extract.kb import load_kb
    from newstrace.extract.pipeline import annotate_doc

    kb = load_kb()
    nlp = kb_pipeline(kb)
    stats, attribution, speakers = Tally(), Tally(), Tally()
    for line in lines:
        text = line["text"]
        ann = annotate_doc(nlp(text), article_id=line["id"], kb=kb)
        _score_statistics(line, ann, stats)
        _score_attribution(line, ann, kb, attribution)
        _score_quotes(line, ann, kb, speakers)
    return {"statistics": stats, "attribution": attribution, "quote_speakers": speakers}


def _score_statistics(line: dict[str, Any], ann: Any, tally: Tally) -> None:
    text = line["text"]
    gold = [(g, _span(text, g["text"])) for g in line["statistics"]]
    matched: set[int] = set()
    for stat in ann.statistics:
        hit = next((i for i, (g, span) in enumerate(gold) if i not in matched
                    and _overlaps(span, (stat.start, stat.end)) and _same_quantity(g, stat)), None)
        if hit is None:
            tally.fp += 1
            tally.errors.append(f"{line['id']}: extra {stat.text!r} = {stat.value:g} {stat.unit}"
                                + (f" of {stat.of:g}" if stat.of is not None else ""))
        else:
            matched.add(hit)
            tally.tp += 1
    for i, (g, _) in enumerate(gold):
        if i not in matched:
            tally.fn += 1
            tally.errors.append(f"{line['id']}: missed {g['text']!r} = {g['value']} {g['unit']}")


def _same_quantity(gold: dict[str, Any], stat: Any) -> bool:
    """Same unit and value; a ratio may be written 1 of 3 or 0.333 (both conventions are common)."""
    if gold["unit"] != stat.unit:
        return False
    if stat.unit == "ratio":
        want = float(gold["value"]) / float(gold.get("of") or 1)
        got = stat.value / (stat.of or 1)
        return abs(want - got) < 1e-3
    return abs(float(gold["value"]) - stat.value) < 1e-6 and (gold.get("of") is None or gold["of"] == stat.of)


def _score_attribution(line: dict[str, Any], ann: Any, kb: Any, tally: Tally) -> None:
    text = line["text"]
    predicted = None
    if line["statistics"]:
        last = _span(text, line["statistics"][-1]["text"])
        for stat in ann.statistics:
            if _overlaps(last, (stat.start, stat.end)):
                predicted = stat.attribution
    elif ann.claims:
        predicted = ann.claims[-1].attribution
    gold = line.get("attribution")
    tally.total += 1
    if gold is None:
        ok = predicted is None
    else:
        ok = predicted is not None and names_match(gold["name"], predicted.name, predicted.kb_id, kb)
    if ok:
        tally.correct += 1
    else:
        tally.errors.append(f"{line['id']}: gold {gold and gold['name']!r}, got {predicted and predicted.name!r}")


def _score_quotes(line: dict[str, Any], ann: Any, kb: Any, tally: Tally) -> None:
    text = line["text"]
    for gold in line.get("quotes", []):
        tally.total += 1
        span = _span(text, gold["text"])
        found = next((q for q in ann.quotes if _overlaps(span, (q.start, q.end))), None)
        if found is not None and found.speaker and names_match(gold["speaker"], found.speaker, found.kb_id, kb):
            tally.correct += 1
        else:
            tally.errors.append(f"{line['id']}: speaker {gold['speaker']!r}, got "
                                f"{found.speaker if found else 'no quote'!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the numbers here as JSON")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args(argv)
    lines = load_devset()
    results = evaluate(lines)
    stats, attribution, speakers = results["statistics"], results["attribution"], results["quote_speakers"]
    print(f"dev set: {len(lines)} lines ({DEVSET.relative_to(REPO)})")
    print(f"statistics (value+unit): P {stats.precision:.3f}  R {stats.recall:.3f}  F1 {stats.f1:.3f}  "
          f"(tp {stats.tp}, fp {stats.fp}, fn {stats.fn})")
    print(f"attribution accuracy:    {attribution.accuracy:.3f}  ({attribution.correct}/{attribution.total})")
    print(f"quote speaker accuracy:  {speakers.accuracy:.3f}  ({speakers.correct}/{speakers.total})")
    if args.show_errors:
        for name, tally in results.items():
            for error in tally.errors:
                print(f"  [{name}] {error}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({name: {"precision": t.precision, "recall": t.recall, "f1": t.f1,
                                                "accuracy": t.accuracy, "tp": t.tp, "fp": t.fp, "fn": t.fn,
                                                "correct": t.correct, "total": t.total}
                                         for name, t in results.items()}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
