"""How the corpus package is put together (issue 17): nothing started at import, and the old import paths
still working after the splits. Private names and the direction of imports are checked for every package
in test_module_layout.py."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = sorted((REPO / "corpus").glob("*.py"))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_nothing_is_registered_at_exit_when_a_corpus_module_is_imported(path: Path) -> None:
    # Module-level statements only: the extraction pool registers its clean-up when one is first made.
    calls = [node for stmt in _tree(path).body for node in ast.walk(stmt)
             if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
             and isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "register"
             and isinstance(node.func.value, ast.Name) and node.func.value.id == "atexit"]
    assert calls == []


def test_importing_the_cleaning_and_ingest_modules_starts_no_process() -> None:
    code = ("import multiprocessing, threading, newstrace.corpus.clean, newstrace.corpus.ingest, newstrace.runner; "
            "print(len(multiprocessing.active_children()), threading.active_count())")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0", "1"]


def test_the_old_import_paths_still_give_the_same_objects() -> None:
    from newstrace.corpus import (
        address_guard,
        article_check,
        boilerplate,
        clean,
        content_checks,
        extraction_pool,
        extraction_worker,
        fetch,
        fetch_options,
        html_extract,
        text_file,
    )

    assert clean.extract_html is html_extract.extract_html
    assert clean.is_article is article_check.is_article
    assert clean.parse_text_file is text_file.parse_text_file
    assert clean.clean_body is boilerplate.clean_body
    assert clean.ExtractionWorker is extraction_worker.ExtractionWorker
    assert clean.start_workers is extraction_pool.start_workers
    assert fetch.FetchOptions is fetch_options.FetchOptions
    assert fetch.public_address_policy is address_guard.public_address_policy
    assert fetch.decode_content is content_checks.decode_content
    for module in (clean, fetch):
        assert all(hasattr(module, name) for name in module.__all__)
