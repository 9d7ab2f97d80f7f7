"""Write files so that a reader never sees half of one: temp file in the same folder, then rename.

``os.replace`` within one file system is atomic, so after a crash each output file is either
the old complete version or the new complete version. Files that belong together (one
document's corpus files) are all written to temp files first, and renamed only when every one
of them was written and no target is in the way (a folder of the same name), so a full disk or
a blocked name leaves the old set as it was. A run killed between the two steps leaves temp
files behind; ``remove_leftovers`` deletes them at the start of the next run.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Iterable, Mapping

_TEMP_SUFFIX = ".tmp"
# ".NAME.<mkstemp's 8 random characters>.tmp": only files of this shape are ever cleaned up.
_TEMP_NAME = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


def write_files_atomically(contents: Mapping[Path, Iterable[str]]) -> None:
    """Write every file or none: on any error, the temp files are removed and the error raised.
    Each file's text may come in pieces (a generator), so that no file need be held whole."""
    for path in contents:
        if path.is_dir():
            raise IsADirectoryError(21, "a folder has that name", str(path))
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in contents.items():
            staged.append((_write_temp(path, text), path))
        while staged:
            os.replace(*staged[-1])
            staged.pop()
    except BaseException:
        for temp, _ in staged:
            _remove(temp)
        raise


def write_file_atomically(path: Path, text: str) -> None:
    write_files_atomically({path: (text,)})


def remove_leftovers(folder: Path) -> int:
    """Delete the temp files that a killed run left in ``folder``; returns how many.

    Call it only while holding the folder's run lock, when no writer can be mid-write.
    """
    removed = 0
    for entry in os.scandir(folder):
        if entry.is_file(follow_symlinks=False) and _TEMP_NAME.fullmatch(entry.name):
            _remove(entry.path)
            removed += 1
    return removed


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# mkstemp creates files readable by the owner only; corpus files get the usual permissions.
_FILE_MODE = 0o666 & ~_current_umask()


def _write_temp(path: Path, chunks: Iterable[str]) -> str:
    descriptor, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_TEMP_SUFFIX)
    try:
        os.fchmod(descriptor, _FILE_MODE)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.writelines(chunks)
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
