"""The paired bootstrap of alignment F1: agrees with the pooled scores, and separates a real
difference from none."""

from __future__ import annotations

import random
from importlib.metadata import version

import pytest

from aligned.beads import read_beads
from eval.alignment import alignment_scores, score_pooled
from eval.alignment_bootstrap import chunk_counts, paired_bootstrap
from eval.datasets import TEXT_BERG


def golds() -> list[list]:
    return [[(b.src, b.tgt) for b in read_beads(p)] for p in sorted(TEXT_BERG.glob("test*.defr"))]


def damaged(gold: list, rate: float, seed: int) -> list:
    """The gold with a share of its 1-1 beads split into a deletion and an insertion."""
    rng = random.Random(seed)
    out = []
    for src, tgt in gold:
        if len(src) == len(tgt) == 1 and rng.random() < rate:
            out += [(src, ()), ((), tgt)]
        else:
            out.append((src, tgt))
    return out


def split_some(gold_docs: list[list], count: int, seed: int) -> list[list]:
    """The gold with exactly `count` 1-1 beads, drawn at random, split as in `damaged`."""
    ones = [(d, k) for d, g in enumerate(gold_docs) for k, (src, tgt) in enumerate(g) if len(src) == len(tgt) == 1]
    chosen = set(random.Random(seed).sample(ones, count))
    return [
        [
            pair
            for k, (src, tgt) in enumerate(g)
            for pair in ([(src, ()), ((), tgt)] if (d, k) in chosen else [(src, tgt)])
        ]
        for d, g in enumerate(gold_docs)
    ]


def test_f1_is_the_pooled_strict_f1_and_chunks_keep_every_count():
    gold = golds()
    worse = [damaged(g, 0.2, k) for k, g in enumerate(gold)]
    result = paired_bootstrap(gold, worse, gold, samples=200)
    assert result.f1_a == pytest.approx(1.0)
    assert result.f1_b == pytest.approx(score_pooled(worse, gold)["f1_strict"])
    sizes = [1 + max(i for src, _ in g for i in src) for g in gold]
    counts = sum(chunk_counts(p, g, 20, n).sum(0) for p, g, n in zip(worse, gold, sizes))
    predicted_pairs = sum(len({pair for pair in p if pair[0] or pair[1]}) for p in worse)
    assert counts[1] == predicted_pairs  # target-only beads too land in some chunk
    assert counts[3] == sum(1 for g in gold for src, tgt in g if src and tgt)


def test_a_real_difference_has_an_interval_above_zero_and_none_straddles_it():
    gold = golds()
    slightly, more = ([damaged(g, rate, k) for k, g in enumerate(gold)] for rate in (0.05, 0.15))
    real = paired_bootstrap(slightly, more, gold)
    assert 0 < real.low < real.delta < real.high and real.share_not_better < 0.025
    same = paired_bootstrap(slightly, slightly, gold)
    assert same.delta == same.low == same.high == 0 and same.share_not_better == 1
    noise = paired_bootstrap(split_some(gold, 60, 1), split_some(gold, 60, 2), gold)  # as many errors, elsewhere
    assert noise.delta == 0 and noise.low < 0 < noise.high
    assert str(real).startswith(f"{real.delta:+.3f} [")


def test_documents_must_match():
    with pytest.raises(ValueError, match="same documents"):
        paired_bootstrap([[]], [[], []], [[]])


def test_pooled_scores_and_bootstrap_counts_are_the_same_counts():
    """The bootstrap's chunk counts, added up, give exactly the pooled strict precision and
    recall, and the scores say how they were counted."""
    gold = golds()[:3]
    worse = [damaged(g, 0.2, k) for k, g in enumerate(gold)]
    strict = alignment_scores(worse, gold)["strict"]
    sizes = [1 + max(i for src, _ in g for i in src) for g in gold]
    hits_predicted, predicted, hits_gold, gold_beads = sum(
        chunk_counts(p, g, 20, n).sum(0) for p, g, n in zip(worse, gold, sizes)
    )
    assert (strict.precision, strict.recall) == (hits_predicted / predicted, hits_gold / gold_beads)
    assert (
        strict.signature
        == f"measure:strict|pooled:counts|docs:3|scorer:vecalign-score.py|version:{version('fr-en-translate')}"
    )
    assert strict.format().endswith(f"= P {strict.precision:.3f} R {strict.recall:.3f} F1 {strict.f1:.3f}")
