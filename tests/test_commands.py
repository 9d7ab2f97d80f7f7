"""The installed commands share one convention: `PROG: error: ...` on one line and exit status 2
for bad input, 130 when interrupted, quiet when the reader of their output goes away."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from aligned.command import run_command
from aligned.textio import InputError

BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    ("command", "args"),
    [
        ("align-sentences", ["/nonexistent/fr.txt", "/nonexistent/en.txt"]),
        ("fr-en-score", ["translation", "/nonexistent/hyp.txt", "/nonexistent/ref.txt"]),
        ("fr-en-score", ["alignment", "/nonexistent/pred", "/nonexistent/gold"]),
    ],
)
def test_installed_commands_give_one_line_and_status_2(command: str, args: list[str]) -> None:
    run = subprocess.run([str(BIN / command), *args], capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and run.stdout == ""
    first = args[1] if command == "fr-en-score" else args[0]
    assert run.stderr == f"{command}: error: {first}: no such file\n"


def test_translate_uses_the_same_format(tmp_path: Path) -> None:
    run = subprocess.run(
        [
            str(BIN / "translate"),
            str(tmp_path / "in"),
            "-o",
            str(tmp_path / "out"),
            "--model",
            str(tmp_path / "no-model"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2 and run.stderr.startswith("translate: error: ") and run.stderr.count("\n") == 1


def test_interrupted_and_bad_input_in_process(capsys) -> None:
    def interrupted() -> None:
        raise KeyboardInterrupt

    def bad_input() -> None:
        raise InputError("x.txt: not UTF-8 text")

    assert run_command("prog", interrupted) == 130
    assert capsys.readouterr().err == "prog: interrupted\n"
    assert run_command("prog", bad_input) == 2
    assert capsys.readouterr().err == "prog: error: x.txt: not UTF-8 text\n"
