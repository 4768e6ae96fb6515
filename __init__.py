"""newstrace: trace figures in news coverage back to their primary sources.

This file is the `newstrace` package itself: setup.cfg maps `newstrace` to the repository root and
`newstrace.corpus`, `newstrace.extract`, `newstrace.provenance` to their folders, so installed code
has one import name. The public names below load on first use, because `import newstrace` must stay
cheap (the CLI's light commands never load the language models).
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# public name -> module that defines it
_PUBLIC = {
    "Store": "newstrace.corpus.store",
    "resolve_db_url": "newstrace.corpus.store",
    "ExtractOptions": "newstrace.extract.pipeline",
    "extract_corpus": "newstrace.extract.pipeline",
    "ProvenanceOptions": "newstrace.provenance.report",
    "load_corpus": "newstrace.provenance.coverage",
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'newstrace' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
