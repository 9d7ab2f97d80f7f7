"""A progress bar on a terminal, silence elsewhere (logs, CI, pipes) or with ``--quiet``."""

from __future__ import annotations

import sys


class Progress:
    """Counts translated paragraph pieces with tqdm when stderr is a terminal."""

    def __init__(self, label: str, enabled: bool = True):
        self._bar = None
        if enabled and sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(desc=label, unit="paragraph", file=sys.stderr, leave=False)

    def advance(self, count: int, total: int) -> None:
        if self._bar is not None:
            self._bar.total = total
            self._bar.update(count)

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.close()
