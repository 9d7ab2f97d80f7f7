"""The ``translate`` command's lines on stderr: ``translate: error: ...`` and ``translate: warning: ...``.

One line each, saying what is wrong and what to do (``translate.errors`` has the exit statuses).
"""

from __future__ import annotations

import sys

from aligned.command import error as _command_error


def report_error(message: str) -> None:
    _command_error("translate", message)


def warn(message: str) -> None:
    print(f"translate: warning: {message}", file=sys.stderr)
