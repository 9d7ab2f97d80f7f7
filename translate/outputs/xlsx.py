"""Render one aligned document as a review workbook (``NAME.review.xlsx``) for people, not tools.

One row per bead, unaligned sentences included, in the order of the other corpus files; a reviewer
filters on kind or score and reads the two sides next to each other. Three things matter beyond
looks:

* No cell is ever a formula: a sentence such as ``=HYPERLINK(...)`` or ``+33 1 23`` is a string,
  whatever it starts with (openpyxl would otherwise store text starting with ``=`` as a formula,
  and ``#N/A`` as an error).
* Characters that XML 1.0 forbids become U+FFFD (``xml_text.xml_safe``), as in TMX, so that any
  text gives a readable file; the manifest counts them with ``xml_text.count_forbidden``.
* The same pairs give the same bytes: the document's dates and the zip entries' times are fixed.

The sheet is streamed (openpyxl's write-only mode spools rows to a temporary file), so a large
document does not hold a tree of cells in memory.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from datetime import datetime
from typing import Callable, NamedTuple, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.writer.excel import ExcelWriter

from aligned.beads import SentencePair
from aligned.review import HIGH_SCORE, SUSPECT_SCORE
from translate import TOOL_NAME
from translate.outputs.xml_text import xml_safe

FIXED_TIME = datetime(2000, 1, 1)  # the document's created/modified dates: the file must not depend on the clock
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
MAX_CELL_CHARS = 32_767  # Excel refuses to open a file with a longer cell
MAX_ROWS = 1_048_576  # rows of one Excel sheet; a longer document goes on to "NAME (2)" ...
_MAX_TITLE = 31  # UTF-16 code units of a sheet title
_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
TRUNCATED = "\u2026"  # ends a cell cut to MAX_CELL_CHARS

# The review page's score bands (``aligned.review``, where they are measured): below LOW worth a
# person's look, LOW to HIGH probably right, HIGH and above right 95% of the time.
LOW, HIGH = SUSPECT_SCORE, HIGH_SCORE
_RED = ("FFC7CE", "9C0006")  # (fill, font): Excel's own "Bad", "Neutral", "Good" styles
_AMBER = ("FFEB9C", "9C5700")
_GREEN = ("C6EFCE", "006100")
_GREY = ("D9D9D9", "595959")  # unaligned beads (1-0, 0-1): their score 0 says nothing about quality

_TOP = Alignment(vertical="top")
_WRAPPED = Alignment(vertical="top", wrap_text=True)
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
_SCORE_FORMAT = "0.0000"

Value = str | int | float | None


class _Column(NamedTuple):
    header: str
    width: float
    value: Callable[[SentencePair], Value]
    wrapped: bool = False


def _ids(ids: Sequence[int]) -> str:
    """Sentence ids as "3 4" (as TMX writes cue numbers); an empty side is an empty cell."""
    return " ".join(map(str, ids))


def _score(pair: SentencePair) -> float | None:
    """The score, or an empty cell for a non-finite one ("nan" in a cell makes Excel reject the file)."""
    return pair.score if math.isfinite(pair.score) else None


_PARAGRAPH = _Column("paragraph", 10, lambda pair: pair.paragraph)
_FRENCH_IDS = _Column("French ids", 12, lambda pair: _ids(pair.src_ids))
_ENGLISH_IDS = _Column("English ids", 12, lambda pair: _ids(pair.tgt_ids))
_KIND = _Column("kind", 7, lambda pair: pair.kind)
_SEGMENT = _Column("segment", 12, lambda pair: pair.segment)
_CUES = _Column("cues", 10, lambda pair: _ids(pair.cues))
_FRENCH = _Column("French", 60, lambda pair: pair.fr, wrapped=True)
_ENGLISH = _Column("English", 60, lambda pair: pair.en, wrapped=True)
_SCORE = _Column("score", 9, _score)


def render_xlsx(name: str, pairs: Sequence[SentencePair]) -> bytes:
    """The review workbook of document ``name``: one sheet named after it, a header row, one row per pair
    (a document longer than Excel's 1,048,575 data rows goes on to sheets "NAME (2)" ...)."""
    workbook = Workbook(write_only=True)
    workbook.properties.creator = workbook.properties.lastModifiedBy = TOOL_NAME
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    columns = _columns(pairs)
    rows_per_sheet = MAX_ROWS - 1
    for number, start in enumerate(range(0, max(len(pairs), 1), rows_per_sheet), start=1):
        sheet = workbook.create_sheet(sheet_title(name, "" if number == 1 else f" ({number})"))
        _write_sheet(sheet, columns, pairs[start : start + rows_per_sheet])
    return _workbook_bytes(workbook)


def _columns(pairs: Sequence[SentencePair]) -> list[_Column]:
    """The columns of a document: "segment" only for a formatted document (its pairs say which
    kind of segment, heading, cell ..., they come from), "cues" only for subtitles."""
    columns = [_PARAGRAPH, _FRENCH_IDS, _ENGLISH_IDS, _KIND]
    if any(pair.segment is not None for pair in pairs):
        columns.append(_SEGMENT)
    if any(pair.cues for pair in pairs):
        columns.append(_CUES)
    return [*columns, _FRENCH, _ENGLISH, _SCORE]


def sheet_title(name: str, suffix: str = "") -> str:
    """``name`` as an Excel sheet title: at most 31 characters with ``suffix``, none of ``[]:*?/\\``,
    no apostrophe at either end, not the reserved "History"."""
    title = _TITLE_FORBIDDEN.sub("_", xml_safe(name))
    title = _fit(title, _MAX_TITLE - len(suffix)).strip("'") or "Sheet"
    if title.casefold() == "history":
        title = "History_"
    return title + suffix


def _fit(text: str, limit: int) -> str:
    """The longest start of ``text`` of at most ``limit`` UTF-16 code units (Excel counts those)."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return text[:index]
    return text


def _write_sheet(sheet: WriteOnlyWorksheet, columns: Sequence[_Column], pairs: Sequence[SentencePair]) -> None:
    """Layout first (a write-only sheet writes it before the first row), then the rows."""
    last_row = len(pairs) + 1
    last_column = get_column_letter(len(columns))
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last_column}{last_row}"
    if pairs:
        _add_score_bands(sheet, columns, last_row)
    sheet.append([_header_cell(sheet, column.header) for column in columns])
    for pair in pairs:
        sheet.append([_cell(sheet, column.value(pair), column) for column in columns])


def _add_score_bands(sheet: WriteOnlyWorksheet, columns: Sequence[_Column], last_row: int) -> None:
    """Colour scores by band; an unaligned row's kind and score are grey instead (its rule comes
    first and stops the others, so a score of 0 there is not shown as a bad match)."""
    kind = get_column_letter(columns.index(_KIND) + 1)
    score = get_column_letter(columns.index(_SCORE) + 1)
    unaligned = f'OR(LEFT(${kind}2,2)="0-",RIGHT(${kind}2,2)="-0")'
    score_range = f"{score}2:{score}{last_row}"
    sheet.conditional_formatting.add(f"{kind}2:{kind}{last_row}", _rule(unaligned, _GREY))
    sheet.conditional_formatting.add(score_range, _rule(unaligned, _GREY))
    sheet.conditional_formatting.add(score_range, _rule(f"${score}2<{LOW}", _RED))
    sheet.conditional_formatting.add(score_range, _rule(f"AND(${score}2>={LOW},${score}2<{HIGH})", _AMBER))
    sheet.conditional_formatting.add(score_range, _rule(f"${score}2>={HIGH}", _GREEN))


def _rule(formula: str, colours: tuple[str, str]) -> FormulaRule:
    fill, font = colours
    return FormulaRule(
        formula=[formula], fill=PatternFill("solid", bgColor=fill), font=Font(color=font), stopIfTrue=True
    )


def _header_cell(sheet: WriteOnlyWorksheet, header: str) -> WriteOnlyCell:
    cell = _cell(sheet, header, None)
    cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    return cell


def _cell(sheet: WriteOnlyWorksheet, value: Value, column: _Column | None) -> WriteOnlyCell:
    """One cell; text is always a string cell, whatever it starts with (``=``, ``+``, ``-``, ``@`` ...),
    and an empty text an empty cell (an empty side of an unaligned bead, an empty id list)."""
    if value == "":
        value = None
    cell = WriteOnlyCell(sheet, _cell_text(value) if isinstance(value, str) else value)
    if isinstance(value, str):
        cell.data_type = "s"
    cell.alignment = _WRAPPED if column is not None and column.wrapped else _TOP
    if column is _SCORE:
        cell.number_format = _SCORE_FORMAT
    return cell


def _cell_text(text: str) -> str:
    """``text`` that XML can hold and Excel can open: forbidden characters become U+FFFD and a
    text over Excel's 32,767 characters is cut, ending with "…" (the corpus files keep it whole)."""
    text = xml_safe(text)
    if len(text) <= MAX_CELL_CHARS // 2 or len(_fit(text, MAX_CELL_CHARS)) == len(text):
        return text
    return _fit(text, MAX_CELL_CHARS - len(TRUNCATED)) + TRUNCATED


def _workbook_bytes(workbook: Workbook) -> bytes:
    """The saved workbook. ``ExcelWriter`` rather than ``Workbook.save``, which stamps the current
    time as the modified date; the zip is then rewritten with fixed entry times."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()
    return _with_fixed_times(buffer.getvalue())


def _with_fixed_times(data: bytes) -> bytes:
    """The same zip, entries in the same order, every entry dated ``_ZIP_TIME``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", allowZip64=True) as target:
        for entry in source.infolist():
            fixed = zipfile.ZipInfo(entry.filename, date_time=_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            large = entry.file_size >= 1 << 31
            with source.open(entry) as reader, target.open(fixed, "w", force_zip64=large) as writer:
                while chunk := reader.read(1 << 20):
                    writer.write(chunk)
    return buffer.getvalue()
