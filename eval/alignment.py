"""Strict and lax precision/recall/F1 of sentence alignments, exactly as vecalign scores them.

This follows ``score.py`` of vecalign (Thompson & Koehn 2019,
https://github.com/thompsonb/vecalign/blob/master/score.py, functions ``_precision`` and
``score_multiple``), itself a faster version of the measures of Sennrich & Volk (2011,
https://aclanthology.org/W11-4624/), so numbers here compare with published Text+Berg results:

- Beads are sets: a duplicated bead counts once; a bead empty on both sides is ignored.
- Precision looks at every predicted bead, deletions and insertions (``[3]:[]``, ``[]:[4]``)
  included. Strict: the bead is also a gold bead. Lax: it is not, but some target id of it is
  aligned in the gold to some of its source ids (so a deletion never counts as a lax hit).
- Recall is precision with the roles swapped after dropping deletions and insertions from both
  sides: gold deletions are never missed, predicted deletions never help.
- Several documents are pooled by adding their counts before dividing (not by averaging
  scores), and a ratio with a zero denominator is 0.0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

# A bead pairs any sequences of ids; a third item such as a score is ignored when scoring.
BeadLike = Sequence
_Pair = tuple[tuple[int, ...], tuple[int, ...]]


def _pairs(beads: Iterable[BeadLike]) -> set[_Pair]:
    """vecalign's set of (source ids, target ids), without beads that are empty on both sides."""
    return {(tuple(b[0]), tuple(b[1])) for b in beads if len(b[0]) or len(b[1])}


def one_to_one_or_more(beads: Iterable[BeadLike]) -> list[BeadLike]:
    """Drop deletions and insertions, as vecalign does before computing recall."""
    return [b for b in beads if len(b[0]) and len(b[1])]


def hits(gold: Iterable[BeadLike], test: Iterable[BeadLike]) -> dict[_Pair, tuple[bool, bool]]:
    """vecalign's ``_precision`` bead by bead: (strict hit, lax hit) of each distinct ``test`` pair."""
    gold_pairs = _pairs(gold)
    gold_targets: dict[int, set[int]] = defaultdict(set)  # source id -> gold target ids
    for src, tgt in gold_pairs:
        for i in src:
            gold_targets[i].update(tgt)
    found = {}
    for src, tgt in _pairs(test):
        strict = (src, tgt) in gold_pairs
        found[src, tgt] = strict, strict or bool(set(tgt) & set().union(*(gold_targets.get(i, ()) for i in src)))
    return found


def _match_counts(gold: Iterable[BeadLike], test: Iterable[BeadLike]) -> tuple[int, int, int, int]:
    """vecalign's ``_precision``: strict hits, strict misses, lax hits, lax misses of ``test``."""
    found = hits(gold, test).values()
    strict, lax = sum(s for s, _ in found), sum(lx for _, lx in found)
    return strict, len(found) - strict, lax, len(found) - lax


def fraction(hits: float, misses: float) -> float:
    """Precision or recall from counts; 0.0 when there is nothing to count."""
    return hits / (hits + misses) if hits + misses else 0.0


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def score_pooled(pred_docs: Sequence[Iterable[BeadLike]], gold_docs: Sequence[Iterable[BeadLike]]) -> dict[str, float]:
    """Score several documents at once, pooling counts as vecalign's ``score_multiple`` does.

    Returns vecalign's keys: ``precision_strict``, ``recall_strict``, ``f1_strict`` and the same
    with ``_lax``.
    """
    if len(pred_docs) != len(gold_docs):
        raise ValueError(f"{len(pred_docs)} predicted documents but {len(gold_docs)} gold ones")
    p_counts, r_counts = [0] * 4, [0] * 4
    for pred, gold in zip(pred_docs, gold_docs):
        pred, gold = list(pred), list(gold)
        p_counts = [a + b for a, b in zip(p_counts, _match_counts(gold, pred))]
        recall = _match_counts(one_to_one_or_more(pred), one_to_one_or_more(gold))
        r_counts = [a + b for a, b in zip(r_counts, recall)]
    scores = {}
    for kind, offset in (("strict", 0), ("lax", 2)):
        precision = fraction(*p_counts[offset : offset + 2])
        recall = fraction(*r_counts[offset : offset + 2])
        scores |= {f"precision_{kind}": precision, f"recall_{kind}": recall, f"f1_{kind}": f1(precision, recall)}
    return scores


def score_alignment(pred_beads: Iterable[BeadLike], gold_beads: Iterable[BeadLike]) -> dict[str, float]:
    """Score one document's predicted beads against its gold beads (see `score_pooled`)."""
    return score_pooled([pred_beads], [gold_beads])
