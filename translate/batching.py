"""Group inputs into batches by a token budget, longest first, so little compute goes to padding.

A batch costs roughly (its longest input) x (its size); sorting by length keeps inputs of
similar length together, and the token budget keeps a batch of long paragraphs from using as
much memory as a batch of short ones would at the same batch size.
"""

from __future__ import annotations

from typing import Sequence


def plan_batches(lengths: Sequence[int], max_batch_size: int, max_batch_tokens: int) -> list[list[int]]:
    """Indices of ``lengths`` grouped into batches; every index appears exactly once.

    A batch holds at most ``max_batch_size`` inputs and its padded size (longest x count) stays
    within ``max_batch_tokens``, except that one input alone always makes a batch.
    """
    order = sorted(range(len(lengths)), key=lambda index: (-lengths[index], index))
    batches: list[list[int]] = []
    current: list[int] = []
    for index in order:
        longest = lengths[current[0]] if current else lengths[index]
        if current and (len(current) == max_batch_size or longest * (len(current) + 1) > max_batch_tokens):
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches
