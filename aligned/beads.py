"""The unit of a sentence alignment: a bead, and its vecalign text form."""

from __future__ import annotations

import ast
from dataclasses import dataclass

#: Bead shapes the aligner may output, as (source sentences, target sentences): 0-1, 1-0
#: and every match of up to 6 sentences (1-1 ... 1-5, 2-4, 3-3 ...). Literary translators
#: merge and split freely (Text+Berg dev has 21 gold beads of 5 or more sentences); longer
#: beads are rarer still and each added width makes the search slower.
MAX_BEAD_SENTENCES = 6
BEAD_TYPES: tuple[tuple[int, int], ...] = ((0, 1), (1, 0)) + tuple(
    (a, size - a) for size in range(2, MAX_BEAD_SENTENCES + 1) for a in range(1, size))


@dataclass(frozen=True)
class Bead:
    """Source sentence ids `src` aligned with target sentence ids `tgt` (0-based).

    `score` is the aligner's confidence in (0, 1) that a match bead is exactly
    right (calibrated on Text+Berg dev; identical sentences score about 0.95).
    Insertions and deletions (an empty side) always score 0.0.
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
        """Parse "[0, 1]:[0]" or "[0, 1]:[0]:0.123" (vecalign output, gold files)."""
        parts = line.strip().split(":")
        if len(parts) not in (2, 3):
            raise ValueError(f"not a vecalign bead: {line!r}")
        try:
            src, tgt = (ast.literal_eval(p) for p in parts[:2])
            score = float(parts[2]) if len(parts) == 3 else 0.0
        except (ValueError, SyntaxError) as error:
            raise ValueError(f"not a vecalign bead: {line!r}") from error
        if not (isinstance(src, list) and isinstance(tgt, list)
                and all(isinstance(i, int) for i in src + tgt)):
            raise ValueError(f"not a vecalign bead: {line!r}")
        return cls(tuple(src), tuple(tgt), score)
