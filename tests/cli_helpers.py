"""Running the ``translate`` CLI in tests and reading what it wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from translate.cli import main


@dataclass
class CliResult:
    status: int
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("translate: error:")]


def run_translate(capsys: pytest.CaptureFixture, *args: object) -> CliResult:
    """Call ``translate`` in-process, quietly, and capture its exit status and stderr."""
    status = main([str(arg) for arg in args] + ["--quiet"])
    return CliResult(status, capsys.readouterr().err)


def run_translate_process(*args: object, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Run ``translate`` as a user would: a separate process with the console script."""
    return subprocess.run(
        [sys.executable, "-m", "translate", *map(str, args)],
        capture_output=True, text=True, env={**os.environ, **(env or {})}, **kwargs,
    )


def manifest(out_dir: Path) -> dict:
    return json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()
