"""Bad input never stops a run: each case gets a clear one-line message, and the other documents
are still written completely. Exit status is 1 when any document failed, 2 for errors that stop
the run before any work (model, output folder)."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from tests.binary_fixtures import tiny_png
from tests.cli_helpers import assert_complete, fill_disk_when, lines, manifest, run_translate

GOOD_TEXT = (
    "Le Dr Ehud Ur, professeur de médecine à l'Université Dalhousie, a averti que la recherche en était encore à ses "
    "débuts.\n\n"
    "« Nous avons à présent des souris de 4 mois qui ne sont pas diabétiques », a-t-il ajouté. Le comité s'est réuni "
    "lundi.\n"
)


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD_TEXT, encoding="utf-8")
    return folder


def assert_nothing_written_for(out_dir: Path, name: str) -> None:
    assert not [path.name for path in out_dir.iterdir() if path.name.startswith((f"{name}.", f".{name}."))]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda folder: folder.parent / "missing.txt", "missing.txt: no such file or directory; check the path"),
        (
            lambda folder: (folder.parent / "empty-dir").mkdir() or folder.parent / "empty-dir",
            "empty-dir: directory has no documents (.txt, .docx",
        ),
        (lambda folder: _write(folder / "bad.txt", b""), "bad.txt: empty file; nothing to translate"),
        (
            lambda folder: _write(folder / "bad.txt", b" \n\t\r\n  \n"),
            "bad.txt: file has only whitespace; nothing to translate",
        ),
        (lambda folder: _write(folder.parent / "bad.png", tiny_png()), "bad.png: binary file, not text; skipped"),
        (
            lambda folder: _write(folder / "bad.txt", gzip.compress(GOOD_TEXT.encode() * 20)),
            "bad.txt: binary file, not text; skipped",
        ),
    ],
    ids=[
        "missing-path",
        "directory-without-documents",
        "empty-file",
        "whitespace-only",
        "png-by-name",
        "gzip-in-directory",
    ],
)
def test_unreadable_input_fails_alone(
    inputs: Path, tmp_path: Path, tiny_model: Path, capsys, setup, message: str
) -> None:
    extra = setup(inputs)
    out_dir = tmp_path / "out"
    sources = [inputs] if extra.parent == inputs else [inputs, extra]
    result = run_translate(capsys, *sources, "-o", out_dir, "--model", tiny_model, "--beam", "1")
    assert result.status == 1
    assert len(result.error_lines) == 1 and message in result.error_lines[0], result.stderr
    assert_complete(out_dir, "good", GOOD_TEXT)
    assert_nothing_written_for(out_dir, "bad")
    assert [failure["reason"] for failure in manifest(out_dir)["failed"]] == [
        result.error_lines[0].removeprefix("translate: error: ")
    ]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("data", "warning", "expected_text"),
    [
        (
            "Le café coûte 3,5 €. Très cher.".encode("cp1252"),
            "decoded as Windows-1252",
            "Le café coûte 3,5 €. Très cher.",
        ),
        (
            "Il a dit « oui ». C'était l'été.".encode("latin-1"),
            "decoded as Windows-1252",
            "Il a dit « oui ». C'était l'été.",
        ),
        (
            "Il a dit “oui” à l’instant. Fin.".encode("cp1252"),
            "decoded as Windows-1252",
            "Il a dit “oui” à l’instant. Fin.",
        ),
        ("Élève brillant. Très bien.".encode("utf-16"), "decoded as UTF-16", "Élève brillant. Très bien."),
        (
            "Élève brillant. Très bien.".encode("utf-16") + b"\x00\xd8" + "Fin.".encode("utf-16-le"),
            "1 undecodable UTF-16 sequence(s) (first at byte offset 54) replaced by U+FFFD",
            "Élève brillant. Très bien.\ufffdFin.",
        ),
        (
            "\ufeffPremière ligne.\r\nSuite.\r\n\r\nDeuxième paragraphe.".encode(),
            "converted CR/CRLF line endings",
            "Première ligne. Suite.\n\nDeuxième paragraphe.",
        ),
        ("Ligne un.\rLigne deux.".encode(), "converted CR/CRLF line endings", "Ligne un. Ligne deux."),
        (
            "Un\tmot\u200bcaché\x00 et\x07 des contrôles.".encode(),
            "removed 3 control or zero-width character(s)",
            "Un motcaché et des contrôles.",
        ),
    ],
    ids=[
        "windows-1252",
        "latin-1",
        "curly-quotes",
        "utf-16-bom",
        "utf-16-broken-surrogate",
        "crlf-and-bom",
        "cr-only",
        "tabs-zero-width-controls-nul",
    ],
)
def test_damaged_text_is_repaired_and_reported(
    inputs: Path, tmp_path: Path, tiny_model: Path, capsys, data: bytes, warning: str, expected_text: str
) -> None:
    (inputs / "odd.txt").write_bytes(data)
    out_dir = tmp_path / "out"
    result = run_translate(capsys, inputs, "-o", out_dir, "--model", tiny_model, "--beam", "1")
    assert result.status == 0, result.stderr
    assert any(warning in line and "odd.txt" in line for line in result.stderr.splitlines()), result.stderr
    assert_complete(out_dir, "odd", expected_text)
    assert_complete(out_dir, "good", GOOD_TEXT)
    assert "\r" not in (out_dir / "odd.fr").read_text(encoding="utf-8")
    assert warning in " ".join(next(d for d in manifest(out_dir)["documents"] if d["name"] == "odd")["input_repairs"])


@pytest.mark.parametrize(
    "text",
    [
        " ".join(f"mot{i % 500}" for i in range(20_000)),
        "Une phrase interminable " + ", ".join(f"puis l'élément {i}" for i in range(400)) + ".",
        "\n\n".join(f"mot{i}" for i in range(5_000)),
    ],
    ids=["20000-words-no-punctuation", "sentence-over-512-tokens", "5000-one-word-paragraphs"],
)
def test_huge_inputs_are_split_never_truncated(
    inputs: Path, tmp_path: Path, tiny_model: Path, capsys, text: str
) -> None:
    (inputs / "huge.txt").write_text(text, encoding="utf-8")
    out_dir = tmp_path / "out"
    result = run_translate(
        capsys,
        inputs,
        "-o",
        out_dir,
        "--model",
        tiny_model,
        "--beam",
        "1",
        "--batch-size",
        "64",
        "--max-batch-tokens",
        "20000",
    )
    assert result.status == 0, result.stderr
    assert_complete(out_dir, "huge", text)
    assert_complete(out_dir, "good", GOOD_TEXT)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        (
            "The committee met on Monday and the members agreed that the plan was not ready for the vote.",
            "looks like English",
        ),
        ("اجتمعت اللجنة يوم الاثنين واتفق الأعضاء على أن الخطة ليست جاهزة.", "mostly non-Latin script"),
        ("🎉🎉 🚀 👍👍👍 ✨", "no letters"),
        (
            '<div class="x"><span>{{ var }}</span></div> <br/> <a href="http://x.io">x</a> <p> </p> '
            "<ul><li>a</li></ul>",
            "mostly markup",
        ),
    ],
    ids=["english", "arabic", "emoji-only", "markup"],
)
def test_non_french_text_is_translated_and_flagged(
    inputs: Path, tmp_path: Path, tiny_model: Path, capsys, text: str, flag: str
) -> None:
    (inputs / "foreign.txt").write_text(text, encoding="utf-8")
    out_dir = tmp_path / "out"
    result = run_translate(capsys, inputs, "-o", out_dir, "--model", tiny_model, "--beam", "1")
    assert result.status == 0, result.stderr
    assert any("foreign.txt" in line and flag in line for line in result.stderr.splitlines()), result.stderr
    assert_complete(out_dir, "foreign", text)
    flags = {d["name"]: d["language_flag"] for d in manifest(out_dir)["documents"]}
    assert flag in flags["foreign"] and flags["good"] is None


def test_output_folder_that_cannot_be_created(inputs: Path, tmp_path: Path, tiny_model: Path, capsys) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = run_translate(capsys, inputs, "-o", blocker / "out", "--model", tiny_model)
    assert result.status == 2
    assert result.error_lines == [
        f"translate: error: cannot write to output folder {blocker / 'out'}; choose another with -o"
    ]


def test_output_folder_that_is_not_writable(
    inputs: Path, tmp_path: Path, tiny_model: Path, capsys, monkeypatch
) -> None:
    # Tests run as root in CI, where chmod cannot take write permission away; ask os.access instead.
    monkeypatch.setattr("translate.cli.os.access", lambda path, mode: False)
    result = run_translate(capsys, inputs, "-o", tmp_path / "out", "--model", tiny_model)
    assert result.status == 2
    assert result.error_lines == [
        f"translate: error: cannot write to output folder {tmp_path / 'out'}; choose another with -o"
    ]


def test_hidden_folders_are_not_walked(inputs: Path, tmp_path: Path, tiny_model: Path, capsys) -> None:
    (inputs / ".venv").mkdir()
    (inputs / ".venv" / "LICENSE.txt").write_text("Permission is hereby granted, free of charge.", encoding="utf-8")
    (inputs / ".notes.md").write_text("Brouillon.", encoding="utf-8")
    result = run_translate(capsys, inputs, "-o", tmp_path / "out", "--model", tiny_model, "--beam", "1")
    assert result.status == 0
    assert [document["name"] for document in manifest(tmp_path / "out")["documents"]] == ["good"]


def test_disk_full_leaves_no_partial_files(inputs: Path, tmp_path: Path, tiny_model: Path, capsys, monkeypatch) -> None:
    (inputs / "full.txt").write_text("Le disque est plein. Rien ne doit rester.", encoding="utf-8")
    # The last file of the document's group: the others were staged.
    fill_disk_when(monkeypatch, lambda file, text: file.path.name == "full.tmx")
    out_dir = tmp_path / "out"
    result = run_translate(capsys, inputs, "-o", out_dir, "--model", tiny_model, "--beam", "1")
    assert result.status == 1
    assert result.error_lines == [
        f"translate: error: {inputs / 'full.txt'}: cannot write output to {out_dir} (No space left on device); free "
        "space or choose another -o"
    ]
    assert_nothing_written_for(out_dir, "full")
    assert not list(out_dir.glob(".*.tmp"))
    assert_complete(out_dir, "good", GOOD_TEXT)
    assert len(lines(out_dir / "corpus.fr")) == len(lines(out_dir / "good.fr"))
    assert [f["name"] for f in manifest(out_dir)["failed"]] == ["full"]


def test_folder_that_is_not_a_marian_model(inputs: Path, tmp_path: Path, capsys) -> None:
    not_a_model = tmp_path / "not-a-model"
    not_a_model.mkdir()
    (not_a_model / "config.json").write_text('{"model_type": "bert"}')
    result = run_translate(capsys, inputs, "-o", tmp_path / "out", "--model", not_a_model)
    assert result.status == 2
    assert (
        len(result.error_lines) == 1
        and "not a Marian model directory (missing source.spm, target.spm, vocab.json, model.safetensors)"
        in result.error_lines[0]
    )
    assert not (tmp_path / "out" / "good.fr").exists()


def test_corrupted_weights_file(inputs: Path, tmp_path: Path, tiny_model: Path, capsys) -> None:
    broken = tmp_path / "broken-model"
    shutil.copytree(tiny_model, broken)
    weights = broken / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 3])
    result = run_translate(capsys, inputs, "-o", tmp_path / "out", "--model", broken)
    assert result.status == 2
    assert len(result.error_lines) == 1 and "cannot load the Marian model" in result.error_lines[0], result.stderr
    assert not (tmp_path / "out" / "good.fr").exists()


def test_utf8_file_with_one_windows_1252_line_keeps_its_utf8(
    inputs: Path, tmp_path: Path, tiny_model: Path, capsys
) -> None:
    utf8 = "Le café est servi. Il fait chaud.\n\n"
    data = utf8.encode() + "Il a dit « oui » à l'été.\n".encode("cp1252")
    (inputs / "mixed.txt").write_bytes(data)
    out_dir = tmp_path / "out"
    result = run_translate(capsys, inputs, "-o", out_dir, "--model", tiny_model, "--beam", "1")
    assert result.status == 0, result.stderr
    note = (
        "mixed encodings: 1 line(s) not valid UTF-8 (first: line 3) decoded as Windows-1252, the other lines as UTF-8"
    )
    assert f"translate: warning: {inputs / 'mixed.txt'}: {note}" in result.stderr.splitlines()
    assert_complete(out_dir, "mixed", utf8 + "Il a dit « oui » à l'été.\n")
    assert "Ã" not in (out_dir / "mixed.fr").read_text(encoding="utf-8")
    assert note in next(d for d in manifest(out_dir)["documents"] if d["name"] == "mixed")["input_repairs"]


def test_characters_xml_forbids_are_replaced_in_tmx_only(
    inputs: Path, tmp_path: Path, tiny_model: Path, capsys
) -> None:
    text = "Le chat\ufffe dort. Le chien\uffff court."
    (inputs / "odd.txt").write_text(text, encoding="utf-8")
    out_dir = tmp_path / "out"
    result = run_translate(capsys, inputs, "-o", out_dir, "--model", tiny_model, "--beam", "1")
    assert result.status == 0, result.stderr
    assert_complete(out_dir, "odd", text)  # the Moses, TSV and JSONL files keep the text as it was
    records = [json.loads(line) for line in lines(out_dir / "odd.jsonl")]
    forbidden = sum((record["fr"] + record["en"]).count(ch) for record in records for ch in "\ufffe\uffff")
    assert forbidden >= 2
    for tmx in ("odd.tmx", "corpus.tmx"):
        segments = [seg.text for seg in ElementTree.parse(out_dir / tmx).iter("seg")]
        assert not any(ch in "".join(segments) for ch in "\ufffe\uffff")
    assert next(d for d in manifest(out_dir)["documents"] if d["name"] == "odd")["xml_replacements"] == forbidden
    assert (
        f"translate: warning: odd: {forbidden} character(s) that XML forbids (such as U+FFFE) written as U+FFFD in "
        "the TMX files; counted in manifest.json" in result.stderr.splitlines()
    )


def test_file_name_that_is_not_utf8(inputs: Path, tmp_path: Path, tiny_model: Path, capsys) -> None:
    source = Path(os.fsdecode(bytes(inputs) + b"/caf\xe9.txt"))
    source.write_text("Le café est servi.", encoding="utf-8")
    out_dir = tmp_path / "out"
    result = run_translate(capsys, inputs, "-o", out_dir, "--model", tiny_model, "--beam", "1")
    assert result.status == 0, result.stderr
    assert_complete(out_dir, "caf\ufffd", "Le café est servi.")
    assert_complete(out_dir, "good", GOOD_TEXT)
    sources = {d["name"]: d["source"] for d in manifest(out_dir)["documents"]}
    assert sources["caf\ufffd"] == f"{inputs}/caf\\xe9.txt"


def test_linked_folders_are_walked_once(inputs: Path, tmp_path: Path, tiny_model: Path, capsys) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "linked.txt").write_text("Le document lié est lu.", encoding="utf-8")
    (inputs / "link").symlink_to(elsewhere, target_is_directory=True)
    (inputs / "loop").symlink_to(inputs, target_is_directory=True)  # a link back up must not loop
    out_dir = tmp_path / "out"
    result = run_translate(capsys, inputs, "-o", out_dir, "--model", tiny_model, "--beam", "1")
    assert result.status == 0, result.stderr
    assert sorted(d["name"] for d in manifest(out_dir)["documents"]) == ["good", "linked"]
    assert_complete(out_dir, "linked", "Le document lié est lu.")


def test_documents_whose_outputs_would_collide_get_distinct_names(tmp_path: Path, tiny_model: Path, capsys) -> None:
    folder = tmp_path / "d"
    texts = {
        "a/x.txt": "Le chat dort.",
        "b/x.txt": "Le chien court.",
        "x.md": "La souris danse.",
        "corpus.txt": "Le corpus est un nom réservé.",
        "y.txt": "Un texte.",
        "y.paragraphs.txt": "Un autre texte.",
        "Z.txt": "Majuscule.",
        "z.txt": "Minuscule.",
        "solo.txt": "Seul de son nom.",
    }
    for relative, text in texts.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_text(text, encoding="utf-8")
    out_dir = tmp_path / "out"
    result = run_translate(capsys, folder, "-o", out_dir, "--model", tiny_model, "--beam", "1")
    assert result.status == 0, result.stderr
    documents = manifest(out_dir)["documents"]
    names = {Path(d["source"]).relative_to(folder).as_posix(): d["name"] for d in documents}
    assert set(names) == set(texts)
    assert names["solo.txt"] == "solo"
    for relative, name in names.items():
        if relative != "solo.txt":
            digest = hashlib.sha256(str(folder / relative).encode()).hexdigest()[:8]
            assert name == f"{Path(relative).stem}-{digest}"
        assert_complete(out_dir, name, texts[relative])
    outputs = [output for d in documents for output in d["outputs"]]
    # Six corpus files and a review page each, and the Markdown document's translation (x-HASH.en.md).
    assert len(outputs) == len({output.casefold() for output in outputs}) == 7 * len(texts) + 1
    assert (out_dir / f"{names['x.md']}.en.md").is_file()
    assert len(lines(out_dir / "corpus.fr")) == sum(len(lines(out_dir / f"{name}.fr")) for name in names.values())


def test_a_document_called_index_does_not_take_the_review_index(tmp_path: Path, tiny_model: Path, capsys) -> None:
    (tmp_path / "index.txt").write_text("Le sommaire du livre.", encoding="utf-8")
    out_dir = tmp_path / "out"
    assert run_translate(capsys, tmp_path / "index.txt", "-o", out_dir, "--model", tiny_model).status == 0
    name = manifest(out_dir)["documents"][0]["name"]
    assert name.startswith("index-") and (out_dir / "review" / f"{name}.html").is_file()
    assert 'href="' + name in (out_dir / "review" / "index.html").read_text(encoding="utf-8")
