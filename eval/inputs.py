"""Reading input files, with failures worded for a one-line command-line message."""

from __future__ import annotations

from pathlib import Path

from aligned.textio import DecodeError, decode


class InputError(Exception):
    """An input file is missing, unreadable, not UTF-8 or malformed; the message names the file."""


def read_text(path: Path | str) -> str:
    """Decode ``path`` as ``translate`` and ``python -m aligned`` do (a byte-order mark is dropped,
    UTF-16 with a BOM is read; anything else must be UTF-8), with universal newlines; OS and
    decoding errors become `InputError`."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as err:
        raise InputError(f"{path}: {err.strerror or err}") from None
    try:
        text = decode(data, repair=False).text
    except DecodeError as err:
        raise InputError(f"{path}: not {err.encoding} text (invalid byte {data[err.offset]:#04x} "
                         f"at offset {err.offset})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_lines(path: Path | str) -> list[str]:
    """The file's lines as sacrebleu's command line reads them: trailing whitespace stripped.

    Splitting on ``"\\n"`` (not `str.splitlines`) keeps the count equal to the file's line count
    even when a segment contains a form feed or U+2028.
    """
    lines = read_text(path).split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.rstrip() for line in lines]
