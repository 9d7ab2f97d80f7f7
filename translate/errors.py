"""What stops a ``translate`` run, and the exit status each kind of stop gets.

Every stop is one line on stderr that says what is wrong and what to do, in the format all the
project's commands share (``aligned.command``: 2 for input and usage, 130 interrupted), with
the statuses a run over many documents adds:

- 0: every document was written;
- 1: some documents failed (each named on stderr and in ``manifest.json``), the others were written;
- 2: the run could not start (an option, the model, the output folder, the cache): nothing was written;
- 3: the run stopped mid-way: a file could not be written (disk full, a read-only file), or work
  on a Ray cluster failed after its retries; every file that was written is complete, and the
  same command resumes from the cache;
- 70: a bug in this program (the line says so; ``TRANSLATE_DEBUG=1`` shows the traceback);
- 130: interrupted (Ctrl-C or SIGTERM): finished batches are kept in the cache.
"""

from __future__ import annotations

from aligned.command import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE

EXIT_DOCUMENT_FAILED, EXIT_WRITE, EXIT_BUG = 1, 3, 70
__all__ = [
    "EXIT_OK",
    "EXIT_DOCUMENT_FAILED",
    "EXIT_USAGE",
    "EXIT_WRITE",
    "EXIT_BUG",
    "EXIT_INTERRUPTED",
    "StopRun",
    "WriteFailed",
    "reason",
    "first_line",
]


class StopRun(Exception):
    """A problem that stops the whole run before any work; the message is one line."""

    status = EXIT_USAGE


class WriteFailed(StopRun):
    """A file the whole run depends on (cache, manifest) could not be written mid-run."""

    status = EXIT_WRITE


def reason(error: OSError) -> str:
    """An OS error in a few words ("No space left on device"), for our one-line messages."""
    return error.strerror or type(error).__name__


def first_line(error: BaseException, limit: int = 160) -> str:
    """A library's error cut to one short line, to quote inside our own one-line messages."""
    return ((str(error).splitlines() or [type(error).__name__])[0] or type(error).__name__)[:limit]
