"""`extract` over a store: incremental, language-aware, and one bad document never sinks a batch."""

from __future__ import annotations

from pathlib import Path

import pytest

import newstrace.extract.pipeline as pipeline
from newstrace.corpus.records import Article, Status
from newstrace.corpus.store import Store
from newstrace.extract.pipeline import ExtractOptions, extract_corpus

pytestmark = pytest.mark.slow

ENGLISH = ("The harbour authority said cargo volumes rose 12 percent over the past year. "
           "According to the port's annual report, 1,250 ships docked in 2024, up from 1,100. ") * 3
# Dutch: a language extract has no reader for (French, German, Spanish, Korean and Chinese go through
# extract/multilingual.py, see tests/test_multilingual.py).
DUTCH = ("De havenautoriteit meldde dat het vrachtvolume vorig jaar met twaalf procent is gestegen. "
         "Volgens het jaarverslag legden meer schepen aan dan ooit. ") * 3


def article(article_id: str, text: str, language: str = "en") -> Article:
    return Article(id=article_id, url=None, final_url=None, canonical_url=None, source_path=f"/x/{article_id}.txt",
                   status=Status.OK, title=f"Title {article_id}", text=text, language=language,
                   content_hash=article_id)


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "c.db") as opened:
        opened.save_article(article("a-en", ENGLISH))
        opened.save_article(article("b-nl", DUTCH, "nl"))
        opened.save_article(article("c-en", ENGLISH.replace("12 percent", "15 percent")))
        yield opened


def test_extract_annotates_and_skips_other_languages(store: Store) -> None:
    summary = extract_corpus(store)
    assert (summary.annotated, summary.skipped, summary.failed) == (2, 1, 0)
    status, data = store.get_annotations("b-nl")
    assert status == "nlp_skipped" and data["skipped"] == "nlp_skipped(language=nl)"
    status, data = store.get_annotations("a-en")
    assert status == "annotated"
    values = sorted(s["value"] for s in data["statistics"])
    assert 12.0 in values
    text = store.get_article("a-en").text
    assert all(text[s["start"]:s["end"]] == s["text"] for s in data["statistics"])
    assert {kind for _, kind, _ in _embedding_kinds(store)} >= {"article", "figure_contexts"}


def _embedding_kinds(store: Store) -> list[tuple[str, str, int]]:
    out = []
    for kind in ("article", "figure_contexts"):
        out += [(aid, kind, len(blob)) for aid, _, blob in store.iter_embeddings(kind)]
    return out


def test_rerun_is_incremental_and_force_redoes(store: Store) -> None:
    extract_corpus(store)
    again = extract_corpus(store)
    assert (again.annotated, again.skipped, again.unchanged) == (0, 0, 3)
    store.save_article(article("a-en", ENGLISH.replace("12 percent", "13 percent")))
    changed = extract_corpus(store)
    assert (changed.annotated, changed.unchanged) == (1, 2)
    forced = extract_corpus(store, ExtractOptions(force=True))
    assert forced.annotated + forced.skipped == 3


def test_one_failing_document_does_not_sink_the_batch(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    real = pipeline.annotate_doc

    def flaky(doc, *, article_id, **kw):
        if article_id == "c-en":
            raise RuntimeError("boom")
        return real(doc, article_id=article_id, **kw)

    monkeypatch.setattr(pipeline, "annotate_doc", flaky)
    summary = extract_corpus(store)
    assert summary.failed == 1 and summary.annotated == 1 and summary.failures[0][0] == "c-en"
    assert store.get_annotations("c-en")[0] == "nlp_failed"
    assert store.get_annotations("a-en")[0] == "annotated"
    monkeypatch.setattr(pipeline, "annotate_doc", real)
    retry = extract_corpus(store)
    assert retry.annotated == 1 and retry.unchanged == 2  # only the failure is tried again
    assert store.get_annotations("c-en")[0] == "annotated"


def test_too_long_text_is_skipped_not_crashed(store: Store) -> None:
    summary = extract_corpus(store, ExtractOptions(max_chars=100))
    assert summary.skipped == 3 and summary.annotated == 0


def test_two_workers_give_the_same_annotations(tmp_path: Path, store: Store) -> None:
    extract_corpus(store)
    single = {aid: data for aid, _, data in store.iter_annotations()}
    with Store.open(tmp_path / "other.db") as other:
        for a in store.iter_articles():
            other.save_article(a)
        extract_corpus(other, ExtractOptions(workers=2, batch_size=2))
        double = {aid: data for aid, _, data in other.iter_annotations()}
    assert double == single


def test_kb_file_changes_invalidate_annotations(store: Store, tmp_path: Path) -> None:
    extract_corpus(store)
    extra = tmp_path / "kb.yaml"
    extra.write_text("entries:\n  - id: harbour-authority\n    name: Harbour Authority\n    kind: organization\n"
                     "    aliases: [the harbour authority]\n", encoding="utf-8")
    summary = extract_corpus(store, ExtractOptions(kb_paths=(extra,)))
    assert summary.annotated == 2  # the knowledge base is part of the input


def test_release_models_frees_the_pipeline_and_the_encoder() -> None:
    """`run` drops the models before clustering; nothing else may keep them alive.

    In a fresh interpreter, so the models other tests share are not touched.
    """
    import subprocess
    import sys

    code = """
import gc, weakref
from newstrace.extract import models
from newstrace.extract.embed import embed_texts
from newstrace.extract.entities import kb_pipeline
from newstrace.extract.kb import load_kb
from newstrace.extract.models import release_models
from newstrace.extract.pipeline import annotate_doc

kb = load_kb()
nlp = kb_pipeline(kb)
annotate_doc(nlp("Hugging Face said Chinese developers took 17% of downloads in 2025."), article_id="a", kb=kb)
embed_texts(["Chinese developers took 17% of downloads."])
refs = [weakref.ref(nlp), weakref.ref(models.load_embedder())]
del nlp
release_models()
assert [ref() for ref in refs] == [None, None], [ref() for ref in refs]
assert models.load_spacy() is not None  # loads again on demand
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
