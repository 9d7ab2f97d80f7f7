"""Write files so that a reader never sees half of one: temp file in the same folder, then rename.

``os.replace`` within one file system is atomic, so after a crash each output file is either
the old complete version or the new complete version. Files that belong together (one
document's corpus files) are all written to temp files first and renamed only when every one
of them was written, so a full disk leaves no partial set behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Mapping


def write_files_atomically(contents: Mapping[Path, str]) -> None:
    """Write every file or none: on any error, the temp files are removed and the error raised."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in contents.items():
            staged.append((_write_temp(path, text), path))
    except BaseException:
        for temp, _ in staged:
            _remove(temp)
        raise
    for temp, path in staged:
        os.replace(temp, path)


def write_file_atomically(path: Path, text: str) -> None:
    write_files_atomically({path: text})


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# mkstemp creates files readable by the owner only; corpus files get the usual permissions.
_FILE_MODE = 0o666 & ~_current_umask()


def _write_temp(path: Path, text: str) -> str:
    descriptor, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(descriptor, _FILE_MODE)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        _remove(temp)
        raise
    return temp


def _remove(temp: str) -> None:
    try:
        os.unlink(temp)
    except FileNotFoundError:
        pass
