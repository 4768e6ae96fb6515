"""How the packages are put together (issue 17): no private name borrowed across modules, the layers
corpus <- extract <- provenance <- cli/runner imported one way only, and no import cycle.

The checks read the source (ast), so they see imports made inside functions too, which an import at
test time would not. A module graph without a cycle also means any module can be imported first."""
from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("corpus", "extract", "provenance")
MODULES = sorted(p for package in PACKAGES for p in (REPO / package).glob("*.py")) + [REPO / "cli.py",
                                                                                        REPO / "runner.py"]
# What each layer must not import: everything above it.
DOWNSTREAM = {"corpus": ("extract", "provenance", "cli", "runner"), "extract": ("provenance", "cli", "runner"),
              "provenance": ("cli", "runner")}


def _ids(path: Path) -> str:
    return str(path.relative_to(REPO))


@functools.cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _package_of(path: Path) -> list[str]:
    """The dotted package a module's relative imports start from: ["newstrace", "extract"] for extract/x.py."""
    if path.parent == REPO:
        return ["newstrace"]
    # A sample written outside the repository stands for a module of the package its folder is named after.
    return ["newstrace", *(path.parent.relative_to(REPO).parts if path.is_relative_to(REPO) else [path.parent.name])]


def _absolute(node: ast.ImportFrom, path: Path) -> str:
    """The module a `from ... import` reads from, as a dotted newstrace name (or as written, when not ours)."""
    if not node.level:
        return node.module or ""
    package = _package_of(path)
    base = package[:len(package) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def _is_module(dotted: str) -> bool:
    parts = dotted.split(".")
    if parts[0] != "newstrace":
        return False
    file = REPO.joinpath(*parts[1:])
    return file.with_suffix(".py").is_file() or (file / "__init__.py").is_file()


def _imported_modules(tree: ast.Module, path: Path) -> set[str]:
    """Local names bound to a module by `import x`, `from . import x` or `from newstrace.extract import langdata`
    (their attributes are that module's)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, path)
            names.update(alias.asname or alias.name for alias in node.names
                         if node.module is None or _is_module(f"{base}.{alias.name}"))
    return names


def _borrowed_private_names(path: Path) -> list[str]:
    tree = _tree(path)
    modules = _imported_modules(tree, path)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("newstrace")):
            found += [f"from {'.' * node.level}{node.module or ''} import {alias.name}" for alias in node.names
                      if alias.name.startswith("_") and not alias.name.startswith("__")]
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
              and node.attr.startswith("_") and not node.attr.startswith("__")):
            found.append(f"{node.value.id}.{node.attr}")
    return found


@pytest.mark.parametrize("path", MODULES, ids=_ids)
def test_no_private_name_is_used_across_modules(path: Path) -> None:
    assert _borrowed_private_names(path) == []


def test_the_check_sees_a_borrowed_private_name(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from . import pipeline\nfrom .clean import _RULES\n"
                      "from newstrace.extract import langdata\n\n"
                      "def f():\n    return pipeline._annotate_batch, langdata._cache\n")
    assert _borrowed_private_names(sample) == ["from .clean import _RULES", "pipeline._annotate_batch",
                                               "langdata._cache"]


def _downstream_imports(path: Path, downstream: tuple[str, ...]) -> list[str]:
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


@pytest.mark.parametrize("path", [p for p in MODULES if p.parent.name in DOWNSTREAM], ids=_ids)
def test_a_layer_imports_nothing_downstream(path: Path) -> None:
    assert _downstream_imports(path, DOWNSTREAM[path.parent.name]) == []


def test_the_check_sees_a_downstream_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from ..extract.kb import load_kb\nimport newstrace.provenance.report\n"
                      "from newstrace.runner import run\nfrom .records import Article\n")
    assert _downstream_imports(sample, DOWNSTREAM["corpus"]) == ["..extract.kb", "newstrace.provenance.report",
                                                                 "newstrace.runner"]
    assert _downstream_imports(sample, DOWNSTREAM["provenance"]) == ["newstrace.runner"]


def _module_name(path: Path) -> str:
    return ".".join(_package_of(path) + ([] if path.stem == "__init__" else [path.stem]))


def _runtime_imports(path: Path) -> set[str]:
    """The newstrace modules a module imports when it runs (at import or inside a function), without the
    imports kept under `if TYPE_CHECKING:`, which never run."""
    tree = _tree(path)
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
                   for stmt in node.body for n in ast.walk(stmt)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, path)
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in targets:
            # `from .x import name` imports x; `from . import x` imports x too.
            while target and not _is_module(target):
                target = target.rpartition(".")[0]
            if target and target != _module_name(path) and target != "newstrace":
                found.add(target)
    return found


def _import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or around a loop (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in sorted(graph.get(module, ())):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1:
                cycles.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return cycles


def test_no_import_cycle() -> None:
    graph = {_module_name(p): _runtime_imports(p) for p in MODULES}
    assert _import_cycles(graph) == []


def test_the_check_sees_an_import_cycle(tmp_path: Path) -> None:
    assert _import_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _import_cycles({"a": {"b"}, "b": set()}) == []


def test_the_import_reader_skips_type_checking_imports_and_sees_late_ones() -> None:
    assert "newstrace.provenance.coverage" not in _runtime_imports(REPO / "provenance" / "annotation_formats.py")
    assert "newstrace.extract.langdata" in _runtime_imports(REPO / "provenance" / "coverage.py")
