"""Run `newstrace` commands and floor workers as measured child processes."""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .measure import Measurement, median, run_measured


class StageFailed(RuntimeError):
    """A stage exited with a usage or environment error; later stages would measure nothing."""


@dataclass(frozen=True)
class Workspace:
    root: Path

    def path(self, name: str) -> Path:
        return self.root / name

    def db(self, name: str) -> str:
        return str(self.root / f"{name}.db")

    def reset(self) -> "Workspace":
        # Only our own working folder under bench/out is ever removed.
        if self.root.exists():
            shutil.rmtree(self.root)
        self.root.mkdir(parents=True)
        return self


def newstrace() -> list[str]:
    script = Path(sys.executable).with_name("newstrace")
    return [str(script)] if script.exists() else [sys.executable, "-m", "newstrace"]


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    # The models ship in packages; a hub lookup would be a network call and a timing outlier.
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    return env


def stage(ws: Workspace, label: str, db: str, *args: str, stdout: Path | None = None,
          ok_codes: tuple[int, ...] = (0, 1), timeout: float | None = None) -> Measurement:
    """`newstrace --db DB ARGS...`, measured; exit 1 (some items failed) is a result, not an error.

    With `timeout`, a stage still running then is killed and returned with `timed_out` set.
    """
    result = run_measured(label, [*newstrace(), "--db", db, *args], stdout=stdout, log=ws.path(f"{label}.log"),
                          env=child_env(), timeout=timeout)
    if result.timed_out:
        return result
    if result.returncode not in ok_codes:
        raise StageFailed(f"{label} exited {result.returncode}; see {result.log}")
    return result


def floor(ws: Workspace, kind: str, **options: str) -> tuple[Measurement, dict[str, Any]]:
    out = ws.path(f"floor-{kind}.json")
    argv = [sys.executable, "-m", "bench.floors", kind, "--out", str(out)]
    for name, value in options.items():
        argv += [f"--{name}", value]
    result = run_measured(f"floor:{kind}", argv, log=ws.path(f"floor-{kind}.log"), env=child_env(),
                          cwd=Path(__file__).resolve().parent.parent)
    if result.returncode != 0:
        raise StageFailed(f"floor {kind} exited {result.returncode}; see {result.log}")
    return result, json.loads(out.read_text(encoding="utf-8"))


def phases(ws: Workspace, label: str, db: str) -> tuple[Measurement, dict[str, Any]]:
    out = ws.path(f"phases-{label}.json")
    result = run_measured(f"phases:{label}", [sys.executable, "-m", "bench.phases", "--db", db, "--out", str(out)],
                          log=ws.path(f"phases-{label}.log"), env=child_env(),
                          cwd=Path(__file__).resolve().parent.parent)
    if result.returncode != 0:
        raise StageFailed(f"phases {label} exited {result.returncode}; see {result.log}")
    return result, json.loads(out.read_text(encoding="utf-8"))


def help_startup(ws: Workspace, runs: int = 5) -> tuple[float, list[Measurement]]:
    results = [run_measured("--help", [*newstrace(), "--help"], env=child_env()) for _ in range(runs)]
    return median([r.seconds for r in results]), results


def store_counts(db: str) -> dict[str, Any]:
    from newstrace.corpus.store import Store

    with Store.open(db, migrate=False) as store:
        tables = store.table_counts()
        statuses = store.counts()
        annotated = sum(1 for _, status, _ in store.iter_annotations() if status == "annotated")
    return {"articles_by_status": statuses, "annotated": annotated, "tables": tables}
