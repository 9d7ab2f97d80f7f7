"""`python -m aligned`: output formats and one-line errors."""

from __future__ import annotations

import codecs
import subprocess
import sys
from pathlib import Path

import pytest

from aligned import Bead
from aligned.cli import main

REPO = Path(__file__).resolve().parents[1]
FR = ["Le chat dort sur le tapis.", "Il fait beau aujourd'hui à Paris.", "Nous partons demain à 8 heures."]
EN = ["The cat is sleeping on the mat.", "The weather is nice in Paris today.", "We leave tomorrow at 8 o'clock."]


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    src, tgt = tmp_path / "fr.txt", tmp_path / "en.txt"
    src.write_text("\n".join(FR) + "\n", encoding="utf-8")
    tgt.write_text("\n".join(EN) + "\n", encoding="utf-8")
    return src, tgt


def test_presplit_vecalign_output_parses(files, capsys):
    assert main([str(files[0]), str(files[1]), "--presplit"]) == 0
    beads = [Bead.from_vecalign(line) for line in capsys.readouterr().out.splitlines()]
    assert [(b.src, b.tgt) for b in beads] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    assert all(0.5 < b.score <= 1.0 for b in beads)


def test_tsv_format(files, capsys):
    assert main([str(files[0]), str(files[1]), "--presplit", "--format", "tsv"]) == 0
    header, *rows = capsys.readouterr().out.splitlines()
    assert header.split("\t") == ["src_ids", "tgt_ids", "score", "src_text", "tgt_text"]
    assert rows[1].split("\t")[:2] == ["1", "1"]
    assert rows[1].split("\t")[3:] == [FR[1], EN[1]]


def test_raw_text_is_split_and_sentences_printed(tmp_path, capsys):
    src, tgt = tmp_path / "fr.txt", tmp_path / "en.txt"
    src.write_text(" ".join(FR), encoding="utf-8")
    tgt.write_text(" ".join(EN), encoding="utf-8")
    assert main([str(src), str(tgt), "--sentences"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t", 2)[2] for line in lines if line.startswith("#src")] == FR
    beads = [Bead.from_vecalign(line) for line in lines if not line.startswith("#")]
    assert [(b.src, b.tgt) for b in beads] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]


def test_blank_line_with_presplit_names_file_and_line(tmp_path, files, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_text("Une phrase.\n\nUne autre.\n", encoding="utf-8")
    assert main([str(bad), str(files[1]), "--presplit"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and f"{bad}:2:" in err


def test_missing_and_non_utf8_files(tmp_path, files, capsys):
    assert main([str(tmp_path / "nope.txt"), str(files[1])]) != 0
    assert "nope.txt" in capsys.readouterr().err
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Été à Nîmes.\n".encode("latin-1"))
    assert main([str(files[0]), str(latin), "--presplit"]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "latin1.txt" in err and "UTF-8" in err


def test_empty_and_binary_files_are_errors_and_byte_order_marks_are_read(tmp_path, files, capsys):
    for name, data, message in (
        ("empty.txt", b"", "no sentences"),
        ("blank.txt", b"\n \n\t\n", "no sentences"),
        ("image.bin", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "binary file"),
    ):
        (tmp_path / name).write_bytes(data)
        assert main([str(files[0]), str(tmp_path / name)]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and name in err and message in err
    for name, data in (
        ("bom8.txt", codecs.BOM_UTF8 + "Bonjour. Ça va ?".encode()),
        ("bom16.txt", "Bonjour. Ça va ?".encode("utf-16")),
    ):
        (tmp_path / name).write_bytes(data)
        assert main([str(tmp_path / name), str(files[1]), "--sentences"]) == 0
        assert "#src\t0\tBonjour.\n#src\t1\tÇa va ?\n" in capsys.readouterr().out


def test_module_entry_point(files):
    """`python -m aligned` runs as a process and exits 2 on bad input, without a traceback."""
    run = subprocess.run(
        [sys.executable, "-m", "aligned", str(files[0]), "/nonexistent/x", "--presplit"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip() == "python -m aligned: error: /nonexistent/x: no such file"
