"""End to end: ``translate seeds/`` with a real (tiny) Marian model writes a complete corpus."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from aligned import split_sentences
from tests.cli_helpers import assert_complete, lines, manifest, run_translate, run_translate_process
from tests.conftest import REPO
from translate.paragraphs import split_paragraphs

SEEDS = REPO / "seeds"


@pytest.fixture(scope="module")
def seeds_corpus(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds translated once through the console script, as a user runs it."""
    out_dir = tmp_path_factory.mktemp("corpus")
    process = run_translate_process(SEEDS, "-o", out_dir, "--model", tiny_model, "--beam", "2")
    assert process.returncode == 0, process.stderr
    return out_dir


def seed_names() -> list[str]:
    return sorted(path.stem for path in SEEDS.glob("*.txt"))


def test_every_document_is_complete(seeds_corpus: Path) -> None:
    for name in seed_names():
        assert_complete(seeds_corpus, name, (SEEDS / f"{name}.txt").read_text(encoding="utf-8"))
    for name in ("corpus.fr", "corpus.en", "corpus.tmx", "manifest.json"):
        assert (seeds_corpus / name).is_file()
    assert not list(seeds_corpus.glob(".*.tmp")), "temporary files left behind"


def test_french_typography_survives_unchanged(seeds_corpus: Path) -> None:
    for name in seed_names():
        source = (SEEDS / f"{name}.txt").read_text(encoding="utf-8")
        french = "".join(lines(seeds_corpus / f"{name}.fr"))
        for mark in ("«", "»", "’", "\u00a0", "\u202f", "…"):
            assert french.count(mark) == source.count(mark), mark


def test_moses_files_have_equal_line_counts_and_no_tabs(seeds_corpus: Path) -> None:
    for stem in [*seed_names(), "corpus"]:
        french, english = lines(seeds_corpus / f"{stem}.fr"), lines(seeds_corpus / f"{stem}.en")
        assert len(french) == len(english) > 0
        assert not any("\t" in line for line in french + english)


def test_tsv_has_header_and_four_columns(seeds_corpus: Path) -> None:
    for name in seed_names():
        rows = [line.split("\t") for line in lines(seeds_corpus / f"{name}.fr-en.tsv")]
        assert rows[0] == ["paragraph", "fr", "en", "score"]
        assert all(len(row) == 4 for row in rows)
        for paragraph, french, english, score in rows[1:]:
            assert 0.0 <= float(score) <= 1.0
            if not french or not english:  # an unaligned sentence (1-0 or 0-1) has no score
                assert score == "0.0000"


def test_tmx_parses_with_required_header(seeds_corpus: Path) -> None:
    tree = ElementTree.parse(seeds_corpus / "corpus.tmx")
    root = tree.getroot()
    assert root.tag == "tmx" and root.get("version") == "1.4"
    header = root.find("header")
    for attribute in ("creationtool", "creationtoolversion", "o-tmf", "adminlang", "datatype"):
        assert header.get(attribute), attribute
    assert (
        header.get("segtype") == "sentence" and header.get("srclang") == "fr" and header.get("datatype") == "plaintext"
    )
    units = root.findall("body/tu")
    assert len(units) == len(lines(seeds_corpus / "corpus.fr"))
    languages = {variant.get("{http://www.w3.org/XML/1998/namespace}lang") for variant in root.iter("tuv")}
    assert languages == {"fr", "en"}


def test_manifest_records_model_settings_and_counts(seeds_corpus: Path, tiny_model: Path) -> None:
    record = manifest(seeds_corpus)
    assert record["model"]["id"] == str(tiny_model) and len(record["model"]["sha256"]) == 64
    assert record["settings"]["beam"] == 2
    counts = record["counts"]
    assert counts["documents"] == len(seed_names()) and counts["failed_documents"] == 0
    assert counts["pairs"] == sum(counts["pairs_by_bead_type"].values()) == len(lines(seeds_corpus / "corpus.fr"))
    assert counts["sentences"]["fr"] == sum(
        int(kind.split("-")[0]) * n for kind, n in counts["pairs_by_bead_type"].items()
    )
    assert record["wall_seconds"] > 0


def test_offline_hub_id_gives_one_line_error(tmp_path: Path) -> None:
    process = run_translate_process(
        SEEDS,
        "-o",
        tmp_path / "out",
        "--model",
        "Helsinki-NLP/opus-mt-fr-en",
        env={"HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")},
    )
    assert process.returncode == 2
    assert process.stderr.count("\n") == 1, process.stderr
    assert "hub is unreachable" in process.stderr and "--model DIR" in process.stderr
    assert not list((tmp_path / "out").glob("*.tsv"))


def test_no_model_files_no_silent_fallback(tmp_path: Path, capsys) -> None:
    result = run_translate(capsys, SEEDS, "-o", tmp_path, "--model", tmp_path / "missing-model")
    assert result.status == 2
    assert result.error_lines == [
        f"translate: error: model '{tmp_path / 'missing-model'}' not found: pass --model with a Marian model "
        "directory or a hub id such as Helsinki-NLP/opus-mt-fr-en"
    ]


def test_only_requested_formats_are_written(tmp_path: Path, tiny_model: Path, capsys) -> None:
    result = run_translate(capsys, SEEDS, "-o", tmp_path, "--model", tiny_model, "--beam", "1", "--formats", "jsonl")
    assert result.status == 0, result.stderr
    names = {path.name for path in tmp_path.iterdir() if not path.name.startswith(".")}
    stem = seed_names()[0]
    assert names == {f"{stem}.jsonl", f"{stem}.paragraphs.fr-en.tsv", "manifest.json"}


def test_dictionary_is_recorded_and_loses_no_sentence(
    seeds_corpus: Path, tiny_model: Path, tmp_path: Path, capsys
) -> None:
    tsv = tmp_path / "fr-en.tsv"
    tsv.write_text("soutien\tsupport\nmessage\tmessage\ndiplomate\tdiplomat\n", encoding="utf-8")
    out_dir = tmp_path / "with-dictionary"
    result = run_translate(capsys, SEEDS, "-o", out_dir, "--model", tiny_model, "--beam", "2", "--dictionary", tsv)
    assert result.status == 0, result.stderr
    assert (
        manifest(out_dir)["settings"]["dictionary"] == str(tsv)
        and manifest(seeds_corpus)["settings"]["dictionary"] is None
    )
    for name in seed_names():
        assert_complete(out_dir, name, (SEEDS / f"{name}.txt").read_text(encoding="utf-8"))


def test_missing_dictionary_is_a_usage_error_before_any_work(tiny_model: Path, tmp_path: Path, capsys) -> None:
    result = run_translate(capsys, SEEDS, "-o", tmp_path, "--model", tiny_model, "--dictionary", tmp_path / "none.tsv")
    assert result.status == 2
    assert result.error_lines == [
        f"translate: error: --dictionary: {tmp_path / 'none.tsv'}: no such file; "
        "give a FreeDict .index file or a TSV of 'source<TAB>target' lines"
    ]
    assert not (tmp_path / "manifest.json").exists()


def test_sentence_unit_translates_sentence_by_sentence_and_loses_nothing(
    tmp_path: Path, tiny_model: Path, capsys
) -> None:
    text = (SEEDS / "000_c09068018033f089.txt").read_text(encoding="utf-8")
    out_dir = tmp_path / "out"
    result = run_translate(capsys, SEEDS, "-o", out_dir, "--model", tiny_model, "--beam", "1", "--unit", "sentence")
    assert result.status == 0, result.stderr
    assert_complete(out_dir, "000_c09068018033f089", text)
    recorded = manifest(out_dir)
    sentences = sum(len(split_sentences(paragraph, "fr")) for paragraph in split_paragraphs(text))
    assert recorded["settings"]["unit"] == "sentence"
    assert recorded["translation"]["pieces"] == sentences > recorded["translation"]["paragraphs"]
