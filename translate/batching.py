"""Group inputs into batches: longest first, within a size and token budget, balanced in cost.

A batch costs roughly (its longest input) x (its size): sorting by length keeps inputs of
similar length together, and the token budget keeps a batch of long paragraphs from using as
much memory as a batch of short ones would at the same batch size. With several workers (the
CTranslate2 backend decodes batches side by side, one per worker) the batches are also evened
out: the budget alone cut 16 FLORES paragraphs into batches of 15 and 1, and one worker did
15/16 of the work while the other waited. So the inputs are cut into at least as many batches
as there are workers (when there are that many inputs), and the cuts are placed so that the
costliest batch costs as little as it can. Translations do not depend on the plan (each piece
keeps its own output bound, see ``translation``), so this changes speed only.

A batch's memory while it decodes is mostly its attention caches: every hypothesis keeps keys and
values for each token of its input and of its output, so memory grows with inputs x (input +
output bound) of the longest, the same product as its cost. ``max_batch_cost`` caps it: batches of
8 long paragraphs (334 input tokens, up to 511 output tokens, beam 4) took about 0.8 GB per
worker, and a 2-core run of 256 such documents peaked at 1.59 GB.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

Weight = Callable[[int], int]  # the decoding cost of one input of a given length, in token steps


def plan_batches(
    lengths: Sequence[int],
    max_batch_size: int,
    max_batch_tokens: int,
    workers: int = 1,
    weight: Weight = lambda length: length,
    max_batch_cost: int | None = None,
) -> list[list[int]]:
    """Indices of ``lengths`` grouped into batches, longest first; every index appears exactly once.

    A batch holds at most ``max_batch_size`` inputs and its padded size (longest x count) stays
    within ``max_batch_tokens``, except that one input alone always makes a batch. Its cost is
    its size x ``weight(longest)`` (input plus the output it may produce), at most ``max_batch_cost``
    when given (again except for one input alone). With one worker the
    batches are filled greedily, as full as the budget allows; with several, the plan has as many
    batches as the budget needs, at least ``workers`` of them when there are enough inputs, and
    among such plans the one whose costliest batch is cheapest.
    """
    order = sorted(range(len(lengths)), key=lambda index: (-lengths[index], index))
    sorted_lengths = [lengths[index] for index in order]
    budget = _Budget(max_batch_size, max_batch_tokens, max_batch_cost, weight)
    starts = _cut(sorted_lengths, budget)
    if workers > 1:  # one worker decodes batch after batch: evening them out would only add padding
        count = max(len(starts), min(workers, len(order)))
        starts = _balanced(sorted_lengths, budget, count)
    return [order[start:end] for start, end in zip(starts, starts[1:] + [len(order)])]


class _Budget(NamedTuple):
    """What one batch may hold: inputs, padded input tokens, cost (None: no limit on cost)."""

    size: int
    tokens: int
    cost: int | None
    weight: Weight

    def within(self, cost: int) -> _Budget:
        """This budget with its cost capped at ``cost`` as well."""
        return self._replace(cost=cost if self.cost is None else min(self.cost, cost))


def _balanced(lengths: Sequence[int], budget: _Budget, count: int) -> list[int]:
    """Start positions of ``count`` batches (or one per input) whose costliest batch is as cheap
    as can be: the least cost at which a greedy pass needs no more than ``count`` batches."""
    weight = budget.weight
    low = max((weight(length) for length in lengths), default=0)
    high = sum(weight(length) for length in lengths) or low
    while low < high:
        middle = (low + high) // 2
        if len(_cut(lengths, budget.within(middle))) <= count:
            high = middle
        else:
            low = middle + 1
    starts = _cut(lengths, budget.within(low))
    # Ties can pack that least cost into fewer batches than workers; halving the batch of most
    # inputs never raises the costliest batch, and keeps every worker busy.
    while len(starts) < count:
        ends = starts[1:] + [len(lengths)]
        start, end = max(zip(starts, ends), key=lambda span: span[1] - span[0])
        starts = sorted(starts + [(start + end + 1) // 2])
    return starts


def _cut(lengths: Sequence[int], budget: _Budget) -> list[int]:
    """Start positions of the batches that a greedy pass over ``lengths`` (sorted, longest
    first) makes within the budget."""
    starts: list[int] = []
    for position, length in enumerate(lengths):
        if starts:
            longest, size = lengths[starts[-1]], position - starts[-1] + 1
            fits = size <= budget.size and longest * size <= budget.tokens
            if fits and (budget.cost is None or size * budget.weight(longest) <= budget.cost):
                continue
        starts.append(position)
    return starts
