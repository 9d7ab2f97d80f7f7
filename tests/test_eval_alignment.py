"""Alignment scores follow vecalign's score.py: hand-computed cases, Text+Berg gold, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligned.beads import Bead, read_beads
from aligned.textio import InputError
from eval.alignment import score_alignment, score_pooled
from eval.datasets import TEXT_BERG

ROOT = Path(__file__).resolve().parents[1]


def beads(text: str) -> list[Bead]:
    """Beads from a compact string such as ``"[0]:[0] [1]:[1,2]"`` (spaces only between beads)."""
    return [Bead.from_vecalign(bead) for bead in text.split()]


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def expect(scores: dict[str, float], ps: float, rs: float, pl: float, rl: float) -> None:
    """Precision/recall strict (ps, rs) and lax (pl, rl) as computed by hand; F1 follows."""
    assert scores == pytest.approx(
        {
            "precision_strict": ps,
            "recall_strict": rs,
            "f1_strict": f1(ps, rs),
            "precision_lax": pl,
            "recall_lax": rl,
            "f1_lax": f1(pl, rl),
        }
    )


def test_merge_split_insertion_and_deletion():
    gold = beads("[0]:[0] [1]:[1,2] [2,3]:[3] [4]:[]")
    pred = beads("[0]:[0] [1]:[1] []:[2] [2,3]:[3] [4]:[]")
    # Precision over the 5 predicted beads: [0]:[0], [2,3]:[3] and the deletion [4]:[] are gold
    # (strict 3/5); [1]:[1] overlaps gold [1]:[1,2] on both sides (lax); the insertion []:[2]
    # has no source to overlap with, so it misses even laxly (lax 4/5).
    # Recall over gold without deletions (3 beads) against pred without insertions/deletions:
    # [0]:[0], [2,3]:[3] found (strict 2/3); [1]:[1,2] overlaps pred [1]:[1] (lax 3/3).
    expect(score_alignment(pred, gold), ps=3 / 5, rs=2 / 3, pl=4 / 5, rl=1.0)
    assert score_alignment(pred, gold)["f1_strict"] == pytest.approx(12 / 19)  # 2·0.6·⅔ / (0.6+⅔)


def test_many_to_many_is_only_a_lax_match():
    # The 2-2 bead matches no gold bead (strict 0), but its targets are aligned to its sources
    # across the two gold beads, so it is a lax hit; each gold 1-1 bead overlaps it (lax recall 1).
    expect(score_alignment(beads("[0,1]:[0,1]"), beads("[0]:[0] [1]:[1]")), 0, 0, 1, 1)


def test_gold_deletion_merged_into_a_neighbour():
    # Gold deletes source 2; pred glues it to source 1. Precision: [0]:[0] strict, [1,2]:[1]
    # lax through source 1 (1/2, 2/2). Recall ignores the gold deletion: [0]:[0] strict,
    # [1]:[1] lax through pred [1,2]:[1] (1/2, 2/2).
    expect(score_alignment(beads("[0]:[0] [1,2]:[1]"), beads("[0]:[0] [1]:[1] [2]:[]")), 0.5, 0.5, 1, 1)


def test_wrong_deletion_and_insertion_score_nothing():
    # Pred deletes source 0 and inserts target 0 where gold aligns them: both predicted beads
    # miss (no overlap is possible with an empty side), and no gold bead is recalled.
    expect(score_alignment(beads("[0]:[] []:[0]"), beads("[0]:[0]")), 0, 0, 0, 0)


def test_duplicates_and_empty_beads_are_ignored_and_scores_do_not_matter():
    pred = [Bead((0,), (0,), 0.1), Bead((0,), (0,), 0.9), Bead((), ())]
    expect(score_alignment(pred, [([0], [0])]), 1, 1, 1, 1)


def test_documents_are_pooled_by_counts_not_by_averaging():
    # Doc A: 1 of 1 predicted beads right; doc B: 0 of 3. Pooled precision is 1/4, not mean 1/2;
    # recall likewise: 1 of 1 and 0 of 1 gold beads, pooled 1/2.
    a = beads("[0]:[0]")
    b_pred, b_gold = beads("[0]:[] []:[0] [1]:[]"), beads("[0,1]:[0]")
    expect(score_pooled([a, b_pred], [a, b_gold]), 1 / 4, 1 / 2, 1 / 4, 1 / 2)
    with pytest.raises(ValueError, match="2 predicted documents but 1 gold"):
        score_pooled([a, a], [a])


ids = st.lists(st.integers(0, 6), max_size=3, unique=True).map(sorted).map(tuple)
bead_lists = st.lists(st.tuples(ids, ids), max_size=8)


@settings(max_examples=300, deadline=None)
@given(pred=bead_lists, gold=bead_lists)
def test_lax_is_never_below_strict_and_gold_scores_itself_perfectly(pred, gold):
    scores = score_alignment(pred, gold)
    assert all(0 <= value <= 1 for value in scores.values())
    for measure in ("precision", "recall", "f1"):
        assert scores[f"{measure}_strict"] <= scores[f"{measure}_lax"]
    if any(src and tgt for src, tgt in gold):  # recall needs a bead with both sides
        expect(score_alignment(gold, gold), 1, 1, 1, 1)


def test_read_beads_vecalign_format(tmp_path):
    path = tmp_path / "pred.txt"
    path.write_text("[0, 1]:[0]:0.25\n\n[]:[1]\n[2]:[]:0.000000\n")
    assert read_beads(path) == [Bead((0, 1), (0,), 0.25), Bead((), (1,)), Bead((2,), (), 0.0)]
    path.write_text("[0]:[0]\n0-0\n")
    with pytest.raises(InputError, match=r"pred.txt:2: not a bead"):
        read_beads(path)


def test_text_berg_gold_against_itself_is_perfect():
    golds = [read_beads(p) for p in sorted(TEXT_BERG.glob("*.defr"))]
    assert sum(map(len, golds)) == 916 + 422
    expect(score_pooled(golds, golds), 1, 1, 1, 1)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eval", *args], cwd=ROOT, capture_output=True, text=True)


def test_cli_pools_pairs_and_prints_json(tmp_path):
    pred = tmp_path / "test0.pred"
    gold = TEXT_BERG / "test0.defr"
    lines = gold.read_text().splitlines()
    pred.write_text("\n".join(lines[1:]) + "\n")  # first gold bead not predicted
    result = run_cli("alignment", str(pred), str(gold), str(gold), str(TEXT_BERG / "test1.defr"), "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    expected = score_pooled(
        [read_beads(pred), read_beads(gold)], [read_beads(gold), read_beads(TEXT_BERG / "test1.defr")]
    )
    assert {k: out[k] for k in expected} == expected and out["documents"] == 2
    assert out["precision_strict"] < 1 and out["recall_strict"] < 1


def test_cli_text_table_and_errors(tmp_path):
    gold = str(TEXT_BERG / "test2.defr")
    result = run_cli("alignment", gold, gold)
    assert result.returncode == 0 and "F1           1.000   1.000" in result.stdout
    odd = run_cli("alignment", gold)
    assert odd.returncode == 2 and odd.stderr.strip().endswith("give files in pairs: PRED GOLD [PRED GOLD ...]")
    (tmp_path / "empty.pred").write_text("")
    empty = run_cli("alignment", str(tmp_path / "empty.pred"), gold)
    assert (
        empty.returncode == 2 and empty.stderr.count("\n") == 1 and "empty.pred: no beads (empty file)" in empty.stderr
    )
    missing = run_cli("alignment", str(tmp_path / "none.defr"), gold)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "no such file" in missing.stderr


def test_cli_baseline_gives_the_paired_bootstrap_of_the_difference(tmp_path):
    golds = [TEXT_BERG / f"test{k}.defr" for k in (0, 1)]
    better, worse = [], []
    for gold in golds:  # PRED misses its first gold bead, PRED0 its first six
        lines = gold.read_text().splitlines()
        for kept, files in ((lines[1:], better), (lines[6:], worse)):
            files.append(tmp_path / f"{gold.stem}.{len(files)}.{len(kept)}.pred")
            files[-1].write_text("\n".join(kept) + "\n")
    pairs = [str(f) for pair in zip(better, golds) for f in pair]
    result = run_cli("alignment", *pairs, "--json", "--baseline", *map(str, worse))
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    gold_docs = [read_beads(g) for g in golds]
    expected_baseline = score_pooled([read_beads(p) for p in worse], gold_docs)["f1_strict"]
    assert out["baseline"]["f1_strict"] == pytest.approx(expected_baseline)
    assert out["baseline"]["delta_f1_strict"] == pytest.approx(out["f1_strict"] - expected_baseline)
    low, high = out["baseline"]["interval_95"]
    assert 0 <= low <= out["baseline"]["delta_f1_strict"] <= high and out["baseline"]["predicted"] == list(
        map(str, worse)
    )
    text = run_cli("alignment", *pairs, "--baseline", *map(str, worse))
    assert text.returncode == 0 and "strict F1 minus baseline: +" in text.stdout
    mismatch = run_cli("alignment", *pairs, "--baseline", str(worse[0]))
    assert mismatch.returncode == 2 and "--baseline gives 1 files for 2 PRED files" in mismatch.stderr
