"""PDF, input only: the text layer read back into paragraphs; the translation is plain text.

Read: the text layer of every page, with ``pypdf``'s plain extraction (content-stream order, so
the columns of a two-column page come one after the other instead of interleaved line by line, as
pypdf's layout mode would give them). Each line's baseline, left edge, font size and font come
from the same pass, and the lines are joined into paragraphs by the rules below.

Written back: ``NAME.en.txt``, plain text: the English paragraphs in order, one per line,
separated by one blank line, UTF-8, ending with a newline. Nothing of the PDF's look can be
written back.

Kept: the text, its reading order and its paragraph breaks; a heading stands alone; list items
keep their marker ("•", "–", "1.") in front of the English; code (lines set in a monospace font
in a document whose text is not) and paragraphs that are only a URL or an e-mail address are not
translated and come back verbatim, code with its line breaks and indentation. Lost: layout,
fonts, images, links, annotations, form fields, footnote placement, and table structure (a table
row reads as a line of text). Running headers and footers and page numbers are left out (counted
in a note). Pages without a text layer (scanned) are left out with a note, and a PDF with no text
layer at all is refused: OCR it first.

Paragraph rules (a simple heuristic, decided between each line and the next, across pages too):
a new paragraph starts where

- the vertical gap is clearly larger (x1.4) than the page's usual line spacing;
- the font size changes by more than 15% (headings, footnotes), or code starts or ends (a
  monospace line that carries on a sentence of prose stays in its paragraph);
- the previous line ends a sentence (``. ! ? … :``, closing quotes allowed) and is clearly
  shorter (under 80%) than the document's usual full line, or the next line is indented
  (first-line indents, as LaTeX sets paragraphs without space between them);
- the next line starts with a list marker (``•``, ``–``, ``-``, ``1.``, ``a)``), or the previous
  one is a table-of-contents entry (dot leaders, then a page number);
- the next line looks like a heading (short, no final punctuation, capital or digit first) after
  a sentence end, or the previous line was such a heading standing at the start of a paragraph.

Otherwise the lines are one paragraph, even across a page break. Lines are joined by a space; a
line ending in a hyphen is joined without one, and the hyphen is dropped only where both sides
are lowercase letters ("traduc-" + "tion" -> "traduction", but "Jean-" + "Pierre" ->
"Jean-Pierre"): a real compound split at its hyphen between two lowercase words loses its hyphen.
A paragraph of one line without final punctuation is a "heading" when it is set larger than the
body or is short and capitalised; a paragraph after a list marker is a "list-item".

Running headers and footers: a line among the two top-most or two bottom-most of its page whose
text recurs there on at least half the pages (two at least), or, set no larger than the body,
opens or closes with a number that runs with the page number on three pages at least
("Chapitre 2 : Méthodes 14" on page 14, "... 15" on page 15).
Page numbers ("3", "- 3 -", "Page 3", "3/10", "iv") are left out when they stand among those
edge lines.

Limits: ``pypdf`` caps every decompressed stream (75 MB), the tokens of one content stream, the
size of arrays and dictionaries and the number of form XObjects drawn, and refuses reference
loops. On top of that the page content to parse and the text extracted are budgeted in
proportion to the file's size (a small file whose pages all share one huge stream, or draw one
form thousands of times, is refused as a bomb). pypdf has no time limit of its own: the worst
single page stays within its token limit, some seconds of work.
"""

from __future__ import annotations

import io
import logging
import math
import re
import threading
import unicodedata
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator

from pypdf import PdfReader

from translate.formats.base import FormatError, Parsed, Rebuilt, Segment

# Budgets against small files that expand without bound (see _read_pages). A PDF's decoded page
# content rarely passes 20 times the file's size, nor its text 3 times (flate packs text about 4 to
# 1); the budgets allow ten times that, and floors keep small files clear of them.
MAX_TEXT_CHARS = 20_000_000  # about 10,000 dense pages; more is a bomb, not a document to translate
TEXT_PER_BYTE = 30
MIN_TEXT_BUDGET = 200_000
CONTENT_PER_BYTE = 200
MIN_CONTENT_BUDGET = 16 * 2**20
_HEADER_SEARCH = 1024  # the header may follow some junk, as PDF readers accept
_EDGE_LINES = 2  # lines at the top and at the bottom of a page that may be running headers/footers
_GAP_FACTOR = 1.4
_SIZE_CHANGE = 1.15
_SHORT_LINE = 0.8
_HEADING_LINE = 0.6
_MONOSPACE_LINE = 0.7  # share of a line's characters in a monospace font that makes it code
_MONOSPACE_WIDTH = 0.6  # a monospace glyph's advance, in ems (Courier and its kin)

ENCRYPTED = "PDF is encrypted; decrypt it (e.g. qpdf --decrypt) and run again"
NO_TEXT_LAYER = "no text layer (a scanned PDF?); run OCR first, e.g. ocrmypdf, and translate its output"

_SENTENCE_END = re.compile(r"[.!?…:](?:\s*[»\"”’')\]])*$")
_LIST_MARKER = re.compile(r"^(?:[•◦▪▫‣⁃●○■□–—*·-]|\d{1,2}[.)]|[a-z]\))\s")
_TOC_ENTRY = re.compile(r"(?:\.\s?){4,}\s*\d+$")
_PAGE_NUMBER = re.compile(
    r"^(?:(?:page|p\.)\s*)?[-–—]?\s*(?:\d{1,4}|(?=[ivxlcdm])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))"
    r"\s*[-–—]?\s*(?:(?:/|sur|of|de)\s*\d{1,4})?$",
    re.IGNORECASE,
)
_ROMAN_UPPER = re.compile(r"^[IVXLCDM]+$")  # "IV" alone is more likely a chapter number than a page
_DIGITS = re.compile(r"\d+")
_OUTER_NUMBERS = re.compile(r"^(?:(\d{1,4})\b)?.*?(?:\b(\d{1,4}))?$")  # a number opening or closing the line
_ADDRESS = re.compile(r"^(?:(?:https?|ftp)://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)$", re.IGNORECASE)
_MONOSPACE_FONT = re.compile(
    r"courier|mono|consol|typewriter|cmtt|sftt|lmtt|menlo|inconsolata|cousine|fixed|code", re.IGNORECASE
)
_FINAL_PUNCTUATION = ".,;:!?…-–—"
_UNREADABLE = ("Cc", "Co", "Cs")  # controls, private use, surrogates: glyph codes without a Unicode map

_pypdf_log_lock = threading.Lock()


@dataclass
class _Line:
    """One line of a page's text layer: its text (spaces collapsed, and as drawn), where it
    starts and its size in points (``None``/0 where pypdf gave no usable position), and whether
    it is set in a monospace font."""

    text: str
    raw: str
    x: float | None
    y: float | None
    size: float
    page: int
    monospace: bool = False
    code: bool = False  # decided once the whole document is read (_mark_code)


@dataclass
class _Block:
    """A paragraph of the output: translated (a segment, with its list marker if any) or kept
    as it is (code, a bare URL)."""

    text: str
    kind: str
    marker: str = ""
    verbatim: bool = False


class _TooMuchText(Exception):
    """Raised from the extraction callback once the text cap is reached, to stop pypdf early."""


def read_pdf(data: bytes) -> Parsed:
    """The paragraphs of a PDF's text layer; rebuild gives the English back as plain text."""
    _check_envelope(data)
    with _pypdf_warnings() as warnings:
        reader = _open(data)
        pages, notes = _read_pages(reader, len(data))
    pages, left_out = _drop_running_lines(pages)
    if not any(pages) and warnings:
        raise FormatError(
            f"no text found, and the PDF is damaged ({warnings[0][:120]}); re-save or re-export it, "
            "or if it is a scan, run OCR first (e.g. ocrmypdf)"
        )
    if not any(pages):
        raise FormatError(NO_TEXT_LAYER)
    _check_readable(pages)
    blocks = _blocks(pages)
    segments = [Segment(block.text, block.kind) for block in blocks if not block.verbatim]
    if left_out:
        notes.append(f"left out {left_out} running header/footer and page-number lines")
    kept = sum(block.verbatim for block in blocks)
    if kept:
        notes.append(f"kept {kept} code block(s) and bare URL(s) untranslated")
    if warnings:
        first = warnings[0][:160]
        notes.append(f"pypdf met {len(warnings)} defect(s) in the PDF and read around them (first: {first})")
    return Parsed(segments, _plain_text_rebuild(blocks), notes)


def _plain_text_rebuild(blocks: list[_Block]) -> Callable[[list[str]], Rebuilt]:
    """The translated document: each paragraph as one line (code as its lines), a blank line
    between paragraphs."""
    count = sum(not block.verbatim for block in blocks)

    def rebuild(english: list[str]) -> Rebuilt:
        if len(english) != count:
            raise ValueError(f"expected {count} English segments, got {len(english)}")
        texts = iter(english)
        paragraphs = [
            block.text if block.verbatim else " ".join((block.marker + " " + next(texts)).split()) for block in blocks
        ]
        return Rebuilt(("\n\n".join(paragraphs) + "\n").encode("utf-8"), 0)

    return rebuild


# --- opening ---------------------------------------------------------------------------------


def _check_envelope(data: bytes) -> None:
    """Refuse what is not a whole PDF before pypdf sees it: pypdf would try hard to recover a
    file with no header or no end, and read garbage or a fragment as if it were the document."""
    if b"%PDF-" not in data[:_HEADER_SEARCH]:
        raise FormatError("not a PDF (no %PDF header); check what the file is and give it the right suffix")
    if b"%%EOF" not in data:
        raise FormatError("not a complete PDF (no %%EOF end marker: truncated?); download or export it again")


def _open(data: bytes) -> PdfReader:
    """A reader on ``data``, decrypted if it opens with the empty password (PDFs locked only
    against editing do); any other encryption is refused, no password is ever guessed."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception as error:  # pypdf raises many kinds on damaged files
        raise _damaged(error) from None
    if encrypted:
        try:
            opened = reader.decrypt("")
        except Exception:  # an unsupported scheme (AES without the cryptography package) or a broken dictionary
            opened = 0
        if not opened:
            raise FormatError(ENCRYPTED)
    return reader


def _damaged(error: BaseException) -> FormatError:
    return FormatError(f"not a valid PDF file (damaged or truncated: {_detail(error)}); re-save or re-export it")


def _detail(error: BaseException) -> str:
    """A library error as a short phrase for a one-line message."""
    return " ".join(str(error).split())[:200] or type(error).__name__


@contextmanager
def _pypdf_warnings() -> Iterator[list[str]]:
    """Collect what pypdf logs while reading, instead of letting it reach the user's console.

    pypdf reports the defects it reads around through the ``pypdf`` logger; they become one note.
    The logger is shared, so reads take turns while it is redirected."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            try:
                messages.append(" ".join(record.getMessage().split()))
            except Exception:  # a malformed record must not stop the read
                messages.append(str(record.msg))

    logger = logging.getLogger("pypdf")
    handler = Collect(logging.WARNING)
    with _pypdf_log_lock:
        propagate = logger.propagate
        logger.addHandler(handler)
        logger.propagate = False
        try:
            yield messages
        finally:
            logger.removeHandler(handler)
            logger.propagate = propagate


# --- lines of each page ----------------------------------------------------------------------


def _read_pages(reader: PdfReader, size: int) -> tuple[list[list[_Line]], list[str]]:
    """Every page's lines, and notes on pages that have none or could not be read.

    Two budgets scale with the file's size (``size`` bytes), so a small file cannot keep pypdf
    busy for long: the page content pypdf has to parse (pages may all share one huge stream),
    and the text it gives (form XObjects may be drawn thousands of times)."""
    try:
        count = len(reader.pages)
    except Exception as error:
        raise _damaged(error) from None
    if count == 0:
        raise FormatError("PDF has no pages; nothing to translate")
    content_left = max(MIN_CONTENT_BUDGET, CONTENT_PER_BYTE * size)
    text_left = [min(MAX_TEXT_CHARS, max(MIN_TEXT_BUDGET, TEXT_PER_BYTE * size))]
    pages: list[list[_Line]] = []
    failed: dict[int, BaseException] = {}
    for number in range(count):
        try:
            page = reader.pages[number]
            content_left -= _content_size(page)
            if content_left < 0 or text_left[0] < 0:
                raise _TooMuchText
            pages.append(_page_lines(page, number, text_left))
        except _TooMuchText:
            raise FormatError(
                f"PDF content expands far past its {size:,} bytes (page {number + 1}); refused as a possible "
                "decompression bomb (split it if it is a genuine document)"
            ) from None
        except Exception as error:
            failed[number + 1] = error
            pages.append([])
    if failed and not any(pages):
        raise _damaged(next(iter(failed.values())))
    notes = []
    if failed:
        first = _detail(next(iter(failed.values())))
        notes.append(f"page(s) {_page_list(list(failed))} could not be read ({first}); left out")
    empty = [number + 1 for number, page in enumerate(pages) if not page and number + 1 not in failed]
    if empty and any(pages):
        notes.append(
            f"page(s) {_page_list(empty)} have no text layer (blank or scanned); left out: OCR them if they hold text"
        )
    return pages, notes


def _content_size(page) -> int:
    """Bytes of the page's decoded content streams (pypdf keeps them decoded for extraction)."""
    try:
        contents = page.get("/Contents")
        contents = contents.get_object() if contents is not None else []
        streams = contents if isinstance(contents, list) else [contents]
        return sum(len(stream.get_object().get_data()) for stream in streams)
    except Exception:  # a broken stream: extraction reports it
        return 0


def _page_list(numbers: list[int]) -> str:
    shown = ", ".join(map(str, numbers[:10]))
    return shown + (f" and {len(numbers) - 10} more" if len(numbers) > 10 else "")


def _page_lines(page, number: int, budget: list[int]) -> list[_Line]:
    """The page's lines in content-stream order.

    pypdf's plain extraction reports each run of text with the matrices in force where it starts,
    and ends a run with a newline where the baseline moves. The first visible run of a line gives
    its position; the size most of its characters have gives its size (a bullet or a word of code
    set smaller must not look like a change of style)."""
    lines: list[_Line] = []
    parts: list[str] = []
    sizes: Counter[float] = Counter()
    monospace = [0, 0]  # visible characters in a monospace font, in all
    start: list[tuple[float, float] | None] = [None]
    stopped = [False]
    fonts: dict[int, bool] = {}

    def finish() -> None:
        raw = "".join(parts).strip()
        if raw:
            x, y = start[0] or (None, None)
            size = sizes.most_common(1)[0][0] if sizes else 0.0
            code = monospace[0] >= _MONOSPACE_LINE * monospace[1]
            lines.append(_Line(" ".join(raw.split()), raw, x, y, size, number, code))
        parts.clear()
        sizes.clear()
        monospace[:] = [0, 0]
        start[0] = None

    def visit(text, cm, tm, font, font_size) -> None:
        if stopped[0]:
            raise _TooMuchText
        if not isinstance(text, str) or not text:
            return
        budget[0] -= len(text)
        if budget[0] < 0:
            stopped[0] = True
            raise _TooMuchText
        where = _position(cm, tm, font_size)
        fixed = fonts.setdefault(id(font), _is_monospace(font))
        for index, piece in enumerate(text.split("\n")):
            if index:
                finish()
            visible = len(piece) - piece.count(" ")
            if visible:
                monospace[0] += visible if fixed else 0
                monospace[1] += visible
                if where:
                    start[0] = start[0] or where[:2]
                    sizes[round(where[2], 1)] += visible
            parts.append(piece)

    page.extract_text(visitor_text=visit)
    if stopped[0]:  # pypdf swallows errors raised inside form XObjects
        raise _TooMuchText
    finish()
    return lines


def _position(cm, tm, font_size) -> tuple[float, float, float] | None:
    """Where text drawn with these matrices starts on the page, and its size, in points."""
    try:
        a, b, c, d, e, f = (float(value) for value in tm)
        a2, b2, c2, d2, e2, f2 = (float(value) for value in cm)
        size = abs(float(font_size)) * math.hypot(c * a2 + d * c2, c * b2 + d * d2)
        x = e * a2 + f * c2 + e2
        y = e * b2 + f * d2 + f2
    except (TypeError, ValueError):
        return None
    if not all(math.isfinite(value) for value in (x, y, size)):
        return None
    return x, y, size


def _is_monospace(font) -> bool:
    """Whether a font resource names a monospace face (Courier, *Mono, CMTT, Consolas ...)."""
    try:
        return bool(font is not None and _MONOSPACE_FONT.search(str(font.get("/BaseFont", ""))))
    except Exception:  # a broken font dictionary is just not monospace
        return False


# --- running headers, footers and page numbers -----------------------------------------------


def _drop_running_lines(pages: list[list[_Line]]) -> tuple[list[list[_Line]], int]:
    """The pages without running headers/footers and page numbers, and how many lines went."""
    edges = [_edge_lines(page) for page in pages]
    body_size = _body_size([line for page in pages for line in page])
    keys = {id(line): _keys(line, body_size) for edge in edges for line in edge}
    running = _running_keys(edges, keys) if len(pages) >= 2 else set()
    kept: list[list[_Line]] = []
    left_out = 0
    for page, edge in zip(pages, edges):
        drop = {id(line) for line in edge if _is_page_number(line.text) or running & keys[id(line)]}
        left_out += len(drop)
        kept.append([line for line in page if id(line) not in drop])
    return kept, left_out


def _edge_lines(page: list[_Line]) -> list[_Line]:
    """The lines at the top and bottom of a page: by position where known, else stream order."""
    placed = [line for line in page if line.y is not None]
    ordered = sorted(placed, key=lambda line: -line.y) if len(placed) == len(page) else page
    if len(ordered) <= 2 * _EDGE_LINES:
        return list(ordered)
    return ordered[:_EDGE_LINES] + ordered[-_EDGE_LINES:]


def _running_keys(edges: list[list[_Line]], keys: dict[int, set[tuple]]) -> set[tuple]:
    """Keys of the edge lines that recur: the same text on at least half of the pages (two at
    least), the same text with a number that runs with the page number on three pages at least."""
    seen: Counter[tuple] = Counter()
    for edge in edges:
        seen.update(set().union(*(keys[id(line)] for line in edge)))
    return {
        key
        for key, pages in seen.items()
        if (key[0] == "text" and pages >= 2 and pages * 2 >= len(edges)) or (key[0] == "numbered" and pages >= 3)
    }


def _keys(line: _Line, body_size: float) -> set[tuple]:
    """What makes two edge lines the same running line: the same text, or the same text once
    digits are removed where the number opening or closing it runs with the page number
    ("Chapitre 2 - 14" on page 14, "Chapitre 2 - 15" on page 15). Numbered headings set larger
    than the body ("Partie 1", "Partie 2" atop pages 1 and 2) are not running lines. Only lines
    with a letter: bare numbers are page numbers, matched on their own."""
    if not any(ch.isalpha() for ch in line.text):
        return set()
    keys: set[tuple] = {("text", line.text)}
    outer = _OUTER_NUMBERS.match(line.text)
    if outer and (_same_size(line.size, body_size) or line.size < body_size):
        pattern = _DIGITS.sub("#", line.text)
        keys |= {("numbered", pattern, int(number[:9]) - line.page) for number in outer.groups() if number}
    return keys


def _body_size(lines: list[_Line]) -> float:
    """The font size most characters are set in."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[round(line.size * 2) / 2] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(text)) and not _ROMAN_UPPER.match(text.strip("-–— "))


# --- paragraphs ------------------------------------------------------------------------------


@dataclass
class _Stats:
    """What is usual in this document: a full line's length, the body font size, each page's
    line spacing, and whether monospace lines are code (they are not where most text is)."""

    full_line: float
    body_size: float
    spacing: dict[int, float]
    code: bool


def _blocks(pages: list[list[_Line]]) -> list[_Block]:
    """The output's paragraphs, in reading order."""
    stats = _stats(pages)
    lines = [line for page in pages for line in page]
    _mark_code(lines, stats)
    groups: list[list[_Line]] = []
    previous: _Line | None = None
    for line in lines:
        if previous is None or _starts_paragraph(previous, line, groups[-1], stats):
            groups.append([line])
        else:
            groups[-1].append(line)
        previous = line
    return [_block(group, stats) for group in groups]


def _stats(pages: list[list[_Line]]) -> _Stats:
    lines = [line for page in pages for line in page]
    body_size = _body_size(lines)
    body = [line for line in lines if _same_size(line.size, body_size) and not line.monospace] or lines
    lengths = sorted(len(line.text) for line in body)
    full_line = lengths[int(0.8 * (len(lengths) - 1))]
    spacing = {}
    for page in pages:
        steps = sorted(step for a, b in zip(page, page[1:]) if (step := _step(a, b)) is not None)
        if steps:
            spacing[page[0].page] = steps[len(steps) // 4]  # the usual spacing, not the paragraph gaps
    monospace = sum(len(line.text) for line in lines if line.monospace)
    return _Stats(full_line, body_size, spacing, code=2 * monospace < sum(len(line.text) for line in lines))


def _step(above: _Line, below: _Line) -> float | None:
    """How far ``below``'s baseline is under ``above``'s, where that is a plausible line step
    (not a jump to another column, nor text on the same baseline)."""
    if above.y is None or below.y is None or not above.size or not below.size:
        return None
    step = above.y - below.y
    size = max(above.size, below.size)
    return step if 0.5 * size < step < 6 * size else None


def _same_size(a: float, b: float) -> bool:
    return not a or not b or max(a, b) <= _SIZE_CHANGE * min(a, b)


def _mark_code(lines: list[_Line], stats: _Stats) -> None:
    """Mark the lines that are code: monospace lines, where most of the document is not, unless
    one carries on a sentence of prose (no sentence end or colon before it, no gap): a line full of
    identifiers inside a paragraph is still the paragraph."""
    previous: _Line | None = None
    for line in lines:
        line.code = stats.code and line.monospace
        if line.code and previous is not None and not previous.code:
            line.code = bool(
                _SENTENCE_END.search(previous.text) or previous.page != line.page or _gap(previous, line, stats)
            )
        previous = line


def _starts_paragraph(previous: _Line, line: _Line, current: list[_Line], stats: _Stats) -> bool:
    """Whether ``line`` begins a new paragraph after ``previous`` (see the module's rules)."""
    code = line.code
    if code != previous.code:
        return True
    gap = _gap(previous, line, stats)
    if code:
        return gap
    ends_sentence = bool(_SENTENCE_END.search(previous.text))
    return (
        gap
        or not _same_size(previous.size, line.size)
        or bool(_LIST_MARKER.match(line.text) or _TOC_ENTRY.search(previous.text))
        or (ends_sentence and len(previous.text) < _SHORT_LINE * stats.full_line)
        or (ends_sentence and _heading_like(line.text, stats))
        or (len(current) == 1 and _heading_like(previous.text, stats) and not line.text[:1].islower())
        or (ends_sentence and _indented(previous, line))
    )


def _gap(previous: _Line, line: _Line, stats: _Stats) -> bool:
    """A clearly larger space than the page's usual line spacing between the two lines."""
    step = _step(previous, line) if line.page == previous.page else None
    usual = stats.spacing.get(line.page)
    return bool(step is not None and usual and step > _GAP_FACTOR * usual)


def _indented(previous: _Line, line: _Line) -> bool:
    if line.page != previous.page or previous.x is None or line.x is None:
        return False
    return line.x > previous.x + 0.8 * (line.size or 10)


def _heading_like(text: str, stats: _Stats) -> bool:
    """Short, without final punctuation, starting with a capital or a digit."""
    return (
        len(text) <= _HEADING_LINE * stats.full_line
        and text[-1] not in _FINAL_PUNCTUATION
        and (text[0].isupper() or text[0].isdigit())
        and any(ch.isalpha() for ch in text)
    )


def _block(lines: list[_Line], stats: _Stats) -> _Block:
    """One paragraph of lines as a block of the output."""
    if lines[0].code:
        return _Block(_code_text(lines), "paragraph", verbatim=True)
    text = _join(lines)
    if _ADDRESS.match(text):
        return _Block(text, "paragraph", verbatim=True)
    kind = _kind(lines, stats)
    marker = _LIST_MARKER.match(text)
    if marker and any(ch.isalpha() for ch in text[marker.end() :]):
        numbered_heading = kind == "heading" and marker.group()[0].isdigit()  # "1. Introduction"
        return _Block(text[marker.end() :].strip(), kind if numbered_heading else "list-item", marker.group().strip())
    return _Block(text, kind)


def _code_text(lines: list[_Line]) -> str:
    """Code lines as drawn, one per line, indented by how far right of the block's left edge
    they start (in monospace character widths)."""
    left = min((line.x for line in lines if line.x is not None), default=None)
    out = []
    for line in lines:
        indent = 0
        if left is not None and line.x is not None and line.size:
            indent = max(0, round((line.x - left) / (_MONOSPACE_WIDTH * line.size)))
        out.append(" " * min(indent, 80) + line.raw)
    return "\n".join(out)


def _join(lines: list[_Line]) -> str:
    """The lines of a paragraph as one text, hyphenation undone (see the module's rule)."""
    text = lines[0].text
    for line in lines[1:]:
        following = line.text
        if text.endswith("\u00ad"):  # soft hyphen: always a break inside a word
            text = text[:-1] + following
        elif text.endswith(("-", "\u2010")) and len(text) >= 2 and text[-2].isalpha():
            if text[-2].islower() and following[0].islower():
                text = text[:-1] + following
            else:
                text += following
        else:
            text += " " + following
    return text


def _kind(lines: list[_Line], stats: _Stats) -> str:
    """ "heading" for a single line without final punctuation that is set larger than the body or
    is short and capitalised; "paragraph" otherwise."""
    if len(lines) != 1:
        return "paragraph"
    line = lines[0]
    text = line.text
    if text[-1] in _FINAL_PUNCTUATION or not any(ch.isalpha() for ch in text):
        return "paragraph"
    larger = bool(line.size and stats.body_size and line.size > _SIZE_CHANGE * stats.body_size)
    return "heading" if larger or _heading_like(text, stats) else "paragraph"


def _check_readable(pages: list[list[_Line]]) -> None:
    """Refuse a text layer that is mostly glyph codes without a Unicode mapping: translating
    it would translate noise. OCR gives real text."""
    visible = [ch for page in pages for line in page for ch in line.text if not ch.isspace()]
    unreadable = sum(1 for ch in visible if unicodedata.category(ch) in _UNREADABLE or ch == "\ufffd")
    if visible and unreadable > 0.3 * len(visible):
        raise FormatError(
            "the text layer does not map to readable characters (fonts without a Unicode map); "
            "run OCR first, e.g. ocrmypdf --force-ocr, and translate its output"
        )
