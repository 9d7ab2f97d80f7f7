"""The sentence aligner: gold beads on real excerpts, coverage/order properties, edge cases."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aligned import BEAD_TYPES, Bead, align

ALLOWED = set(BEAD_TYPES)


def _lines(path) -> list[str]:
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")


def assert_covers(beads: list[Bead], n: int, m: int) -> None:
    """Every sentence of both sides in exactly one bead, in order, with allowed shapes."""
    assert [i for b in beads for i in b.src] == list(range(n))
    assert [j for b in beads for j in b.tgt] == list(range(m))
    for bead in beads:
        assert (len(bead.src), len(bead.tgt)) in ALLOWED
        assert bead.src == tuple(range(bead.src[0], bead.src[0] + len(bead.src))) if bead.src else True
        assert bead.tgt == tuple(range(bead.tgt[0], bead.tgt[0] + len(bead.tgt))) if bead.tgt else True
        assert 0.0 <= bead.score <= 1.0
        if not bead.src or not bead.tgt:
            assert bead.score == 0.0


# --- the Bead type -------------------------------------------------------------------------


def test_bead_kind_and_vecalign_round_trip():
    bead = Bead((3, 4), (7,), 0.12345)
    assert bead.kind == "2-1"
    assert bead.to_vecalign() == "[3, 4]:[7]:0.123"
    assert Bead.from_vecalign("[3, 4]:[7]:0.123") == Bead((3, 4), (7,), 0.123)
    assert Bead.from_vecalign("[]:[0]") == Bead((), (0,), 0.0)
    assert Bead((), (2,)).kind == "0-1"


@pytest.mark.parametrize("line", ["[0]", "[0]:[x]", "0:1", "[0]:[1]:high", "[[0]]:[1]"])
def test_bead_parser_rejects_garbage(line):
    with pytest.raises(ValueError):
        Bead.from_vecalign(line)


# --- edge cases ----------------------------------------------------------------------------


def test_empty_sides():
    assert align([], []) == []
    assert align(["Un.", "Deux."], []) == [Bead((0,), (), 0.0), Bead((1,), (), 0.0)]
    assert align([], ["One."]) == [Bead((), (0,), 0.0)]


def test_identical_texts_align_one_to_one_with_high_scores(shared_data):
    text = _lines(shared_data / "flores200-devtest" / "eng.devtest")[:40]
    beads = align(text, text, src_lang="en", tgt_lang="en")
    assert [(b.src, b.tgt) for b in beads] == [((i,), (i,)) for i in range(40)]
    assert min(b.score for b in beads) > 0.85


def test_one_side_much_longer(shared_data):
    """Three French sentences hidden in 60 English ones: found, the rest left unaligned."""
    fra = _lines(shared_data / "flores200-devtest" / "fra.devtest")
    eng = _lines(shared_data / "flores200-devtest" / "eng.devtest")
    beads = align(fra[100:103], eng[80:140])
    assert_covers(beads, 3, 60)
    matched = [b for b in beads if b.src and b.tgt]
    assert [b.src for b in matched] == [(0,), (1,), (2,)]
    assert all(20 + k in b.tgt for k, b in enumerate(matched))
    assert sum(not b.src for b in beads) >= 55


# --- gold beads on real excerpts -------------------------------------------------------------


def test_text_berg_dev_excerpt(shared_data):
    """The first 100 gold beads of Text+Berg dev (de-fr; OCR noise, lists, a block of
    30 French-only lines), cut at a bead boundary: 87% are found exactly."""
    root = shared_data / "text-berg"
    gold = [Bead.from_vecalign(line) for line in _lines(root / "dev.defr")[:100]]
    n, m = max(i for b in gold for i in b.src) + 1, max(j for b in gold for j in b.tgt) + 1
    de, fr = _lines(root / "dev.de")[:n], _lines(root / "dev.fr")[:m]
    beads = align(de, fr, src_lang="de", tgt_lang="fr")
    assert_covers(beads, n, m)
    found = {(b.src, b.tgt) for b in beads} & {(b.src, b.tgt) for b in gold}
    assert len(found) >= 0.8 * len(gold)


def test_flores_document_with_merged_sentences(shared_data):
    """A FLORES document whose English side has two sentence pairs merged into lines."""
    fra = _lines(shared_data / "flores200-devtest" / "fra.devtest")[:6]
    eng = _lines(shared_data / "flores200-devtest" / "eng.devtest")[:6]
    merged = [eng[0], eng[1] + " " + eng[2], eng[3], eng[4] + " " + eng[5]]
    beads = align(fra, merged)
    assert [(b.src, b.tgt) for b in beads] == [((0,), (0,)), ((1, 2), (1,)), ((3,), (2,)), ((4, 5), (3,))]


@pytest.mark.parametrize("start", [0, 40])
def test_five_sentences_translated_as_one(shared_data, start):
    """A translator who joins five sentences into one line gets one 5-1 bead, not a
    3-1 bead and two sentences left unaligned."""
    fra = _lines(shared_data / "flores200-devtest" / "fra.devtest")[start : start + 7]
    eng = _lines(shared_data / "flores200-devtest" / "eng.devtest")[start : start + 7]
    beads = align(fra, [eng[0], " ".join(eng[1:6]), eng[6]])
    assert [(b.src, b.tgt) for b in beads] == [((0,), (0,)), ((1, 2, 3, 4, 5), (1,)), ((6,), (2,))]


def test_machine_translation_signal(shared_data):
    """With the reference itself given as the 'translation', a shuffled pairing is still found."""
    fra = _lines(shared_data / "flores200-devtest" / "fra.devtest")[200:210]
    eng = _lines(shared_data / "flores200-devtest" / "eng.devtest")[200:210]
    beads = align(fra, eng, tgt_translations=eng)
    assert [(b.src, b.tgt) for b in beads] == [((i,), (i,)) for i in range(10)]
    assert align(fra, eng, translate=lambda s: eng) == beads
    with pytest.raises(ValueError):
        align(fra, eng, tgt_translations=eng[:3])


def test_paragraph_breaks_are_soft_anchors(shared_data):
    fra = _lines(shared_data / "flores200-devtest" / "fra.devtest")[:8]
    eng = _lines(shared_data / "flores200-devtest" / "eng.devtest")[:8]
    beads = align(fra, eng, paragraph_breaks=([0, 3, 5], [0, 3, 5]))
    assert [(b.src, b.tgt) for b in beads] == [((i,), (i,)) for i in range(8)]


def test_long_documents_use_the_band(shared_data, monkeypatch):
    """Above FULL_CELLS the search runs coarse-to-fine and still finds the diagonal."""
    import aligned.aligner

    monkeypatch.setattr(aligned.aligner, "FULL_CELLS", 400)
    fra = _lines(shared_data / "flores200-devtest" / "fra.devtest")[:120]
    eng = _lines(shared_data / "flores200-devtest" / "eng.devtest")[:120]
    beads = align(fra, eng)
    assert_covers(beads, 120, 120)
    assert sum((b.src, b.tgt) == ((k,), (k,)) for k, b in enumerate(beads)) >= 115


# --- properties ------------------------------------------------------------------------------

_WORDS = ["le", "chat", "dort", "the", "cat", "sleeps", "1984", "Paris", "é", "!", "montagne", "x" * 40]
sentence = st.lists(st.sampled_from(_WORDS), min_size=0, max_size=8).map(" ".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(sentence, max_size=9), st.lists(sentence, max_size=9))
def test_beads_cover_both_sides_in_order(src, tgt):
    assert_covers(align(src, tgt), len(src), len(tgt))


def test_random_real_sentences_cover(shared_data):
    rng = random.Random(3)
    fra = _lines(shared_data / "newstest2014" / "newstest2014.fra")
    eng = _lines(shared_data / "newstest2014" / "newstest2014.eng")
    for _ in range(5):
        n, m = rng.randint(1, 30), rng.randint(1, 30)
        assert_covers(align(rng.sample(fra, n), rng.sample(eng, m)), n, m)
