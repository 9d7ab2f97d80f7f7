"""``--min-score``: a clean corpus of matched pairs at or above a score, with the drops counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from aligned.beads import SentencePair
from tests.cli_helpers import lines, manifest, run_translate
from translate.outputs.corpus_files import CorpusFiles, document_files, filter_pairs
from translate.pipeline import DocumentResult, ParagraphResult


def _pair(src: tuple[int, ...], tgt: tuple[int, ...], score: float) -> SentencePair:
    return SentencePair(0, src, tgt, " ".join(f"fr{i}" for i in src), " ".join(f"en{j}" for j in tgt), score)


PAIRS = [
    _pair((0,), (0,), 0.91),
    _pair((1,), (), 0.0),  # French the model left out
    _pair((2,), (1, 2), 0.5),  # exactly at the threshold: kept
    _pair((3,), (3,), 0.4999),
    _pair((), (4,), 0.0),  # English with no French
    _pair((4, 5), (5,), 0.77),
]


def test_matched_pairs_at_or_above_the_score_are_kept_and_each_drop_has_its_reason() -> None:
    kept, dropped = filter_pairs(PAIRS, 0.5)
    assert kept == [PAIRS[0], PAIRS[2], PAIRS[5]]
    assert dropped == {"unaligned": 2, "below_min_score": 1}
    assert filter_pairs(PAIRS, 0.0)[0] == [PAIRS[0], PAIRS[2], PAIRS[3], PAIRS[5]]  # 0 still drops the unaligned


def test_filtered_files_hold_only_the_kept_pairs(tmp_path: Path) -> None:
    document = DocumentResult("doc", "doc.txt", [ParagraphResult(0, "…", "…", PAIRS)])
    corpus = CorpusFiles(tmp_path, ["tsv", "moses", "tmx"], min_score=0.5)
    corpus.append(PAIRS[:3])  # two documents: the corpus files hold both, in order
    corpus.append(PAIRS[3:])
    assert sorted(corpus.commit()) == sorted(
        f"corpus{kind}{suffix}" for kind in ("", ".filtered") for suffix in (".fr", ".en", ".tmx")
    )
    assert (tmp_path / "corpus.filtered.fr").read_text(encoding="utf-8") == "fr0\nfr2\nfr4 fr5\n"
    assert (tmp_path / "corpus.filtered.en").read_text(encoding="utf-8") == "en0\nen1 en2\nen5\n"
    assert lines(tmp_path / "corpus.fr") == [pair.fr for pair in PAIRS]  # the full corpus is unchanged
    assert (tmp_path / "corpus.filtered.tmx").read_text(encoding="utf-8").count("<tu>") == 3
    tsv = "".join(document_files(tmp_path, document, ["tsv"], min_score=0.5)[tmp_path / "doc.filtered.fr-en.tsv"])
    assert tsv.splitlines()[1:] == ["0\tfr0\ten0\t0.9100", "0\tfr2\ten1 en2\t0.5000", "0\tfr4 fr5\ten5\t0.7700"]
    (tmp_path / "plain").mkdir()
    assert CorpusFiles(tmp_path / "plain", ["moses"]).commit() == ["corpus.fr", "corpus.en"]  # no --min-score


def test_the_cli_writes_the_filtered_corpus_and_counts_what_it_kept(tmp_path: Path, tiny_model: Path, capsys) -> None:
    (tmp_path / "a.txt").write_text("Le chat dort. Il rêve.\n\nLa souris danse.\n", encoding="utf-8")
    out_dir = tmp_path / "out"
    result = run_translate(capsys, tmp_path / "a.txt", "-o", out_dir, "--model", tiny_model, "--min-score", "0.3")
    assert result.status == 0, result.stderr
    record = manifest(out_dir)
    pairs = [line.split("\t") for line in lines(out_dir / "a.fr-en.tsv")[1:]]
    expected_kept = [row for row in pairs if row[1] and row[2] and float(row[3]) >= 0.3]
    unaligned = sum(1 for row in pairs if not row[1] or not row[2])
    counts = {"min_score": 0.3, "pairs_kept": len(expected_kept), "pairs_dropped": {}}
    counts["pairs_dropped"] = {"unaligned": unaligned, "below_min_score": len(pairs) - unaligned - len(expected_kept)}
    assert record["filtered"] == counts == record["documents"][0]["filtered"]
    assert [row.split("\t") for row in lines(out_dir / "a.filtered.fr-en.tsv")[1:]] == expected_kept
    assert lines(out_dir / "corpus.filtered.fr") == [row[1] for row in expected_kept]
    assert {"corpus.filtered.fr", "corpus.filtered.en", "corpus.filtered.tmx"} <= set(record["corpus_outputs"])


def test_a_score_outside_0_to_1_is_a_usage_error(tmp_path: Path, tiny_model: Path, capsys) -> None:
    (tmp_path / "a.txt").write_text("Le chat dort.\n", encoding="utf-8")
    for value in ("1.5", "-0.1", "haut"):
        with pytest.raises(SystemExit) as stop:
            run_translate(capsys, tmp_path / "a.txt", "--model", tiny_model, "--min-score", value)
        assert stop.value.code == 2
        assert "--min-score" in capsys.readouterr().err
