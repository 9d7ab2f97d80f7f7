"""One ``translate`` run per output folder: a second run refuses instead of corrupting it."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from translate.errors import StopRun, reason

LOCK_FILE = ".lock"


class FolderBusy(StopRun):
    """Another process holds the output folder."""


class RunLock:
    """An exclusive advisory lock on ``OUT/.lock``; the kernel releases it if the process dies."""

    def __init__(self, folder: Path):
        self.path = folder / LOCK_FILE
        self._handle = None

    def __enter__(self) -> "RunLock":
        try:
            handle = open(self.path, "a+")
        except OSError as error:
            raise StopRun(
                f"cannot create the lock file {self.path} ({reason(error)}); remove what is there or choose another -o"
            ) from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise FolderBusy(
                f"output folder {self.path.parent} is in use by another translate run (pid {holder}); wait for it to "
                "finish or pass another -o"
            ) from None
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(str(os.getpid()))
            handle.flush()
        except OSError as error:
            handle.close()
            raise StopRun(
                f"cannot write the lock file {self.path} ({reason(error)}); free space or choose another -o"
            ) from None
        self._handle = handle
        return self

    def __exit__(self, *exc) -> None:
        if self._handle:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
