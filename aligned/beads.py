"""The unit of a sentence alignment: a bead, and vecalign's text form, read and written here only.

The aligner, the pipeline, the evaluation and the benchmarks share this one type. A bead is a
named tuple, so ``src, tgt, score = bead`` works and scoring code can take plain
``(src_ids, tgt_ids)`` pairs as well. ``SentencePair`` is a bead with its text, as every file
and page that people read shows it (``translate``'s corpus files, the review pages).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .textio import InputError, read_text

#: Bead shapes the aligner may output, as (source sentences, target sentences): 0-1, 1-0
#: and every match of up to 6 sentences (1-1 ... 1-5, 2-4, 3-3 ...). Literary translators
#: merge and split freely (Text+Berg dev has 21 gold beads of 5 or more sentences); longer
#: beads are rarer still and each added width makes the search slower.
MAX_BEAD_SENTENCES = 6
BEAD_TYPES: tuple[tuple[int, int], ...] = ((0, 1), (1, 0)) + tuple(
    (a, size - a) for size in range(2, MAX_BEAD_SENTENCES + 1) for a in range(1, size)
)

_LINE = re.compile(r"\s*\[([^\]\[]*)\]\s*:\s*\[([^\]\[]*)\]\s*(?::\s*(\S+)\s*)?")


class Bead(NamedTuple):
    """Source sentence ids `src` aligned with target sentence ids `tgt` (0-based).

    `score` is the aligner's confidence in (0, 1) that a match bead is exactly
    right (calibrated on Text+Berg dev; identical sentences score about 0.95).
    Insertions and deletions (an empty side) always score 0.0; so does a bead read
    from a file that gives no score (a gold file).
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float = 0.0

    @property
    def kind(self) -> str:
        """The bead's shape, e.g. "1-2" for one source and two target sentences."""
        return f"{len(self.src)}-{len(self.tgt)}"

    def to_vecalign(self) -> str:
        """vecalign's line format, e.g. "[0, 1]:[0]:0.123"."""
        return f"{list(self.src)}:{list(self.tgt)}:{self.score:.3f}"

    @classmethod
    def from_vecalign(cls, line: str) -> Bead:
        """Parse "[0, 1]:[0]" or "[0, 1]:[0]:0.123" (vecalign output, gold files); ``[]`` is an
        empty side. ValueError, saying what is wrong, for anything else: ids must be integers from
        0 up (not ``-1``, not ``True``) and a score a finite number."""
        match = _LINE.fullmatch(line)
        if match is None:
            raise ValueError(f"not a bead like '[0, 1]:[2]': {line.strip()!r}")
        src, tgt, score = match.groups()
        return cls(_ids(src, line), _ids(tgt, line), 0.0 if score is None else _score(score, line))


def _ids(side: str, line: str) -> tuple[int, ...]:
    items = [item.strip() for item in side.split(",")] if side.strip() else []
    if not all(item.isascii() and item.isdigit() for item in items):
        raise ValueError(f"sentence ids must be integers from 0 up: {line.strip()!r}")
    return tuple(int(item) for item in items)


def _score(text: str, line: str) -> float:
    try:
        score = float(text)
    except ValueError:
        raise ValueError(f"score must be a number: {line.strip()!r}") from None
    if not math.isfinite(score):
        raise ValueError(f"score must be a finite number: {line.strip()!r}")
    return score


def read_beads(path: Path | str) -> list[Bead]:
    """A vecalign alignment file, one bead per line (blank lines skipped); `InputError` naming
    the file and line for anything that is not a bead."""
    beads = []
    for number, line in enumerate(read_text(path).split("\n"), start=1):
        if line.strip():
            try:
                beads.append(Bead.from_vecalign(line))
            except ValueError as error:
                raise InputError(f"{path}:{number}: {error}") from None
    return beads


@dataclass(frozen=True)
class SentencePair:
    """A bead with its sentences: ids count through the whole document on each side, ``fr`` and
    ``en`` are the sentences joined by spaces (either side may be empty), ``score`` the aligner's
    confidence for a match and 0.0 for an unaligned sentence. ``segment`` is the kind of segment
    of a formatted document (heading, cell, cue ...; None for plain text), ``cues`` the subtitle
    cue numbers of that segment."""

    paragraph: int
    src_ids: tuple[int, ...]
    tgt_ids: tuple[int, ...]
    fr: str
    en: str
    score: float
    segment: str | None = None
    cues: tuple[int, ...] = ()

    @property
    def kind(self) -> str:
        """The bead's shape: "1-1", "2-1", "1-0", "0-1" ..."""
        return f"{len(self.src_ids)}-{len(self.tgt_ids)}"

    @property
    def unaligned(self) -> bool:
        return not self.src_ids or not self.tgt_ids
