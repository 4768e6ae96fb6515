"""The benchmark's measurement of one command: CPU time of what the command leaves running."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO


def test_cpu_of_processes_left_running_is_counted() -> None:
    # The command returns at once; the grandchild it leaves behind (as ingest leaves its
    # forkserver) then burns half a second of CPU, which must count as the command's.
    burner = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.5: pass"
    command = [sys.executable, "-c", f"import subprocess, sys; subprocess.Popen([sys.executable, '-c', {burner!r}])"]
    # In a process of its own: measuring makes the caller adopt orphans, which pytest should not.
    code = ("import json; from bench.measure import run_measured; "
            f"m = run_measured('x', {command!r}); print(json.dumps([m.seconds, m.cpu_seconds, m.returncode]))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    seconds, cpu, returncode = json.loads(result.stdout)
    assert returncode == 0
    assert cpu >= 0.45
    assert seconds < 0.4  # measured to the command's own exit, not the grandchild's
