"""Reading input files for scoring, with failures worded for a one-line command-line message.

Files are read as every command of the project reads them (``aligned.textio``).
"""

from __future__ import annotations

from pathlib import Path

from aligned.textio import InputError, read_text

__all__ = ["InputError", "read_lines"]


def read_lines(path: Path | str) -> list[str]:
    """The file's lines as sacrebleu's command line reads them: trailing whitespace stripped.

    Splitting on ``"\\n"`` (not `str.splitlines`) keeps the count equal to the file's line count
    even when a segment contains a form feed or U+2028.
    """
    lines = read_text(path).split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.rstrip() for line in lines]
