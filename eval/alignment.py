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
from dataclasses import dataclass
from typing import NamedTuple

from aligned.distribution import TOOL_VERSION

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


class Judged(NamedTuple):
    """One bead as the measures count it: for ``precision``, a distinct predicted bead; for
    ``recall``, a distinct gold bead of one or more sentences on each side."""

    measure: str  # "precision" or "recall"
    pair: _Pair
    strict: bool
    lax: bool


def judged_beads(pred: Iterable[BeadLike], gold: Iterable[BeadLike]) -> list[Judged]:
    """Every counted bead of one document, judged once: the pooled scores add these up, and the
    bootstrap adds them up chunk by chunk, so both rest on the same counts."""
    pred, gold = list(pred), list(gold)
    precision = hits(gold, pred)
    recall = hits(one_to_one_or_more(pred), one_to_one_or_more(gold))
    return [
        Judged(measure, pair, strict, lax)
        for measure, found in (("precision", precision), ("recall", recall))
        for pair, (strict, lax) in found.items()
    ]


def fraction(hits: float, misses: float) -> float:
    """Precision or recall from counts; 0.0 when there is nothing to count."""
    return hits / (hits + misses) if hits + misses else 0.0


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@dataclass(frozen=True)
class AlignmentScore:
    """Precision, recall and F1 under one measure, with a signature that says how they were
    counted, as sacrebleu's scores carry theirs: quote the signature with the number."""

    measure: str  # "strict" or "lax"
    precision: float
    recall: float
    f1: float
    documents: int

    @property
    def signature(self) -> str:
        scorer = f"scorer:vecalign-score.py|version:{TOOL_VERSION}"
        return f"measure:{self.measure}|pooled:counts|docs:{self.documents}|{scorer}"

    def format(self) -> str:
        return f"{self.signature} = P {self.precision:.3f} R {self.recall:.3f} F1 {self.f1:.3f}"


def alignment_scores(
    pred_docs: Sequence[Iterable[BeadLike]], gold_docs: Sequence[Iterable[BeadLike]]
) -> dict[str, AlignmentScore]:
    """Strict and lax scores of several documents, their counts pooled as vecalign's
    ``score_multiple`` pools them (added up before dividing)."""
    if len(pred_docs) != len(gold_docs):
        raise ValueError(f"{len(pred_docs)} predicted documents but {len(gold_docs)} gold ones")
    judged = [bead for pred, gold in zip(pred_docs, gold_docs) for bead in judged_beads(pred, gold)]
    scores = {}
    for measure in ("strict", "lax"):
        rates = {}
        for side in ("precision", "recall"):
            outcomes = [getattr(bead, measure) for bead in judged if bead.measure == side]
            rates[side] = fraction(sum(outcomes), len(outcomes) - sum(outcomes))
        scores[measure] = AlignmentScore(
            measure, rates["precision"], rates["recall"], f1(rates["precision"], rates["recall"]), len(pred_docs)
        )
    return scores


def vecalign_keys(scores: dict[str, AlignmentScore]) -> dict[str, float]:
    """Scores under vecalign's keys: ``precision_strict``, ``recall_strict``, ``f1_strict`` and
    the same with ``_lax``."""
    return {
        f"{name}_{measure}": getattr(score, name)
        for measure, score in scores.items()
        for name in ("precision", "recall", "f1")
    }


def score_pooled(pred_docs: Sequence[Iterable[BeadLike]], gold_docs: Sequence[Iterable[BeadLike]]) -> dict[str, float]:
    """`alignment_scores` under vecalign's keys (`vecalign_keys`)."""
    return vecalign_keys(alignment_scores(pred_docs, gold_docs))


def score_alignment(pred_beads: Iterable[BeadLike], gold_beads: Iterable[BeadLike]) -> dict[str, float]:
    """Score one document's predicted beads against its gold beads (see `score_pooled`)."""
    return score_pooled([pred_beads], [gold_beads])
