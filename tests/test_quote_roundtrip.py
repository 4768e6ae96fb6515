"""A quote corrected in an annotation tool, through the command line: export, edit, import, report, re-extract.

Extract finds a quote and its speaker in a story of my own; a person trims the QUOTE span in the
exported file (doccano, Label Studio or Prodigy, each in its own shape) to the words actually said
before the paraphrase. After `newstrace import` the report's quote is the trimmed one, and
`extract --force` does not bring extract's span back.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newstrace.provenance.annotation_formats import Span
from tests.test_export_formats import _as_person_saves_it, _read_tool_file, _run, _tool_spans

FERRY = ("Harbour ferry fares to rise for the first time in a decade\n\n"
         "Portmere, 12 March 2026 - Ferry fares across the harbour will rise by 6% in April, the Portmere "
         "Transit Authority said on Tuesday.\n\n"
         "\"We held our prices for ten years, and fuel now costs us twice what it did,\" said Alina Brook, "
         "the authority's director.\n\n"
         "Commuter groups called the increase unfair and asked for a discount on weekly passes.\n")
SAID = "We held our prices for ten years"


@pytest.fixture(scope="module")
def ferry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.shared_stores import extracted_store

    folder = tmp_path_factory.mktemp("ferry")
    (folder / "ferry.txt").write_text(FERRY, encoding="utf-8")
    return extracted_store(folder / "c.db", [str(folder / "ferry.txt")], [], ())


def _quotes(db: Path) -> list[tuple[str, str]]:
    data = json.loads(_run(db, "report", "--format", "json"))
    return [(q.get("text") or "", q.get("speaker") or "") for q in data["quotes"]]


def _trimmed(text: str, spans: list[Span]) -> list[Span]:
    """The person's edit: the QUOTE span that holds the words said becomes those words alone."""
    quotes = [s for s in spans if s.label == "QUOTE" and SAID in text[s.start:s.end]]
    assert quotes, f"extract found no quote to correct: {[(text[s.start:s.end], s.label) for s in spans]}"
    start = text.index(SAID)
    return sorted([s for s in spans if s not in quotes] + [Span(start, start + len(SAID), "QUOTE")],
                  key=lambda s: (s.start, -s.end, s.label))


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["doccano", "label-studio", "prodigy"])
def test_a_quote_trimmed_in_a_tool_replaces_extracts_and_survives_reextraction(ferry: Path, tmp_path: Path,
                                                                            fmt: str) -> None:
    from tests.shared_stores import copy_store

    db = copy_store(ferry, tmp_path)
    before = _quotes(db)
    assert any(SAID in text and text != SAID for text, _speaker in before), before

    exported = tmp_path / f"tasks.{fmt}"
    _run(db, "export", "--format", fmt, "-o", str(exported))
    records = [_as_person_saves_it(r, fmt, _trimmed(*_tool_spans(r, fmt))) for r in _read_tool_file(exported, fmt)]
    edited = tmp_path / f"edited.{fmt}"
    edited.write_text(json.dumps(records) if fmt == "label-studio"
                      else "".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert "1 imported, 0 unchanged, 0 rejected" in _run(db, "import", str(edited))

    def corrected() -> None:
        quotes = _quotes(db)
        assert [text for text, _speaker in quotes if SAID in text] == [SAID], quotes
        assert dict(quotes)[SAID] == "Alina Brook"

    corrected()
    _run(db, "extract", "--force")
    corrected()
    assert "0 imported, 1 unchanged" in _run(db, "import", str(edited))  # importing it again changes nothing
