"""Document formats: one module per format, each with a reader ``(data: bytes) -> Parsed``.

The table below is the registry: an input's suffix picks its format, and the format names the
file its translation is written to (``NAME`` + ``output_suffix``). Modules are imported when a
file of theirs is read, so a run over plain text loads none of the format libraries. Plain
``.txt`` is not here: it is read by ``translate.documents`` exactly as before formats existed.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path

from translate.formats.base import SEGMENT_KINDS, FormatError, Parsed, Rebuilt, Segment

__all__ = [
    "DocumentFormat",
    "FORMATS",
    "FormatError",
    "Parsed",
    "Rebuilt",
    "Segment",
    "SEGMENT_KINDS",
    "TRANSLATED_SUFFIXES",
    "content_hint",
    "format_of",
]


@dataclass(frozen=True)
class DocumentFormat:
    name: str
    reader: str  # "module:function" under translate.formats
    output_suffix: str

    def read(self, data: bytes) -> Parsed:
        module, function = self.reader.split(":")
        return getattr(importlib.import_module(f"translate.formats.{module}"), function)(data)


_DOCX = DocumentFormat("DOCX", "docx:read_docx", ".en.docx")
_ODT = DocumentFormat("ODT", "odt:read_odt", ".en.odt")
_HTML = DocumentFormat("HTML", "html:read_html", ".en.html")
_XHTML = DocumentFormat("XHTML", "html:read_xhtml", ".en.xhtml")
_EPUB = DocumentFormat("EPUB", "epub:read_epub", ".en.epub")
_MARKDOWN = DocumentFormat("Markdown", "markdown:read_markdown", ".en.md")
_SRT = DocumentFormat("SubRip", "subtitles:read_srt", ".en.srt")
_VTT = DocumentFormat("WebVTT", "subtitles:read_vtt", ".en.vtt")
_PDF = DocumentFormat("PDF", "pdf:read_pdf", ".en.txt")  # text layer only: the English as plain paragraphs

FORMATS: dict[str, DocumentFormat] = {
    ".docx": _DOCX,
    ".odt": _ODT,
    ".html": _HTML,
    ".htm": _HTML,
    ".xhtml": _XHTML,
    ".epub": _EPUB,
    ".md": _MARKDOWN,
    ".markdown": _MARKDOWN,
    ".srt": _SRT,
    ".vtt": _VTT,
    ".pdf": _PDF,
}
# Every file name ending a translated document may have (output names must keep them apart).
TRANSLATED_SUFFIXES = tuple(dict.fromkeys(fmt.output_suffix for fmt in FORMATS.values()))


def format_of(path: Path) -> DocumentFormat | None:
    """The format an input's suffix names; None for plain text."""
    return FORMATS.get(path.suffix.lower())


# The first bytes of what a misnamed file often really is, and the formats they belong to.
_SIGNATURES = (
    (b"%PDF", "a PDF", ("PDF",)),
    (b"PK\x03\x04", "a zip file (DOCX, ODT or EPUB)", ("DOCX", "ODT", "EPUB")),
    (b"{\\rtf", "RTF (save it as DOCX or ODT)", ()),
    (b"\xd0\xcf\x11\xe0", "an old binary Office file (save it as DOCX or ODT)", ()),
)


def content_hint(data: bytes, document_format: DocumentFormat) -> str:
    """What a file that its reader refused seems to be instead, judged by its first bytes:
    a suffix that lies is the likeliest cause ("" when its content looks like nothing else)."""
    for signature, what, formats in _SIGNATURES:
        if data.startswith(signature) and document_format.name not in formats:
            return f" (its content looks like {what})"
    return ""
