"""Running the ``translate`` CLI in tests and reading what it wrote."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from aligned import split_sentences, textio
from translate.cli import main
from translate.outputs.corpus_files import DEFAULT_FORMATS, document_suffixes
from translate.paragraphs import split_paragraphs


@dataclass
class CliResult:
    status: int
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("translate: error:")]


def run_translate(capsys: pytest.CaptureFixture, *args: object) -> CliResult:
    """Call ``translate`` in-process, quietly, and capture its exit status and stderr."""
    status = main([str(arg) for arg in args] + ["--quiet"])
    return CliResult(status, capsys.readouterr().err)


def run_translate_process(*args: object, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Run ``translate`` as a user would: a separate process with the console script."""
    return subprocess.run(
        [sys.executable, "-m", "translate", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        **kwargs,
    )


def translate_files(folder: Path, files: dict[str, bytes], model: Path) -> Path:
    """Write ``files`` into ``folder`` and translate them all in one quiet in-process run, as the
    module-scoped fixtures of the format tests do (one model run for all their checks; capsys
    cannot serve a module); returns the output folder."""
    for name, data in files.items():
        (folder / name).write_bytes(data)
    out_dir = folder / "out"
    status = main([*(str(folder / name) for name in files), "-o", str(out_dir), "--model", str(model), "--quiet"])
    assert status == 0
    return out_dir


def manifest(out_dir: Path) -> dict:
    return json.loads((out_dir / "manifest.json").read_text(encoding="utf-8"))


def lines(path: Path) -> list[str]:
    """The file's lines as line-oriented tools see them: split at "\\n" only (not at U+2028)."""
    text = path.read_text(encoding="utf-8")
    return text.removesuffix("\n").split("\n") if text else []


def assert_complete(out_dir: Path, name: str, text: str) -> None:
    """All files of ``name`` exist, and its French side holds every sentence of ``text`` once, in order."""
    for suffix in document_suffixes(DEFAULT_FORMATS):
        assert (out_dir / f"{name}{suffix}").is_file(), f"{name}{suffix} missing"
    expected = [sentence for paragraph in split_paragraphs(text) for sentence in split_sentences(paragraph, "fr")]
    records = [json.loads(line) for line in lines(out_dir / f"{name}.jsonl")]
    assert [i for record in records for i in record["src_ids"]] == list(range(len(expected)))
    assert " ".join(record["fr"] for record in records if record["fr"]) == " ".join(expected)
    assert len(lines(out_dir / f"{name}.fr")) == len(lines(out_dir / f"{name}.en")) == len(records)
    assert_files_parse(out_dir)


def assert_files_parse(out_dir: Path) -> None:
    """Every corpus file in ``out_dir`` reads back with its format's rules: TSV rows as wide as
    the header, JSONL records, TMX as XML, Moses pairs of equal length, and the manifest."""
    for tsv in _files(out_dir, "*.tsv"):
        rows = [line.split("\t") for line in lines(tsv)]
        assert rows and all(len(row) == len(rows[0]) for row in rows), f"{tsv.name}: ragged rows"
    for jsonl in _files(out_dir, "*.jsonl"):
        assert all(isinstance(json.loads(line), dict) for line in lines(jsonl)), jsonl.name
    for tmx in _files(out_dir, "*.tmx"):
        ElementTree.parse(tmx)  # raises on anything that is not well-formed XML
    for french in _files(out_dir, "*.fr"):
        assert len(lines(french)) == len(lines(french.with_suffix(".en"))), french.name
    if (out_dir / "manifest.json").exists():
        manifest(out_dir)


def _files(out_dir: Path, pattern: str) -> list[Path]:
    return [path for path in out_dir.glob(pattern) if path.is_file()]


def cached_rows(cache: Path) -> int:
    """Translations in a run's cache file (0 when it does not exist yet or cannot be read)."""
    try:
        with sqlite3.connect(cache) as connection:
            return connection.execute("SELECT COUNT(*) FROM translations").fetchone()[0]
    except sqlite3.Error:
        return 0


def fill_disk_when(monkeypatch: pytest.MonkeyPatch, full: Callable[[textio.StagedFile, str | bytes], bool]) -> None:
    """Make writing to a file fail as on a full disk (ENOSPC) whenever ``full(file, what)`` says
    so, ``what`` being the text or bytes about to be written to it."""
    real_write = textio.StagedFile.write

    def write(file: textio.StagedFile, chunks) -> None:
        data = chunks if isinstance(chunks, bytes) else "".join(chunks)
        if full(file, data):
            raise OSError(28, "No space left on device")
        real_write(file, data if isinstance(data, bytes) else (data,))

    monkeypatch.setattr(textio.StagedFile, "write", write)
