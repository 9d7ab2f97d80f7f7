"""One command of a benchmark in its own process, timed from start to exit, with its own peak RSS.

A parent cannot take its child's peak RSS from ``wait4`` directly: Linux carries a process's
resident high-water mark across ``exec``, and a forked child starts as a copy of its parent, so
the figure never falls below the parent's own size. A harness that has loaded a model or Ray
floors every figure at its size (it did: every run of ``ray_engine.py`` measured 403 MiB, the
harness's own). So a small launcher (a bare Python, about 10 MB) forks the command, waits for it,
and reports its time and ``ru_maxrss``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

_LAUNCHER = """
import json, os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - started
with open(sys.argv[1], "w") as report:
    json.dump({"seconds": seconds, "rss": usage.ru_maxrss * 1024, "status": os.waitstatus_to_exitcode(status)}, report)
"""


@dataclass
class Measured:
    seconds: float  # from the fork to the exit
    peak_rss: int  # bytes, the command's own (ru_maxrss)
    status: int  # exit status
    stdout: str
    stderr: str


def run_measured(command: list[str], env: dict | None = None, cwd: Path | None = None, check: bool = True) -> Measured:
    """Run ``command`` to its end; with ``check``, stop the benchmark with its stderr if it fails."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        launched = subprocess.run(
            [sys.executable, "-c", _LAUNCHER, str(report), *command], env=env, cwd=cwd, capture_output=True, text=True
        )
        figures = json.loads(report.read_text())
    if check and figures["status"] != 0:
        raise SystemExit(f"{' '.join(command)} failed ({figures['status']}): {launched.stderr[-2000:]}")
    return Measured(figures["seconds"], figures["rss"], figures["status"], launched.stdout, launched.stderr)
