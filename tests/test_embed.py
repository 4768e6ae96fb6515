"""extract.embed: embeddings, what is embedded for an article, storage form."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from newstrace.extract.embed import (
    EMBEDDING_DIM,
    LEAD_CHARS,
    MAX_SEQ_LENGTH,
    article_representation,
    embed_texts,
    embedding_from_bytes,
    embedding_to_bytes,
)
from tests.conftest import REPO


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    return embed_texts(
        [
            "China's developers took 17% of open-model downloads last year.",
            "Chinese developers accounted for 17 percent of downloads of open AI models in the past year.",
            "The recipe calls for two eggs, flour and a pinch of salt.",
        ],
        batch_size=2,
    )


def test_rows_are_unit_float32_in_input_order(vectors: np.ndarray) -> None:
    assert vectors.shape == (3, EMBEDDING_DIM)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # Paraphrases sit closer than an unrelated sentence, and order is kept.
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3


def test_batching_does_not_change_vectors(vectors: np.ndarray) -> None:
    again = embed_texts(
        [
            "The recipe calls for two eggs, flour and a pinch of salt.",
            "China's developers took 17% of open-model downloads last year.",
        ],
        batch_size=1,
    )
    np.testing.assert_allclose(again[0], vectors[2], atol=1e-5)
    np.testing.assert_allclose(again[1], vectors[0], atol=1e-5)


def test_max_seq_length_is_applied(vectors: np.ndarray) -> None:
    from newstrace.extract.models import load_embedder

    assert load_embedder().max_seq_length == MAX_SEQ_LENGTH


def test_empty_input_does_not_need_the_model() -> None:
    out = embed_texts([])
    assert out.shape == (0, EMBEDDING_DIM) and out.dtype == np.float32


def test_import_does_not_load_torch() -> None:
    code = (
        "import sys, extract.embed\n"
        "sys.exit(1 if 'torch' in sys.modules or 'sentence_transformers' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO).returncode == 0


def test_representation_is_title_then_bounded_lead() -> None:
    sentence = "The ministry published new figures on exports this morning. "
    text = sentence * 60
    rep = article_representation("Exports rise", text)
    assert rep.startswith("Exports rise\nThe ministry")
    assert len(rep) <= LEAD_CHARS
    # Cut at a sentence end, not mid-word.
    assert rep.endswith("this morning.")


def test_representation_drops_a_repeated_headline_and_whitespace() -> None:
    title = "China Leads Global Open AI Model Race"
    rep = article_representation(title, f"{title}\n\n  China has   emerged.")
    assert rep == f"{title}\nChina has emerged."


def test_representation_without_title_or_sentence_ends() -> None:
    assert article_representation(None, "short body") == "short body"
    rep = article_representation("", "word " * 1000)
    assert 0 < len(rep) <= LEAD_CHARS and not rep.endswith(" ")


def test_storage_roundtrip_is_half_size_and_close(vectors: np.ndarray) -> None:
    blob = embedding_to_bytes(vectors[0])
    assert isinstance(blob, bytes) and len(blob) == EMBEDDING_DIM * 2
    back = embedding_from_bytes(blob)
    assert back.dtype == np.float32 and back.shape == (EMBEDDING_DIM,)
    assert abs(float(back @ vectors[1]) - float(vectors[0] @ vectors[1])) < 2e-3
    assert abs(float(np.linalg.norm(back)) - 1.0) < 1e-5


def test_storage_rejects_odd_blobs() -> None:
    with pytest.raises(ValueError):
        embedding_from_bytes(b"\x00\x01\x02")

