"""A progress bar on a terminal, silence elsewhere (logs, CI, pipes) or with ``--quiet``."""

from __future__ import annotations

import sys
from typing import Callable


class Progress:
    """One tqdm bar per stage of the run (translating, aligning) when stderr is a terminal."""

    def __init__(self, enabled: bool = True):
        self._enabled = enabled and sys.stderr.isatty()
        self._bar = None

    def stage(self, label: str, unit: str) -> Callable[[int, int], None]:
        """Start the bar of a new stage; returns its ``advance(count, total)``."""
        self._close()
        if self._enabled:
            from tqdm import tqdm

            self._bar = tqdm(desc=label, unit=unit, file=sys.stderr, leave=False)
        return self._advance

    def _advance(self, count: int, total: int) -> None:
        if self._bar is not None:
            self._bar.total = total
            self._bar.update(count)

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self._close()
