"""The installed distribution has one import name, `newstrace` (setup.cfg maps the top-level folders under it)."""
from __future__ import annotations

import subprocess
import sys
import sysconfig
from importlib.metadata import Distribution, distributions
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def installed() -> Distribution:
    # The one in site-packages, not the newstrace.egg-info that setuptools leaves in the repository
    # (found first when the working directory is on sys.path).
    found = [d for d in distributions(path=[sysconfig.get_paths()["purelib"]]) if d.metadata["Name"] == "newstrace"]
    assert len(found) == 1
    return found[0]


def test_installed_distribution_declares_only_newstrace_as_top_level() -> None:
    top_level = (installed().read_text("top_level.txt") or "").split()
    assert top_level == ["newstrace"]


def test_installed_files_hold_no_other_top_level_module() -> None:
    # A non-editable install lists newstrace/...; an editable one lists its finder and .pth files.
    allowed = ("newstrace/", "newstrace-", "__editable__", "__pycache__/__editable__", "../")
    stray = [str(f) for f in installed().files or () if not str(f).startswith(allowed)]
    assert stray == []


def test_old_top_level_names_are_not_importable_outside_the_repository(tmp_path: Path) -> None:
    # Run away from the repository so its folders are not on sys.path by accident of the working directory.
    code = ("import importlib.util, newstrace, newstrace.cli; "
            "print(sorted(n for n in ('cli', 'corpus', 'extract', 'provenance') if importlib.util.find_spec(n)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_public_surface_is_declared_and_loads_lazily(tmp_path: Path) -> None:
    code = ("import sys, newstrace; assert 'newstrace.extract.pipeline' not in sys.modules; "
            "print(all(getattr(newstrace, n) is not None for n in newstrace.__all__))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_python_dash_m_newstrace_runs_the_cli(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "newstrace", "--help"], capture_output=True, text=True,
                            cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Usage: newstrace" in result.stdout
