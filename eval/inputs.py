"""Reading input files, with failures worded for a one-line command-line message."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """An input file is missing, unreadable, not UTF-8 or malformed; the message names the file."""


def read_text(path: Path | str) -> str:
    """Decode ``path`` as UTF-8 (universal newlines), turning OS and decoding errors into `InputError`."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text (invalid byte {err.object[err.start]:#04x} "
                         f"at offset {err.start})") from None
    except OSError as err:
        raise InputError(f"{path}: {err.strerror or err}") from None


def read_lines(path: Path | str) -> list[str]:
    """The file's lines as sacrebleu's command line reads them: trailing whitespace stripped.

    Splitting on ``"\\n"`` (not `str.splitlines`) keeps the count equal to the file's line count
    even when a segment contains a form feed or U+2028.
    """
    lines = read_text(path).split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.rstrip() for line in lines]
