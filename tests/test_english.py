"""``translate SRC... --english PATH``: French documents aligned with their human translations.

No model unless ``--mt-assist``; the same files as a translated run; every sentence of both sides
exactly once, in order; paragraphs of the two sides may differ; bad pairs fail or warn alone.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

import translate.cli
import translate.document_alignment
import translate.english
from aligned import split_sentences
from eval.datasets import flores_documents
from tests.cli_helpers import assert_files_parse, lines, manifest, run_translate
from translate.language import english_flag, language_flag
from translate.paragraphs import split_paragraphs

FRENCH = (
    "Le chat dort sur le canapé. Il rêve de souris.\n\n"
    "La pluie tombe depuis le matin. Les rues sont vides.\n\n"
    "Demain, le soleil reviendra."
)
# The translator merged the last two paragraphs and split the first one.
ENGLISH = (
    "The cat is sleeping on the sofa.\n\nIt dreams of mice.\n\n"
    "It has been raining since the morning. The streets are empty. Tomorrow, the sun will come back."
)


def _sentences(text: str, lang: str) -> list[str]:
    return [sentence for paragraph in split_paragraphs(text) for sentence in split_sentences(paragraph, lang)]


def _moses_sides(out_dir: Path, name: str) -> tuple[list[str], list[str]]:
    """Every non-empty line of NAME.fr and NAME.en (an unaligned side is an empty line)."""
    french, english = lines(out_dir / f"{name}.fr"), lines(out_dir / f"{name}.en")
    assert len(french) == len(english)
    return [line for line in french if line], [line for line in english if line]


def _no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to find or load a model fails the test."""

    def forbidden(*args, **kwargs):
        raise AssertionError("a model was loaded without --mt-assist")

    for module in (translate.cli, translate.english):
        monkeypatch.setattr(module, "load_backend", forbidden)
        monkeypatch.setattr(module, "resolve_model", forbidden)


def test_a_text_pair_is_aligned_without_any_model_and_every_sentence_appears_once(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_model(monkeypatch)
    (tmp_path / "conte.txt").write_text(FRENCH, encoding="utf-8")
    (tmp_path / "conte.en.txt").write_text(ENGLISH, encoding="utf-8")
    out_dir = tmp_path / "out"
    result = run_translate(
        capsys, tmp_path / "conte.txt", "--english", tmp_path / "conte.en.txt", "-o", out_dir, "--model", "/nonexistent"
    )
    assert result.status == 0, result.stderr
    assert "no model work" in result.stderr
    french, english = _moses_sides(out_dir, "conte")
    assert " ".join(french) == " ".join(_sentences(FRENCH, "fr"))
    assert " ".join(english) == " ".join(_sentences(ENGLISH, "en"))
    records = [json.loads(line) for line in lines(out_dir / "conte.jsonl")]
    assert [(r["src_ids"], r["tgt_ids"]) for r in records] == [([i], [i]) for i in range(5)]
    assert [r["paragraph"] for r in records] == [0, 0, 1, 1, 2]  # the French paragraph of each pair
    paragraphs = [line.split("\t") for line in lines(out_dir / "conte.paragraphs.fr-en.tsv")[1:]]
    assert [row[2] for row in paragraphs] == [
        "The cat is sleeping on the sofa. It dreams of mice.",
        "It has been raining since the morning. The streets are empty.",
        "Tomorrow, the sun will come back.",
    ]
    assert not list(out_dir.glob("conte.en.txt"))  # no translated document
    for name in ("corpus.fr", "corpus.en", "corpus.tmx", "review/conte.html", "review/index.html"):
        assert (out_dir / name).is_file(), name
    assert_files_parse(out_dir)
    page = (out_dir / "review" / "conte.html").read_text(encoding="utf-8")
    assert "human translation (--english)" in page and "compute type" not in page  # no model ran
    record = manifest(out_dir)
    assert record["english"] == "human" and record["model"]["id"] is None
    english_record = record["documents"][0]["english"]
    assert english_record["source"] == str(tmp_path / "conte.en.txt")
    assert english_record["sha256"] == hashlib.sha256((tmp_path / "conte.en.txt").read_bytes()).hexdigest()


def _flores_excerpt(documents: int = 6) -> tuple[list[list[str]], list[list[str]]]:
    """Real FLORES-200 documents whose every line is one sentence to the splitter on both
    sides, so that gold is line i <-> line i."""
    chosen = [
        document
        for document in flores_documents()
        if len(document.fra) >= 3
        and all(len(split_sentences(line, "fr")) == 1 for line in document.fra)
        and all(len(split_sentences(line, "en")) == 1 for line in document.eng)
    ][:documents]
    return [document.fra for document in chosen], [document.eng for document in chosen]


def test_real_flores_text_with_regrouped_english_paragraphs_matches_gold(tmp_path: Path, capsys) -> None:
    french, english = _flores_excerpt()
    # English paragraphs regrouped: the first two documents merged, the third split in two.
    english_paragraphs = [
        " ".join(english[0] + english[1]),
        " ".join(english[2][:1]),
        " ".join(english[2][1:]),
        *(" ".join(lines_) for lines_ in english[3:]),
    ]
    (tmp_path / "fr").mkdir()
    (tmp_path / "en").mkdir()
    (tmp_path / "fr" / "flores.txt").write_text("\n\n".join(" ".join(p) for p in french), encoding="utf-8")
    (tmp_path / "en" / "flores.md").write_text("\n\n".join(english_paragraphs), encoding="utf-8")
    out_dir = tmp_path / "out"
    result = run_translate(capsys, tmp_path / "fr", "--english", tmp_path / "en", "-o", out_dir)
    assert result.status == 0, result.stderr
    gold = list(zip([line for p in french for line in p], [line for p in english for line in p]))
    assert list(zip(lines(out_dir / "flores.fr"), lines(out_dir / "flores.en"))) == gold  # every pair 1-1 and right
    records = [json.loads(line) for line in lines(out_dir / "flores.jsonl")]
    assert [record["paragraph"] for record in records] == [k for k, paragraph in enumerate(french) for _ in paragraph]


def test_markdown_pairs_keep_segment_kinds_and_doc_output_is_refused(tmp_path: Path, capsys) -> None:
    (tmp_path / "guide.md").write_text(
        "# Guide de démarrage\n\nInstallez le paquet. Lancez la commande.\n\n- Premier point\n- Second point\n",
        encoding="utf-8",
    )
    (tmp_path / "english").mkdir()
    (tmp_path / "english" / "guide.md").write_text(
        "# Getting started\n\nInstall the package. Run the command.\n\n- First point\n- Second point\n",
        encoding="utf-8",
    )
    out_dir = tmp_path / "out"
    refused = run_translate(
        capsys, tmp_path / "guide.md", "--english", tmp_path / "english", "--formats", "doc,tsv", "-o", out_dir
    )
    assert refused.status == 2 and len(refused.error_lines) == 1 and "doc" in refused.error_lines[0]
    result = run_translate(
        capsys,
        tmp_path / "guide.md",
        "--english",
        tmp_path / "english",
        "-o",
        out_dir,
        "--formats",
        "tsv,moses,jsonl,tmx,review,xlsx",
        "--min-score",
        "0.3",
    )
    assert result.status == 0, result.stderr
    records = [json.loads(line) for line in lines(out_dir / "guide.jsonl")]
    assert [(r["segment"], r["fr"], r["en"]) for r in records] == [
        ("heading", "Guide de démarrage", "Getting started"),
        ("paragraph", "Installez le paquet.", "Install the package."),
        ("paragraph", "Lancez la commande.", "Run the command."),
        ("list-item", "Premier point", "First point"),
        ("list-item", "Second point", "Second point"),
    ]
    assert not (out_dir / "guide.en.md").exists()
    for name in ("guide.review.xlsx", "guide.filtered.fr-en.tsv", "corpus.filtered.fr"):
        assert (out_dir / name).is_file(), name
    assert manifest(out_dir)["filtered"]["pairs_kept"] == 5


def test_a_document_without_its_english_fails_alone_and_a_lone_english_file_is_named(tmp_path: Path, capsys) -> None:
    (tmp_path / "fr").mkdir()
    (tmp_path / "en").mkdir()
    for name in ("a", "b", "c"):
        (tmp_path / "fr" / f"{name}.txt").write_text(f"Le document {name} parle du chat.\n", encoding="utf-8")
    (tmp_path / "en" / "a.txt").write_text("Document a talks about the cat.\n", encoding="utf-8")
    (tmp_path / "en" / "c.md").write_text("Document c talks about the cat.\n", encoding="utf-8")
    (tmp_path / "en" / "extra.txt").write_text("A translation of nothing here.\n", encoding="utf-8")
    out_dir = tmp_path / "out"
    result = run_translate(capsys, tmp_path / "fr", "--english", tmp_path / "en", "-o", out_dir)
    assert result.status == 1
    assert len(result.error_lines) == 1 and "b.txt" in result.error_lines[0] and "no English" in result.error_lines[0]
    assert any(line.startswith("translate: warning:") and "extra.txt" in line for line in result.stderr.splitlines())
    assert lines(out_dir / "a.en") == ["Document a talks about the cat."]
    assert lines(out_dir / "c.en") == ["Document c talks about the cat."]
    assert not (out_dir / "b.fr").exists()
    record = manifest(out_dir)
    assert [failure["name"] for failure in record["failed"]] == ["b"]
    assert lines(out_dir / "corpus.fr") == ["Le document a parle du chat.", "Le document c parle du chat."]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--reference", "."], "--reference"),
        (["--formats", "tsv,doc"], "doc"),
        (["--english", "MISSING"], "no such file"),
        (["--engine", "ray"], "--engine"),
        (["--actors", "2"], "--actors needs --engine ray"),  # not silently ignored
    ],
)
def test_options_a_human_translation_cannot_serve_are_usage_errors(
    tmp_path: Path, capsys, extra: list[str], message: str
) -> None:
    (tmp_path / "a.txt").write_text("Le chat dort.\n", encoding="utf-8")
    (tmp_path / "a.en.txt").write_text("The cat sleeps.\n", encoding="utf-8")
    args = [
        "--english",
        tmp_path / "a.en.txt",
        *[tmp_path / "MISSING" if item == "MISSING" else item for item in extra],
    ]
    result = run_translate(capsys, tmp_path / "a.txt", *args, "-o", tmp_path / "out")
    assert result.status == 2
    assert len(result.error_lines) == 1 and message in result.error_lines[0]
    assert not (tmp_path / "out" / "a.fr").exists()


def test_mt_assist_needs_english_and_one_english_file_needs_one_source(tmp_path: Path, capsys) -> None:
    (tmp_path / "a.txt").write_text("Le chat dort.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Le chien dort.\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text("The cat sleeps.\n", encoding="utf-8")
    alone = run_translate(capsys, tmp_path / "a.txt", "--mt-assist", "-o", tmp_path / "out")
    assert alone.status == 2 and "--english" in alone.error_lines[0]
    two = run_translate(
        capsys, tmp_path / "a.txt", tmp_path / "b.txt", "--english", tmp_path / "en.txt", "-o", tmp_path / "out"
    )
    assert two.status == 2 and "one SRC file" in two.error_lines[0]


def test_english_that_is_french_or_far_too_short_is_aligned_with_a_warning(tmp_path: Path, capsys) -> None:
    (tmp_path / "fr").mkdir()
    (tmp_path / "en").mkdir()
    (tmp_path / "fr" / "long.txt").write_text(FRENCH, encoding="utf-8")
    (tmp_path / "en" / "long.txt").write_text("The cat is sleeping on the sofa.\n", encoding="utf-8")
    (tmp_path / "fr" / "copy.txt").write_text(FRENCH, encoding="utf-8")
    (tmp_path / "en" / "copy.txt").write_text(FRENCH, encoding="utf-8")  # the French again, by mistake
    out_dir = tmp_path / "out"
    result = run_translate(capsys, tmp_path / "fr", "--english", tmp_path / "en", "-o", out_dir)
    assert result.status == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("translate: warning:")]
    assert any("long.txt is 0.2" in line and "times as long" in line for line in warnings), warnings
    assert any("copy.txt: looks like French, not English" in line for line in warnings), warnings
    documents = {document["name"]: document for document in manifest(out_dir)["documents"]}
    assert documents["copy"]["english"]["language_flag"] == "looks like French"
    assert documents["long"]["english"]["language_flag"] is None
    french, english = _moses_sides(out_dir, "long")
    assert " ".join(french) == " ".join(_sentences(FRENCH, "fr")) and english == ["The cat is sleeping on the sofa."]


@pytest.mark.parametrize(("data", "reason"), [(b"", "empty file"), (b"\x00\x01\x02binary\x00" * 20, "binary")])
def test_an_empty_or_binary_english_file_fails_its_document(tmp_path: Path, capsys, data: bytes, reason: str) -> None:
    (tmp_path / "a.txt").write_text("Le chat dort.\n", encoding="utf-8")
    (tmp_path / "a.en.txt").write_bytes(data)
    result = run_translate(capsys, tmp_path / "a.txt", "--english", tmp_path / "a.en.txt", "-o", tmp_path / "out")
    assert result.status == 1
    assert len(result.error_lines) == 1 and reason in result.error_lines[0] and "a.en.txt" in result.error_lines[0]


def test_english_flag_mirrors_the_french_check() -> None:
    english = "The committee said that it was not able to confirm the report, which has been denied by the firm."
    french = "Le comité a dit qu'il ne pouvait pas confirmer le rapport, qui a été démenti par la société."
    assert english_flag(english) is None and language_flag(french) is None
    assert english_flag(french) == "looks like French" and language_flag(english) == "looks like English"
    assert english_flag(
        "Der Ausschuss sagte, dass er den Bericht nicht bestätigen könne, den die Firma dementiert hat, "
        "weil die Zahlen noch nicht vorliegen und die Prüfung noch läuft und dauert."
    ) == ("few English function words")
    assert english_flag("12 345 678 !!!") == "no letters (symbols, digits or emoji only)"


def test_mt_assist_translates_each_french_sentence_for_the_aligner(
    tmp_path: Path, tiny_model: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    hints: list[list[str] | None] = []
    real_align = translate.document_alignment.align

    def spy(src, tgt, **kwargs):
        hints.append(kwargs.get("tgt_translations"))
        return real_align(src, tgt, **kwargs)

    monkeypatch.setattr(translate.document_alignment, "align", spy)
    (tmp_path / "conte.txt").write_text(FRENCH, encoding="utf-8")
    (tmp_path / "conte.en.txt").write_text(ENGLISH, encoding="utf-8")
    out_dir = tmp_path / "out"
    args = [tmp_path / "conte.txt", "--english", tmp_path / "conte.en.txt", "-o", out_dir, "--model", tiny_model]
    result = run_translate(capsys, *args, "--mt-assist", "--beam", "1")
    assert result.status == 0, result.stderr
    assert len(hints) == 1 and hints[0] is not None and len(hints[0]) == len(_sentences(FRENCH, "fr"))
    assert all(isinstance(text, str) for text in hints[0])
    french, english = _moses_sides(out_dir, "conte")
    assert " ".join(french) == " ".join(_sentences(FRENCH, "fr"))
    assert " ".join(english) == " ".join(_sentences(ENGLISH, "en"))
    record = manifest(out_dir)
    assert record["english"] == "human+mt-assist" and record["model"]["id"] == str(tiny_model)
    assert record["translation"]["paragraphs"] == 5  # one input per French sentence


def test_language_tagged_stems_pair_and_an_exact_stem_comes_first(tmp_path: Path, capsys) -> None:
    french, english = tmp_path / "fr", tmp_path / "en"
    french.mkdir()
    english.mkdir()
    (french / "a.fr.txt").write_text("Le document a parle du chat.\n", encoding="utf-8")
    (english / "a.en.txt").write_text("Document a talks about the cat.\n", encoding="utf-8")
    (french / "b_FR.md").write_text("Le document b parle du chien.\n", encoding="utf-8")
    (english / "b.txt").write_text("Document b talks about the dog.\n", encoding="utf-8")
    (french / "c-en.txt").write_text("Le document c parle de la souris.\n", encoding="utf-8")  # "-en" is its name
    (english / "c-en.md").write_text("Document c talks about the mouse.\n", encoding="utf-8")
    (english / "c.txt").write_text("Not the English of c-en.\n", encoding="utf-8")
    out_dir = tmp_path / "out"
    result = run_translate(capsys, french, "--english", english, "-o", out_dir)
    assert result.status == 0, result.stderr
    sources = {record["name"]: record["english"]["source"] for record in manifest(out_dir)["documents"]}
    assert sources == {
        "a.fr": str(english / "a.en.txt"),
        "b_FR": str(english / "b.txt"),
        "c-en": str(english / "c-en.md"),
    }
    assert [line for line in result.stderr.splitlines() if "warning" in line] == [
        f"translate: warning: {english / 'c.txt'}: no French document named c.* among SRC; not aligned"
    ]
