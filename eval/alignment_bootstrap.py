"""Is one aligner really better than another? A paired bootstrap of strict F1.

Alignment benchmarks are small (Text+Berg dev is one document of 422 beads), so a
difference of 0.01 in F1 can be a handful of beads. Documents are too few to resample
(1 for dev, 7 for test), so each document is cut into chunks of consecutive source
sentences, and chunks are drawn with replacement, the same chunks for both aligners
(paired), as in Koehn (2004)'s bootstrap for BLEU. Every predicted and gold bead belongs
to the chunk of its first source sentence; a bead without source sentences to the chunk
of the source sentence aligned, in the gold, to its nearest earlier target sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np

from eval.alignment import BeadLike, f1, fraction, judged_beads


class Comparison(NamedTuple):
    """Strict F1 of aligners A and B on the whole set, and the bootstrap of A minus B."""

    f1_a: float
    f1_b: float
    delta: float
    low: float  # 2.5th percentile of the resampled differences
    high: float  # 97.5th percentile
    share_not_better: float  # share of resamples where A does not beat B

    def __str__(self) -> str:
        return f"{self.delta:+.3f} [{self.low:+.3f}, {self.high:+.3f}]"


def _source_position(gold: Sequence[BeadLike]):
    """Map a bead to a source position: its first source id, or for a target-only bead
    the gold source position of the nearest earlier target id that the gold aligns."""
    by_target: dict[int, int] = {}
    for src, tgt, *_ in gold:
        for j in tgt:
            if len(src):
                by_target[j] = min(src)
    last, filled = 0, {}
    for j in range(max([j for _, tgt, *_ in gold for j in tgt] + [-1]) + 1):
        last = filled[j] = by_target.get(j, last)
    return lambda src, tgt: min(src) if len(src) else filled.get(min(tgt), last)


def chunk_counts(pred: Iterable[BeadLike], gold: Iterable[BeadLike], chunk: int, sentences: int) -> np.ndarray:
    """(chunks, 4) for a document of `sentences` source sentences: strict hits among
    predicted beads, predicted beads, strict hits among gold 1-1-or-more beads, those gold
    beads; the beads judged as the pooled scores judge them (`judged_beads`)."""
    gold = list(gold)
    position = _source_position(gold)
    counts = np.zeros((max(sentences - 1, 0) // chunk + 1, 4))
    for bead in judged_beads(pred, gold):
        column = 0 if bead.measure == "precision" else 2
        k = min(position(*bead.pair) // chunk, len(counts) - 1)
        counts[k, column] += bead.strict
        counts[k, column + 1] += 1
    return counts


def _strict_f1(counts: np.ndarray) -> float:
    """Strict F1 from summed counts (the four columns of chunk_counts), as score_pooled computes it."""
    hits_predicted, predicted, hits_gold, gold = counts
    return f1(fraction(hits_predicted, predicted - hits_predicted), fraction(hits_gold, gold - hits_gold))


def paired_bootstrap(
    a_docs: Sequence[Iterable[BeadLike]],
    b_docs: Sequence[Iterable[BeadLike]],
    gold_docs: Sequence[Iterable[BeadLike]],
    chunk: int = 20,
    samples: int = 2000,
    seed: int = 12345,
) -> Comparison:
    """Strict F1 of A and B (pooled over documents, as score_pooled) and a 95% interval of
    A - B from `samples` resamplings of `chunk`-sentence chunks (fixed seed: repeatable)."""
    if not len(a_docs) == len(b_docs) == len(gold_docs):
        raise ValueError(f"{len(a_docs)}, {len(b_docs)} and {len(gold_docs)} documents: give the same documents")
    docs = [[list(beads) for beads in triple] for triple in zip(a_docs, b_docs, gold_docs)]
    sizes = [1 + max([i for beads in triple for src, *_ in beads for i in src] + [0]) for triple in docs]
    a, b = (
        np.concatenate([chunk_counts(triple[k], triple[2], chunk, n) for triple, n in zip(docs, sizes)]) for k in (0, 1)
    )
    draws = np.random.default_rng(seed).integers(0, len(a), size=(samples, len(a)))
    differences = np.array([_strict_f1(x) - _strict_f1(y) for x, y in zip(a[draws].sum(1), b[draws].sum(1))])
    f1_a, f1_b = float(_strict_f1(a.sum(0))), float(_strict_f1(b.sum(0)))
    low, high = np.percentile(differences, [2.5, 97.5])
    return Comparison(f1_a, f1_b, f1_a - f1_b, float(low), float(high), float(np.mean(differences <= 0)))
