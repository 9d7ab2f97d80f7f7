"""The review workbook: what a reviewer sees (layout, bands) and what must never happen to the
text (a formula, a lost character, a file that Excel refuses), read back with openpyxl and in the
raw sheet XML."""

from __future__ import annotations

import io
import re
import time
import zipfile

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from aligned.beads import SentencePair
from translate.outputs import xlsx
from translate.outputs.xlsx import render_xlsx, sheet_title

HEADER = ["paragraph", "French ids", "English ids", "kind", "French", "English", "score"]
FORMULA_LIKE = ["=SUM(A1)", "+33 1 23", "-5 °C", "@home", "\tx", "\rx", "#N/A"]
PAIRS = [
    SentencePair(0, (0,), (0,), "Bonjour.", "Hello.", 0.95),
    SentencePair(0, (1, 2), (1,), "Il pleut. Il vente.", "It rains and blows.", 0.6),
    SentencePair(1, (3,), (2,), "Phrase douteuse.", "Unrelated sentence.", 0.3),
    SentencePair(1, (4,), (), "Phrase seule.", "", 0.0),
    SentencePair(2, (), (3,), "", "Lonely sentence.", 0.0),
    *(SentencePair(3, (5 + i,), (4 + i,), text, "Same.", 0.9) for i, text in enumerate(FORMULA_LIKE)),
    SentencePair(4, (12,), (11,), "Avant\ufffeaprès\x01.", "Before after.", 0.85),
]


def sheet_of(data: bytes) -> Worksheet:
    workbook = load_workbook(io.BytesIO(data))
    assert len(workbook.worksheets) == 1
    return workbook.worksheets[0]


def sheet_xml(data: bytes, number: int = 1) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(f"xl/worksheets/sheet{number}.xml").decode()


def expected_row(pair: SentencePair) -> list[object]:
    ids = [" ".join(map(str, side)) or None for side in (pair.src_ids, pair.tgt_ids)]
    safe = [re.sub("[\x01\ufffe]", "\ufffd", side) or None for side in (pair.fr, pair.en)]
    return [pair.paragraph, *ids, pair.kind, *safe, pair.score]


@pytest.fixture(scope="module")
def workbook_bytes() -> bytes:
    return render_xlsx("chapitre-1", PAIRS)


def test_one_sheet_named_after_the_document_with_a_header_and_the_pairs_in_order(workbook_bytes: bytes) -> None:
    sheet = sheet_of(workbook_bytes)
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert sheet.title == "chapitre-1"
    assert rows[0] == HEADER
    assert rows[1:] == [expected_row(pair) for pair in PAIRS]


def test_header_is_frozen_and_filters_cover_all_the_data(workbook_bytes: bytes) -> None:
    sheet = sheet_of(workbook_bytes)
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:G{len(PAIRS) + 1}"
    assert sheet["A1"].font.bold


def test_text_columns_are_wide_and_wrapped_and_scores_have_four_decimals(workbook_bytes: bytes) -> None:
    sheet = sheet_of(workbook_bytes)
    assert sheet.column_dimensions["E"].width == sheet.column_dimensions["F"].width == 60
    assert sheet.column_dimensions["A"].width < 20
    assert all(sheet.cell(row, column).alignment.wrap_text for row in (2, 3) for column in (5, 6))
    assert all(sheet.cell(row, 7).number_format == "0.0000" for row in range(2, len(PAIRS) + 2))


def test_formula_like_text_is_stored_as_strings_never_formulas(workbook_bytes: bytes) -> None:
    sheet = sheet_of(workbook_bytes)
    french = {sheet.cell(row, 5).value: sheet.cell(row, 5) for row in range(2, len(PAIRS) + 2)}
    for text in FORMULA_LIKE:
        assert french[text].data_type == "s"
    assert "<f>" not in sheet_xml(workbook_bytes) and "<f " not in sheet_xml(workbook_bytes)


def test_characters_xml_forbids_become_replacement_characters(workbook_bytes: bytes) -> None:
    assert sheet_of(workbook_bytes).cell(len(PAIRS) + 1, 5).value == "Avant\ufffdaprès\ufffd."


def test_scores_are_coloured_by_band_and_unaligned_rows_marked_first(workbook_bytes: bytes) -> None:
    formatting = sheet_of(workbook_bytes).conditional_formatting
    rules = {str(entry.sqref): [(rule.formula[0], rule.stopIfTrue) for rule in entry.rules] for entry in formatting}
    last = len(PAIRS) + 1
    unaligned = 'OR(LEFT($D2,2)="0-",RIGHT($D2,2)="-0")'
    assert rules[f"D2:D{last}"] == [(unaligned, True)]
    assert rules[f"G2:G{last}"] == [
        (unaligned, True),
        ("$G2<0.75", True),
        ("AND($G2>=0.75,$G2<0.8)", True),
        ("$G2>=0.8", True),
    ]
    fills = [rule.dxf.fill.bgColor.rgb for entry in formatting if str(entry.sqref)[0] == "G" for rule in entry.rules]
    assert fills == ["00D9D9D9", "00FFC7CE", "00FFEB9C", "00C6EFCE"]


def test_same_pairs_give_the_same_bytes(workbook_bytes: bytes) -> None:
    time.sleep(1.1)  # zip entry times have a two-second resolution, the document's dates one second
    assert render_xlsx("chapitre-1", PAIRS) == workbook_bytes


def test_formatted_documents_have_segment_and_cue_columns() -> None:
    pairs = [
        SentencePair(0, (0,), (0,), "Titre", "Title", 0.9, segment="heading"),
        SentencePair(1, (1,), (1,), "Bonjour.", "Hello.", 0.9, segment="cue", cues=(3, 4)),
    ]
    rows = list(sheet_of(render_xlsx("film", pairs)).iter_rows(values_only=True))
    assert list(rows[0]) == [*HEADER[:4], "segment", "cues", *HEADER[4:]]
    assert list(rows[1])[4:6] == ["heading", None]
    assert list(rows[2])[4:6] == ["cue", "3 4"]


def test_an_empty_document_has_its_header_only() -> None:
    sheet = sheet_of(render_xlsx("vide", []))
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [HEADER]
    assert sheet.auto_filter.ref == "A1:G1"


def test_a_text_longer_than_excel_allows_is_cut_with_an_ellipsis() -> None:
    long = "a" * 40_000
    value = sheet_of(render_xlsx("long", [SentencePair(0, (0,), (0,), long, "x", 0.9)])).cell(2, 5).value
    assert len(value) == xlsx.MAX_CELL_CHARS and value.endswith("\u2026") and long.startswith(value[:-1])


def test_a_document_longer_than_a_sheet_goes_on_to_more_sheets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    pairs = [SentencePair(i, (i,), (i,), f"Phrase {i}.", f"Sentence {i}.", 0.9) for i in range(5)]
    workbook = load_workbook(io.BytesIO(render_xlsx("livre", pairs)))
    assert workbook.sheetnames == ["livre", "livre (2)", "livre (3)"]
    paragraphs = [row[0] for sheet in workbook.worksheets for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert paragraphs == list(range(5))


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("a[b]c:d*e?f/g\\h", "a_b_c_d_e_f_g_h"),
        ("x" * 40, "x" * 31),
        ("'quoted'", "quoted"),
        ("", "Sheet"),
        ("History", "History_"),
        ("\U0001f600" * 20, "\U0001f600" * 15),
    ],
)
def test_sheet_titles_are_what_excel_accepts(name: str, title: str) -> None:
    assert sheet_title(name) == title


def test_a_suffixed_title_still_fits() -> None:
    assert sheet_title("y" * 40, " (2)") == "y" * 27 + " (2)"


def test_the_cli_writes_the_workbook_when_asked_and_only_then(tmp_path, tiny_model, capsys) -> None:
    from tests.cli_helpers import lines, run_translate

    (tmp_path / "a.txt").write_text("=SUM(A1) est une formule. Le chat dort.\n\nLa souris danse.\n", encoding="utf-8")
    out_dir = tmp_path / "out"
    assert run_translate(capsys, tmp_path / "a.txt", "-o", out_dir, "--model", tiny_model).status == 0
    assert not (out_dir / "a.review.xlsx").exists()  # not among the default outputs
    result = run_translate(capsys, tmp_path / "a.txt", "-o", out_dir, "--model", tiny_model, "--formats", "tsv,xlsx")
    assert result.status == 0, result.stderr
    sheet = load_workbook(out_dir / "a.review.xlsx").active
    rows = [[cell.value or "" for cell in row] for row in sheet.iter_rows(min_row=2)]
    tsv = [line.split("\t") for line in lines(out_dir / "a.fr-en.tsv")[1:]]
    assert [(row[4], row[5]) for row in rows] == [(fr, en) for _, fr, en, _ in tsv]
