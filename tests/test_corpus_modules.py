"""How the corpus package is put together (issue 17): imports one way, no private name borrowed across
modules, nothing started at import, and the old import paths still working after the splits."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = sorted((REPO / "corpus").glob("*.py"))
# The modules split out of corpus/clean.py and corpus/fetch.py, plus the runners that own the pool.
CHECKED = [*CORPUS, REPO / "extract" / "pipeline.py", REPO / "extract" / "distributed.py", REPO / "runner.py"]


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imported_modules(tree: ast.Module) -> set[str]:
    """Local names bound to a module by `import x` / `from . import x` (their attributes are that module's)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module is None:
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def _borrowed_private_names(path: Path) -> list[str]:
    tree = _tree(path)
    modules = _imported_modules(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("newstrace")):
            found += [f"from {'.' * node.level}{node.module or ''} import {alias.name}" for alias in node.names
                      if alias.name.startswith("_") and not alias.name.startswith("__")]
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
              and node.attr.startswith("_") and not node.attr.startswith("__")):
            found.append(f"{node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize("path", CHECKED, ids=lambda p: str(p.relative_to(REPO)))
def test_no_private_name_is_used_across_modules(path: Path) -> None:
    assert _borrowed_private_names(path) == []


def test_the_check_sees_a_borrowed_private_name(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from . import pipeline\nfrom .clean import _RULES\n\ndef f():\n    return pipeline._annotate_batch\n")
    assert _borrowed_private_names(sample) == ["from .clean import _RULES", "pipeline._annotate_batch"]


def _downstream_imports(path: Path) -> list[str]:
    downstream = ("extract", "provenance", "cli", "runner")
    bad = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom):
            parts = (node.module or "").split(".")
            if (node.level >= 2 and parts[0] in downstream) or (parts[0] == "newstrace" and parts[1:2]
                                                                 and parts[1] in downstream):
                bad.append("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            bad += [a.name for a in node.names if a.name.startswith("newstrace.") and a.name.split(".")[1] in downstream]
    return bad


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_imports_nothing_downstream(path: Path) -> None:
    assert _downstream_imports(path) == []


def test_the_check_sees_a_downstream_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from ..extract.kb import load_kb\nimport newstrace.provenance.report\n"
                      "from newstrace.runner import run\nfrom .records import Article\n")
    assert _downstream_imports(sample) == ["..extract.kb", "newstrace.provenance.report", "newstrace.runner"]


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
