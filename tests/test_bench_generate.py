"""The benchmark corpus generator: deterministic, truthful about what derives from what."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from bench.generate import (
    DATA,
    GenerationParams,
    MissingData,
    derived_content,
    generate,
    load_sources,
    plan_pages,
    read_truth,
    require_data,
)
from bench.rewrite import paragraphs, sentences

PARAMS = GenerationParams(size=60, seed=3, max_sources=5)
_WORDS = re.compile(r"\w+")


@pytest.fixture(scope="module")
def data() -> Path:
    try:
        return require_data(DATA)
    except MissingData as exc:
        pytest.skip(f"{exc}")


@pytest.fixture(scope="module")
def corpus(data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate(out, PARAMS, data, reuse=False)
    return out


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_seed_gives_the_same_files(data: Path, corpus: Path, tmp_path: Path) -> None:
    generate(tmp_path, PARAMS, data, reuse=False)
    assert _files(tmp_path) == _files(corpus)


def test_another_seed_gives_another_corpus(data: Path, corpus: Path, tmp_path: Path) -> None:
    generate(tmp_path, GenerationParams(60, 4, 5), data, reuse=False)
    assert _files(tmp_path)["truth.json"] != _files(corpus)["truth.json"]


def test_truth_names_every_page_once_and_points_at_originals(corpus: Path) -> None:
    truth = read_truth(corpus)
    assert sorted(truth) == sorted(p.name for p in corpus.glob("p*.html"))
    assert len(truth) == PARAMS.size
    originals = {e["id"]: e for e in truth.values() if e["how"] == "original"}
    assert len(originals) == PARAMS.max_sources
    for page, entry in truth.items():
        assert entry["how"] in ("original", "copy", "rewrite")
        assert page == entry["id"] + ".html"
        if entry["how"] == "original":
            assert entry["story"] == entry["id"]
        else:
            assert originals[entry["story"]]["source"] == entry["source"]
    assert {"copy", "rewrite"} <= {e["how"] for e in truth.values()}


def test_originals_are_the_benchmark_pages_byte_for_byte(data: Path, corpus: Path) -> None:
    import gzip

    for entry in read_truth(corpus).values():
        if entry["how"] == "original":
            source = gzip.decompress((data / "html" / f"{entry['source']}.html.gz").read_bytes())
            assert (corpus / entry["page"]).read_bytes() == source


def test_copies_carry_their_source_text(data: Path, corpus: Path) -> None:
    sources = load_sources(data)
    copies = [e for e in read_truth(corpus).values() if e["how"] == "copy"]
    assert copies
    for entry in copies:
        page = html.unescape((corpus / entry["page"]).read_text(encoding="utf-8"))
        for paragraph in paragraphs(sources[entry["source"]].body):
            assert paragraph in page, (entry["page"], paragraph[:60])


def test_rewrites_differ_but_keep_most_sentences(data: Path, corpus: Path) -> None:
    sources = load_sources(data)
    plans = {p.page_id: p for p in plan_pages(list(sources), PARAMS)}
    rewrites = [e for e in read_truth(corpus).values() if e["how"] == "rewrite"]
    assert rewrites
    kept = total = 0
    for entry in rewrites:
        _, content = derived_content(plans[entry["id"]], sources, PARAMS)
        page = html.unescape((corpus / entry["page"]).read_text(encoding="utf-8"))
        assert all(p in page for p in content.paragraphs)
        original = [s for p in paragraphs(sources[entry["source"]].body) for s in sentences(p)]
        rewritten = [set(_WORDS.findall(s.lower())) for p in content.paragraphs for s in sentences(p)]
        assert "\n".join(content.paragraphs) != "\n".join(paragraphs(sources[entry["source"]].body))
        for sentence in original:
            words = set(_WORDS.findall(sentence.lower()))
            total += 1
            # Kept: some rewrite sentence has most of its words (it may be reworded or rounded).
            kept += any(len(words & other) >= 0.6 * len(words) for other in rewritten) if words else 1
    assert 0.6 <= kept / total < 1.0
