"""A progress bar on a terminal, silence elsewhere (logs, CI, pipes) or with ``--quiet``."""

from __future__ import annotations

import sys
from typing import Callable


class Progress:
    """One tqdm bar per stage of the run (translating, aligning) when stderr is a terminal."""

    def __init__(self, enabled: bool = True):
        self._enabled = enabled and sys.stderr.isatty()
        self._bar = None
        self._stage: str | None = None

    def stage(self, label: str, unit: str) -> Callable[[int, int], None]:
        """The ``advance(count, total)`` of a stage: its first call replaces the previous
        stage's bar by this one, so stages can be handed out before they start."""

        def advance(count: int, total: int) -> None:
            if not self._enabled:
                return
            if self._stage != label:
                from tqdm import tqdm

                self._close()
                self._bar, self._stage = tqdm(desc=label, unit=unit, total=total, file=sys.stderr, leave=False), label
            self._bar.total = total
            self._bar.update(count)

        return advance

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self._close()
