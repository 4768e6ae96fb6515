"""Language data: the word lists and cue patterns the extractors use, as files, one folder per language.

Knowledge lives in data, mechanisms in Python (as spaCy's `lang/` folders do). Each language has a
folder `extract/lang/<code>/` of YAML files; a file holds either a list of strings (a word list) or a
mapping (for example unit words to units). `words(lang, name)` and `table(lang, name)` read a file
once per process. `fingerprint()` hashes every file, and is part of the pipeline version, so changing
a word list re-annotates what it may change.

Files are read with PyYAML's safe loader; they ship with the package and are trusted, but a file
that does not parse, or has the wrong shape, fails with its path named.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any

LANG_DIR = Path(__file__).resolve().parent / "lang"
DEFAULT_LANGUAGE = "en"


class LanguageDataError(RuntimeError):
    """A shipped language data file is missing or malformed (a packaging bug, not user input)."""


@functools.cache
def _load(lang: str, name: str) -> Any:
    import yaml

    path = LANG_DIR / lang / f"{name}.yaml"
    if not path.is_file():
        raise LanguageDataError(f"language data {path} is missing")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LanguageDataError(f"language data {path} does not parse: {exc}") from exc


def has(lang: str, name: str) -> bool:
    return (LANG_DIR / lang / f"{name}.yaml").is_file()


def words(lang: str, name: str) -> tuple[str, ...]:
    """A word list (a YAML list of strings), in file order."""
    data = _load(lang, name)
    if not isinstance(data, list) or not all(isinstance(w, str) for w in data):
        raise LanguageDataError(f"language data {LANG_DIR / lang / name}.yaml must be a list of strings")
    return tuple(data)


def table(lang: str, name: str) -> dict[str, Any]:
    """A mapping (a YAML mapping at the top of the file)."""
    data = _load(lang, name)
    if not isinstance(data, dict):
        raise LanguageDataError(f"language data {LANG_DIR / lang / name}.yaml must be a mapping")
    return data


def languages() -> tuple[str, ...]:
    return tuple(sorted(p.name for p in LANG_DIR.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))))


@functools.lru_cache(maxsize=1)
def fingerprint() -> str:
    """A hash of every language data file (names and bytes), for the pipeline version."""
    digest = hashlib.sha1()
    for path in sorted(LANG_DIR.rglob("*.yaml")):
        digest.update(str(path.relative_to(LANG_DIR)).encode("utf-8"))
        digest.update(b"\x00")
        digest.update(path.read_bytes())
        digest.update(b"\x00")
    return digest.hexdigest()[:12]
