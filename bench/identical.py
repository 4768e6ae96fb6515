"""Check that a refactoring left the reports byte-identical: the seeds' report and the demo report.

Run from the repository root:

    python -m bench.identical --out /tmp/ident-before --save /tmp/ident-ref
    ... make the move ...
    python -m bench.identical --out /tmp/ident-after --compare /tmp/ident-ref

Each corpus goes through `newstrace run` (a child process, so the command line,
the library runner and the renderers are all exercised) on a fresh store, and
report.json, report.md, report.html and export.jsonl are compared byte for byte
after one normalisation: date-times (the report's `generated_at`, the fetch time
of a file without a date) are replaced by a placeholder, because they are the
only part of the output that is meant to change between two runs.

`--tree DIR` runs the code of another checkout (DIR holds `__init__.py`,
`corpus/`, `extract/`, ...), so a move can be compared against a snapshot of
the tree taken just before it while other people keep editing the shared one.

Exit status: 0 identical, 1 a file differs (the first differing lines are
printed), 2 a run failed.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEMO = REPO / "data" / "demo"
SEEDS = REPO.parent / "shared" / "seeds"
FILES = ("report.json", "report.md", "report.html", "export.jsonl")
# An ISO date-time with a time of day; plain dates are content and stay.
_DATETIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d|\s?UTC)?")
PLACEHOLDER = "<DATETIME>"


def corpora() -> dict[str, tuple[list[str], list[str]]]:
    """name -> (run arguments, primary documents ingested first)."""
    return {
        "demo": ([str(DEMO), "--kb", str(DEMO / "kb.yaml")], [str(DEMO / "primary")]),
        "seeds": ([str(SEEDS), "--kb", str(DEMO / "kb.yaml")], []),
    }


def normalise(data: bytes) -> bytes:
    return _DATETIME.sub(PLACEHOLDER, data.decode("utf-8")).encode("utf-8")


def _environment(tree: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    if tree is not None:
        # The editable install's finder comes after PYTHONPATH, so a folder whose
        # `newstrace` is the snapshot wins over the working tree.
        shim = Path(tempfile.mkdtemp(prefix="newstrace-tree-"))
        (shim / "newstrace").symlink_to(tree.resolve(), target_is_directory=True)
        env["PYTHONPATH"] = str(shim) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def build(out: Path, tree: Path | None = None) -> None:
    """Run each corpus end to end into out/<name>/ (a fresh store each time)."""
    env = _environment(tree)
    for name, (arguments, primary) in corpora().items():
        folder = out / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        db = folder / "corpus.db"
        base = [sys.executable, "-m", "newstrace", "--quiet", "--db", str(db)]
        sources = [a for a in arguments if a != "--kb" and not a.endswith(".yaml")]
        # Ingested first and their fetch times pinned: an undated file's first appearance is its fetch
        # time, to the second, so which of two files read a second apart "came first" would vary.
        steps = ([base + ["ingest", "--primary", *primary]] if primary else []) + [
            base + ["ingest", *sources], "pin",
            base + ["run", *arguments, "--out", str(folder / "report")]]
        for command in steps:
            if command == "pin":
                _pin_fetch_times(db)
                continue
            done = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True)
            # 1 is "some inputs failed", which a corpus may legitimately hold; a run that wrote no report failed.
            if done.returncode not in (0, 1) or (command[-2] == "--out" and not (folder / "report" / FILES[0]).exists()):
                sys.stderr.write(f"{name}: {' '.join(command)} exited {done.returncode}\n{done.stderr[-3000:]}")
                raise SystemExit(2)


def _pin_fetch_times(db: Path) -> None:
    import sqlite3

    with sqlite3.connect(db) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            columns = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
            if "fetched_at" in columns:
                conn.execute(f'UPDATE "{table}" SET fetched_at = ? WHERE fetched_at IS NOT NULL',
                             ("2000-01-01T00:00:00Z",))


def compare(out: Path, reference: Path) -> list[str]:
    """One line per differing file, followed by the first lines of its diff."""
    problems: list[str] = []
    for name in corpora():
        for file in FILES:
            mine, theirs = out / name / "report" / file, reference / name / "report" / file
            if not theirs.exists() or not mine.exists():
                problems.append(f"{name}/{file}: missing in {'reference' if not theirs.exists() else 'output'}")
                continue
            a, b = normalise(theirs.read_bytes()), normalise(mine.read_bytes())
            if a == b:
                continue
            diff = difflib.unified_diff(a.decode().splitlines(), b.decode().splitlines(), "reference", "output",
                                        n=0, lineterm="")
            problems.append(f"{name}/{file}: differs\n" + "\n".join(line[:300] for line in list(diff)[:12]))
    return problems


def save(out: Path, reference: Path) -> None:
    for name in corpora():
        target = reference / name / "report"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for file in FILES:
            shutil.copyfile(out / name / "report" / file, target / file)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="Folder to build the reports into.")
    parser.add_argument("--save", type=Path, help="Keep the built reports here as the reference.")
    parser.add_argument("--compare", type=Path, help="Reference folder to compare against.")
    parser.add_argument("--tree", type=Path, help="Run the code of this checkout instead of the installed one.")
    args = parser.parse_args(argv)
    build(args.out, args.tree)
    if args.save:
        save(args.out, args.save)
        print(f"saved reference in {args.save}")
    if args.compare:
        problems = compare(args.out, args.compare)
        for problem in problems:
            print(problem)
        total = len(corpora()) * len(FILES)
        print(f"identical: {total - len(problems)}/{total} files")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
