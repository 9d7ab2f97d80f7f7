"""Documents of every format through the whole CLI: plain text as before, bad files fail alone."""

from __future__ import annotations

import io
import json
from pathlib import Path

from tests.binary_fixtures import zip_of
from tests.cli_helpers import lines, manifest, run_translate

TEXT = "Le chat dort sur le canapé. Il rêve.\n\nLa souris danse.\n"


def test_plain_text_has_no_segment_fields_and_no_translated_document_by_default(
    tmp_path: Path, tiny_model: Path, capsys
) -> None:
    (tmp_path / "chat.txt").write_text(TEXT, encoding="utf-8")
    out_dir = tmp_path / "out"
    assert run_translate(capsys, tmp_path / "chat.txt", "-o", out_dir, "--model", tiny_model).status == 0
    assert not (out_dir / "chat.en.txt").exists()
    records = [json.loads(line) for line in lines(out_dir / "chat.jsonl")]
    assert records and all(
        set(record) == {"doc", "paragraph", "src_ids", "tgt_ids", "fr", "en", "score"} for record in records
    )
    assert "x-segment" not in (out_dir / "chat.tmx").read_text(encoding="utf-8")
    document = manifest(out_dir)["documents"][0]
    assert document["format"] == {"segments_by_kind": {"paragraph": 2}}


def test_doc_named_writes_a_plain_texts_translation_as_paragraphs(tmp_path: Path, tiny_model: Path, capsys) -> None:
    (tmp_path / "chat.txt").write_text(TEXT, encoding="utf-8")
    out_dir = tmp_path / "out"
    result = run_translate(capsys, tmp_path / "chat.txt", "-o", out_dir, "--model", tiny_model, "--formats", "tsv,doc")
    assert result.status == 0, result.stderr
    assert sorted(path.name for path in out_dir.glob("chat*")) == [
        "chat.en.txt",
        "chat.fr-en.tsv",
        "chat.paragraphs.fr-en.tsv",
    ]
    english = [line.split("\t")[2] for line in lines(out_dir / "chat.paragraphs.fr-en.tsv")[1:]]
    assert (out_dir / "chat.en.txt").read_text(encoding="utf-8") == "\n\n".join(english) + "\n"
    document = manifest(out_dir)["documents"][0]
    assert document["format"]["translated_document"] == "chat.en.txt"
    assert document["format"]["simplified_segments"] == 0


def _word_document() -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Le chat dort.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_each_bad_document_fails_alone_with_one_line_and_the_rest_is_translated(
    tmp_path: Path, tiny_model: Path, capsys
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bon.txt").write_text(TEXT, encoding="utf-8")
    bad = {
        "tronque.docx": _word_document()[:5000],
        "bombe.odt": zip_of({"content.xml": b"\0" * (201 * 2**20)}),
        "entites.epub": zip_of(
            {
                "META-INF/container.xml": b'<?xml version="1.0"?><!DOCTYPE c [<!ENTITY e SYSTEM "file:///etc/passwd">]><c/>'
            }
        ),
        "menteur.pdf": b"Ceci n'est pas un PDF, seulement du texte.",
        "vide.srt": b"",
        "pdf-en-fait.docx": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    }
    for name, data in bad.items():
        (folder / name).write_bytes(data)
    out_dir = tmp_path / "out"
    result = run_translate(capsys, folder, "-o", out_dir, "--model", tiny_model, "--beam", "1")
    assert result.status == 1
    messages = {name: [line for line in result.error_lines if name in line] for name in bad}
    assert all(len(found) == 1 for found in messages.values()), result.stderr
    assert "damaged or truncated zip" in messages["tronque.docx"][0]
    assert "zip bomb" in messages["bombe.odt"][0]
    assert "declares XML entities" in messages["entites.epub"][0]
    assert "not a PDF" in messages["menteur.pdf"][0]
    assert "empty file" in messages["vide.srt"][0]
    assert messages["pdf-en-fait.docx"][0].endswith("(its content looks like a PDF)")
    record = manifest(out_dir)
    assert [document["name"] for document in record["documents"]] == ["bon"]
    assert sorted(Path(failure["source"]).name for failure in record["failed"]) == sorted(bad)
    assert (out_dir / "bon.fr").is_file() and not list(out_dir.glob("tronque*"))
