"""Language identification for cleaned article text.

py3langid is small, offline and deterministic, which is what a stored
`Article.language` needs: the same text must always get the same code.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

# langid's scores stabilise after a few hundred characters; classifying a whole
# 2 MB article costs time and changes nothing. Ingest detects every page's
# language in its main process, where each millisecond per page shows: on the
# 3,430 texts of the generated 5k corpus no detected language changed between
# 600 and 300 characters (nor, earlier, on the 181 extraction benchmark pages
# and 300 generated ones), and 300 takes half the time (0.58 s against 1.21 s).
PREFIX_CHARS = 300

# Below this many letters the guess is noise ("Home About" comes out as some
# random language), so callers get None rather than a confident wrong code.
MIN_LETTERS = 20


# The model also knows regional varieties under ISO 639-3 codes. Modern
# Standard Arabic news often comes out as "ary" (Moroccan), so varieties are
# folded into the macrolanguage code that model routing and reports use.
_MACROLANGUAGE = {"ary": "ar", "arz": "ar", "yue": "zh", "wuu": "zh", "uzs": "uz"}
_NO_LANGUAGE = "zxx"


@lru_cache(maxsize=1)
def _classifier() -> Callable[[str], tuple[str, float]]:
    # Imported lazily: loading the model takes most of a second and must not
    # happen when the CLI only prints --help.
    import py3langid

    identifier = _cached_identifier()
    return identifier.classify if identifier is not None else py3langid.classify


def cache_dir() -> Path:
    """Where newstrace keeps what it can rebuild: NEWSTRACE_CACHE_DIR, else the user's cache folder."""
    configured = os.environ.get("NEWSTRACE_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newstrace"


def _cached_identifier() -> Any:
    """py3langid's identifier, unpacked once per py3langid release and kept pickled in the cache folder.

    The packaged model is an xz-compressed archive: unpacking it costs about
    0.5 s, paid by every ingest before it can store its first page, while
    the pickle of the unpacked model (69 MB) loads in 0.05 s. None when
    this py3langid cannot be loaded that way; the caller then uses its
    module-level classify.
    """
    try:
        from importlib.metadata import version

        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        path = cache_dir() / f"py3langid-{version('py3langid')}.pickle"
    except Exception:  # noqa: BLE001 - another py3langid layout: its own loader still works
        return None
    try:
        with open(path, "rb") as handle:
            cached = pickle.load(handle)
        if isinstance(cached, LanguageIdentifier):
            return cached
    except Exception:  # noqa: BLE001 - missing, truncated or stale: built again below
        pass
    try:
        identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    except AttributeError:
        return None
    _write_quietly(path, pickle.dumps(identifier, protocol=pickle.HIGHEST_PROTOCOL))
    return identifier


def _write_quietly(path: Path, data: bytes) -> None:
    # A cache that cannot be written (read-only home, full disk) only costs the next run its 0.5 s.
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError:
        try:
            partial.unlink(missing_ok=True)
        except OSError:
            pass


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when there is too little text."""
    prefix = text[:PREFIX_CHARS]
    letters = 0
    for ch in prefix:
        if ch.isalpha():
            letters += 1
            if letters == MIN_LETTERS:
                break
    else:
        return None
    code, _score = _classifier()(prefix)
    if not code or code == _NO_LANGUAGE:
        return None
    return _MACROLANGUAGE.get(code, code)
