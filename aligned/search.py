"""Best monotone bead sequence by dynamic programming inside a band of cells.

Cell (i, j) means "the first i source and j target sentences are aligned". Row i
only holds the cells j in [lo[i], hi[i]); the full table is the band lo = 0,
hi = m + 1. Rows are filled with numpy: beads that consume source sentences read
earlier rows, and 0-1 beads (which stay in the row) are a running maximum.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .similarity import MATCH_TYPES

_TYPES = ((1, 0),) + MATCH_TYPES  # beads that read an earlier row; (0, 1) is extra
_INSERT = len(_TYPES)
_CHUNK = 64  # rows scored at once: big enough for BLAS, small enough for memory

BlockScorer = Callable[[slice, slice], dict[tuple[int, int], np.ndarray]]


def best_path(
    lo: np.ndarray, hi: np.ndarray, score_block: BlockScorer, skip: float
) -> list[tuple[int, int, int, int, float]]:
    """Beads (i0, i1, j0, j1, score) of the best path from (0, 0) to (n, m).

    `lo`/`hi` (length n + 1, non-decreasing, covering (0, 0) and (n, m)) bound
    each row; `score_block(rows, cols)` returns match scores (see Scorer.block);
    `skip` is the score of a 0-1 or 1-0 bead.
    """
    n = len(lo) - 1
    width = int((hi - lo).max())
    table = np.full((n + 1, width), -np.inf)
    back = np.full((n + 1, width), -1, dtype=np.int8)
    gain = np.zeros((n + 1, width))
    for i in range(n + 1):
        if i % _CHUNK == 0:
            last = min(i + _CHUNK, n + 1) - 1
            c0, c1 = int(lo[i]), int(hi[last])
            block = score_block(slice(i, last + 1), slice(c0, c1))
        j = np.arange(lo[i], hi[i])
        best = np.where(j == 0, 0.0, -np.inf) if i == 0 else np.full(len(j), -np.inf)
        arg = np.full(len(j), -1, dtype=np.int8)
        won = np.zeros(len(j))
        for t, (a, b) in enumerate(_TYPES):
            if i < a:
                continue
            p, pj = i - a, j - b
            ok = (pj >= lo[p]) & (pj < hi[p])
            step = np.full(len(j), skip) if b == 0 else block[(a, b)][i % _CHUNK, j - c0]
            cand = np.where(ok, table[p, np.clip(pj - lo[p], 0, width - 1)] + step, -np.inf)
            better = cand > best
            best, arg, won = np.where(better, cand, best), np.where(better, t, arg), np.where(better, step, won)
        # 0-1 beads: table[j] = max(best[j], table[j-1] + skip), a running maximum.
        k = np.arange(len(j))
        shifted = best - k * skip
        running = np.maximum.accumulate(shifted)
        inserted = running > shifted
        table[i, : len(j)] = np.where(inserted, running + k * skip, best)
        back[i, : len(j)] = np.where(inserted, _INSERT, arg)
        gain[i, : len(j)] = np.where(inserted, skip, won)
    return _trace(lo, back, gain, n, int(hi[n]) - 1)


def _trace(lo, back, gain, i, j) -> list[tuple[int, int, int, int, float]]:
    beads = []
    while i or j:
        t = back[i, j - lo[i]]
        if t < 0:
            raise RuntimeError("no path through the band")  # lo/hi did not connect
        a, b = (0, 1) if t == _INSERT else _TYPES[t]
        beads.append((i - a, i, j - b, j, float(gain[i, j - lo[i]])))
        i, j = i - a, j - b
    return beads[::-1]
