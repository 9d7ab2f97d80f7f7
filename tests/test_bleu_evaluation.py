"""The BLEU evaluation that CI runs: translate FLORES-200 devtest documents with the tiny model,
score them against the human references through ``translate --reference``, and check that every
reported number is what sacrebleu computes on the same files. A random model scores near zero;
this checks the evaluation path, not translation quality."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sacrebleu

from eval.datasets import flores_documents
from tests.cli_helpers import lines
from translate.cli import main

DOCUMENTS, PARAGRAPHS_PER_DOCUMENT = 3, 2


@pytest.fixture(scope="module")
def flores_paragraphs() -> list[tuple[str, str]]:
    """(French, English) paragraphs: the devtest lines of one source URL joined together."""
    documents = flores_documents()[: DOCUMENTS * PARAGRAPHS_PER_DOCUMENT]
    return [(" ".join(document.fra), " ".join(document.eng)) for document in documents]


@pytest.fixture(scope="module")
def evaluated(flores_paragraphs, tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    root = tmp_path_factory.mktemp("flores")
    sources, references, out_dir = root / "fr", root / "ref", root / "out"
    sources.mkdir()
    references.mkdir()
    for index in range(DOCUMENTS):
        chunk = flores_paragraphs[index * PARAGRAPHS_PER_DOCUMENT : (index + 1) * PARAGRAPHS_PER_DOCUMENT]
        (sources / f"flores{index}.txt").write_text("\n\n".join(fr for fr, _ in chunk) + "\n", encoding="utf-8")
        (references / f"flores{index}.en").write_text("\n".join(en for _, en in chunk) + "\n", encoding="utf-8")
    status = main(
        [
            str(sources),
            "-o",
            str(out_dir),
            "--model",
            str(tiny_model),
            "--beam",
            "1",
            "--reference",
            str(references),
            "--quiet",
        ]
    )
    assert status == 0
    return out_dir, references, json.loads((out_dir / "report.json").read_text(encoding="utf-8"))


def hypotheses(out_dir: Path, name: str) -> list[str]:
    rows = [line.split("\t") for line in lines(out_dir / f"{name}.paragraphs.fr-en.tsv")[1:]]
    return [row[2] for row in rows]


def test_report_files_are_complete(evaluated) -> None:
    out_dir, _, report = evaluated
    assert (out_dir / "report.md").read_text(encoding="utf-8").count("flores") >= DOCUMENTS
    assert (out_dir / "bleu.png").read_bytes().startswith(b"\x89PNG")
    assert [document["name"] for document in report["documents"]] == [f"flores{i}" for i in range(DOCUMENTS)]
    for document in report["documents"]:
        assert "error" not in document
        assert document["compared_by"] == "paragraphs"
        assert {"bleu", "chrf", "chrf++", "ter"} <= document.keys()


def test_every_number_equals_sacrebleu(evaluated) -> None:
    out_dir, references, report = evaluated
    all_hypotheses, all_references = [], []
    for document in report["documents"]:
        hyp, ref = hypotheses(out_dir, document["name"]), lines(references / f"{document['name']}.en")
        all_hypotheses += hyp
        all_references += ref
        assert_scores_match(document, hyp, ref)
    assert_scores_match(report["overall"], all_hypotheses, all_references)


def assert_scores_match(reported: dict, hyp: list[str], ref: list[str]) -> None:
    for key, metric in (
        ("bleu", sacrebleu.BLEU()),
        ("chrf", sacrebleu.CHRF()),
        ("chrf++", sacrebleu.CHRF(word_order=2)),
        ("ter", sacrebleu.TER()),
    ):
        expected = metric.corpus_score(hyp, [ref])
        assert reported[key]["score"] == pytest.approx(expected.score, abs=1e-9), key
        assert reported[key]["signature"] == str(metric.get_signature()), key
