"""Give every document a name for its output files that no other file of the run can take.

A document's files are named after its file stem (``d/a/x.txt`` -> ``OUT/x.fr`` ...), which is
what users expect and what keeps ``translate seeds/`` stable. When two documents would write the
same file (``a/x.txt`` and ``b/x.txt``, ``x.txt`` and ``x.md``, a document called ``corpus`` or
``x.paragraphs`` beside ``x``, or names that differ only in case, which clash on case-insensitive
file systems), each of them gets its stem plus ``-`` and the first 8 hex digits of the SHA-256 of
its path as found (``x-3f2a9c1b``): stable from run to run, and the manifest maps every source to
its files. File names that are not valid UTF-8 keep their readable part, with U+FFFD for the rest.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from pathlib import Path
from typing import Collection, Sequence

_DIGITS = (8, 16, 64)  # a longer digest only if a shorter one still clashes


def output_names(paths: Sequence[Path], suffixes: Sequence[str], reserved: Collection[str]) -> list[str]:
    """One name per path, in order; ``suffixes`` end every document file, ``reserved`` are the
    run's other files (``corpus.fr``, ``manifest.json`` ...)."""
    names = [_readable_stem(path) for path in paths]
    for digits in _DIGITS:
        clashing = _clashing(names, suffixes, reserved)
        if not clashing:
            break
        for index in clashing:
            names[index] = f"{_readable_stem(paths[index])}-{_digest(paths[index])[:digits]}"
    return names


def _clashing(names: Sequence[str], suffixes: Sequence[str], reserved: Collection[str]) -> set[int]:
    owners: dict[str, set[int]] = defaultdict(set)
    for index, name in enumerate(names):
        for suffix in suffixes:
            owners[(name + suffix).casefold()].add(index)
    taken = {name.casefold() for name in reserved}
    return {index for file, indices in owners.items() if len(indices) > 1 or file in taken for index in indices}


def _readable_stem(path: Path) -> str:
    return os.fsencode(path.stem).decode("utf-8", errors="replace")


def _digest(path: Path) -> str:
    return hashlib.sha256(os.fsencode(path)).hexdigest()
