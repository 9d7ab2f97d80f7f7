"""What the project's commands share: one message format and one set of exit statuses.

``PROG: error: ...`` on one line for anything wrong with the input or the options, exit status
2; ``PROG: interrupted`` and 130 for Ctrl-C; output piped into ``head`` and the like stops
quietly with 0 (the reader has what it wanted). ``translate`` adds its own statuses for a run
over many documents (see ``translate.errors``); ``align-sentences`` and ``fr-en-score`` use
exactly these.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from .textio import InputError

EXIT_OK, EXIT_USAGE, EXIT_INTERRUPTED = 0, 2, 130


def error(prog: str, message: str) -> None:
    print(f"{prog}: error: {message}", file=sys.stderr)


def run_command(prog: str, body: Callable[[], None], errors: tuple[type[Exception], ...] = (InputError,)) -> int:
    """Run ``body`` and turn what it raises into the convention's message and exit status."""
    try:
        body()
        sys.stdout.flush()
    except errors as problem:
        error(prog, str(problem))
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # as Python's docs advise: stop writing to the closed pipe, quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return EXIT_OK
