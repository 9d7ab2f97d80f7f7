"""The scoring and alignment commands on hostile input: byte-order marks, impossible bead files,
a reader that stops early. Each gets its documented exit status and one line, or the right score."""

from __future__ import annotations

import codecs
import json
import subprocess
import sys
from pathlib import Path

import pytest

from eval.cli import main as eval_main
from tests.conftest import REPO

HYPOTHESES = [
    "The committee met on Monday and agreed on the plan.",
    "Researchers found that mice were no longer diabetic.",
]


@pytest.mark.parametrize(
    "encode",
    [lambda text: codecs.BOM_UTF8 + text.encode(), lambda text: text.encode("utf-16")],
    ids=["utf-8-bom", "utf-16-bom"],
)
def test_eval_translation_reads_a_byte_order_mark_as_no_text(encode, tmp_path: Path, capsys) -> None:
    hypothesis, reference = tmp_path / "hyp.txt", tmp_path / "ref.txt"
    text = "\n".join(HYPOTHESES) + "\n"
    hypothesis.write_bytes(encode(text))
    reference.write_text(text, encoding="utf-8")
    assert eval_main(["translation", str(hypothesis), str(reference), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["bleu"]["score"] == pytest.approx(100.0)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("[-1]:[0]", "sentence ids must be integers from 0 up: '[-1]:[0]'"),
        ("[True]:[0]", "sentence ids must be integers from 0 up: '[True]:[0]'"),
        ("[0]:[0]:nan", "score must be a finite number: '[0]:[0]:nan'"),
        ("[0]:[0]:inf", "score must be a finite number: '[0]:[0]:inf'"),
    ],
)
def test_eval_alignment_refuses_impossible_beads(line: str, message: str, tmp_path: Path, capsys) -> None:
    predicted, gold = tmp_path / "pred", tmp_path / "gold"
    predicted.write_text(f"[1]:[1]\n{line}\n", encoding="utf-8")
    gold.write_text("[0]:[0]\n[1]:[1]\n", encoding="utf-8")
    assert eval_main(["alignment", str(predicted), str(gold)]) == 2
    assert capsys.readouterr().err.splitlines() == [f"fr-en-score: error: {predicted}:2: {message}"]


def test_aligned_output_into_a_pipe_that_closes_early(tmp_path: Path) -> None:
    french, english = tmp_path / "fr.txt", tmp_path / "en.txt"
    french.write_text("".join(f"Phrase numéro {i}.\n" for i in range(3000)), encoding="utf-8")
    english.write_text("".join(f"Sentence number {i}.\n" for i in range(3000)), encoding="utf-8")
    pipeline = subprocess.run(
        f"{sys.executable} -m aligned {french} {english} --presplit --format tsv | head -1",
        shell=True,
        capture_output=True,
        text=True,
        cwd=REPO,
        executable="/bin/bash",
    )
    assert pipeline.stdout == "src_ids\ttgt_ids\tscore\tsrc_text\ttgt_text\n"
    assert pipeline.stderr == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"The committee met.\x00\nIt agreed.\n", "NUL character at offset 18, not text; give a UTF-8 text file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file, not text; give a UTF-8 text file"),
    ],
    ids=["stray-nul", "png"],
)
def test_binary_input_is_refused_the_same_way_by_both_tools(data: bytes, message: str, tmp_path: Path, capsys) -> None:
    from aligned.cli import main as align_main

    odd, text = tmp_path / "odd.txt", tmp_path / "text.txt"
    odd.write_bytes(data)
    text.write_text("The committee met.\nIt agreed.\n", encoding="utf-8")
    assert eval_main(["translation", str(odd), str(text)]) == 2
    assert capsys.readouterr().err == f"fr-en-score: error: {odd}: {message}\n"
    assert align_main([str(odd), str(text), "--presplit"]) == 2
    assert capsys.readouterr().err == f"align-sentences: error: {odd}: {message}\n"
