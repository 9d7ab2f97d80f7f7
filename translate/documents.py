"""Find input documents and read them into clean text, reporting every repair made on the way.

Plain text (``.txt``) is cut into paragraphs at blank lines. Every other known suffix (DOCX, ODT,
HTML, EPUB, Markdown, subtitles, PDF: ``translate.formats``) goes through its format's reader,
which gives the translatable segments and a way to write the document back in English; its
segments are cleaned here the same way as plain text, and made one line each.

Input comes from many hands: UTF-8 with or without a BOM, UTF-16, Windows-1252 (whole files or
single pasted lines), CRLF line endings, stray control characters, file names that are not
UTF-8, even binary files that happen to sit in the folder. Reading never crashes and never drops
text silently: each repair is recorded in ``Document.notes`` so the CLI and the manifest can
report it; files that cannot be documents become ``DocumentError``.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable

from aligned.textio import decode, looks_binary
from translate.errors import first_line
from translate.formats import FORMATS, DocumentFormat, FormatError, Rebuilt, Segment, content_hint, format_of
from translate.paragraphs import split_paragraphs

PLAIN_TEXT = ".txt"
INPUT_SUFFIXES = (PLAIN_TEXT, *FORMATS)
PLAIN_TEXT_OUTPUT = ".en.txt"  # the translated document of a plain text, when asked for (--formats doc)

# C0/C1 controls other than tab and newline, and invisible characters that only confuse tokenisers.
# Zero-width joiners stay: they are part of emoji and of some scripts.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2060\ufeff]")


def shown(path: Path | str) -> str:
    """``path`` as text that can always be printed and written to UTF-8 files.

    A file name that is not valid UTF-8 reaches Python with lone surrogates in it; those bytes
    are shown as ``\\xe9`` escapes, so messages and the manifest still name the file exactly.
    """
    return os.fsencode(path).decode("utf-8", errors="backslashreplace")


@dataclass
class Structure:
    """What a formatted document adds to its text: its segments (clean, one line each, each
    with some letter to translate) and how to write the whole document back in English."""

    format: str
    segments: list[Segment]
    rebuild: Callable[[list[str]], Rebuilt]  # one English text per segment, in order
    output_suffix: str


@dataclass
class Document:
    """A readable input document: its output name, where it came from, its clean text, and
    for formatted documents their structure."""

    name: str
    path: Path
    text: str
    notes: list[str] = field(default_factory=list)
    structure: Structure | None = None

    @cached_property
    def segments(self) -> list[Segment]:
        """What is translated, in order: a plain text's paragraphs, or a format's segments
        (split once: a run reads them to group documents, then to translate them)."""
        if self.structure:
            return self.structure.segments
        return [Segment(paragraph) for paragraph in split_paragraphs(self.text)]


@dataclass
class DocumentError:
    """An input that could not be read as a document, with a one-line reason a user can act on."""

    name: str
    path: Path
    reason: str


def find_documents(sources: Iterable[Path]) -> tuple[list[Path], list[DocumentError]]:
    """Expand files and directories (walked for every suffix in ``INPUT_SUFFIXES``, sorted,
    hidden ones skipped, symbolic links followed once) into paths.

    A missing path or a directory with no documents is an error for that source only; the
    other sources are still processed.
    """
    paths: list[Path] = []
    errors: list[DocumentError] = []
    for source in sources:
        if source.is_dir():
            found = _walk(source)
            if not found:
                errors.append(
                    DocumentError(
                        source.name,
                        source,
                        f"{shown(source)}: directory has no documents ({', '.join(INPUT_SUFFIXES)}); point to a "
                        "folder of French documents",
                    )
                )
            paths.extend(found)
        elif source.is_file():
            paths.append(source)
        else:
            errors.append(
                DocumentError(source.name, source, f"{shown(source)}: no such file or directory; check the path")
            )
    return _dedupe(paths), errors


def _walk(root: Path) -> list[Path]:
    """Documents under ``root``, sorted; linked folders are entered, each real folder only once
    (a link back to a parent cannot loop), and hidden files and folders (.git, .venv) are skipped."""
    found: list[Path] = []
    seen: set[str] = set()
    for folder, subfolders, files in os.walk(root, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:
            subfolders.clear()
            continue
        seen.add(real)
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        found.extend(
            Path(folder, name)
            for name in files
            if not name.startswith(".") and Path(name).suffix.lower() in INPUT_SUFFIXES and Path(folder, name).is_file()
        )
    return sorted(found)


def _dedupe(paths: list[Path]) -> list[Path]:
    seen: set[Path] = set()
    unique = []
    for path in paths:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def read_document(path: Path, name: str) -> Document | DocumentError:
    """Read one file: plain text repaired (encoding, line endings, control characters), any
    other format through its reader."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return DocumentError(name, path, f"{shown(path)}: cannot read ({error.strerror}); check permissions")
    document_format = format_of(path)
    if document_format:
        return _read_formatted(path, name, data, document_format)
    if looks_binary(data):
        return DocumentError(name, path, f"{shown(path)}: binary file, not text; skipped (give UTF-8 text documents)")
    decoded = decode(data, repair=True)
    text, cleaned = _clean(decoded.text)
    notes = decoded.notes + cleaned
    if not text.strip():
        what = "empty file" if not data else "file has only whitespace"
        return DocumentError(name, path, f"{shown(path)}: {what}; nothing to translate")
    return Document(name, path, text, notes)


def _read_formatted(path: Path, name: str, data: bytes, document_format: DocumentFormat) -> Document | DocumentError:
    if not data.strip():
        return DocumentError(name, path, f"{shown(path)}: empty file; nothing to translate")
    try:
        parsed = document_format.read(data)
    except FormatError as error:
        # A reader that finds the content is not its format says so first ("not a ...", "binary ..."):
        # a suffix that lies is then the likeliest cause, so say what the content looks like.
        hint = content_hint(data, document_format) if str(error).startswith(("not ", "binary")) else ""
        return DocumentError(name, path, f"{shown(path)}: {error}{hint}")
    except Exception as error:  # a format library failing on input it was not made for
        return DocumentError(
            name,
            path,
            f"{shown(path)}: cannot read as {document_format.name} ({type(error).__name__}: {first_line(error)}); "
            "the file may be damaged or not what its suffix says",
        )
    cleaned = [_clean_segment(segment.text) for segment in parsed.segments]
    translated = [index for index, text in enumerate(cleaned) if any(ch.isalpha() for ch in text)]
    if not translated:
        return DocumentError(
            name, path, f"{shown(path)}: no text to translate found in this {document_format.name} document"
        )
    segments = [replace(parsed.segments[index], text=cleaned[index]) for index in translated]

    def rebuild(english: list[str]) -> Rebuilt:
        """The translated document: segments with no letter keep their own text."""
        texts = [segment.text for segment in parsed.segments]
        for index, text in zip(translated, english, strict=True):
            texts[index] = text
        return parsed.rebuild(texts)

    notes = list(parsed.notes) + _cleaning_notes(parsed.segments, cleaned)
    text = "\n\n".join(segment.text for segment in segments)
    return Document(
        name, path, text, notes, Structure(document_format.name, segments, rebuild, document_format.output_suffix)
    )


def _clean_segment(text: str) -> str:
    """One line of clean text: controls and zero-width characters gone, NFC, spaces collapsed
    (line breaks inside a segment are layout, as in a plain-text paragraph)."""
    return " ".join(unicodedata.normalize("NFC", _CONTROL.sub("", text)).split())


def _cleaning_notes(segments: list[Segment], cleaned: list[str]) -> list[str]:
    controls = sum(len(_CONTROL.findall(segment.text)) for segment in segments)
    notes = [f"removed {controls} control or zero-width character(s)"] if controls else []
    if any(unicodedata.normalize("NFC", segment.text) != segment.text for segment in segments):
        notes.append("normalised Unicode to NFC")
    return notes


def plain_text_rebuild(english: list[str]) -> Rebuilt:
    """A plain text's translation: its paragraphs' English, separated by blank lines."""
    return Rebuilt("".join(f"{paragraph}\n\n" for paragraph in english).removesuffix("\n").encode("utf-8"))


def _clean(text: str) -> tuple[str, list[str]]:
    notes = []
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        notes.append("converted CR/CRLF line endings")
    controls = len(_CONTROL.findall(text))
    if controls:
        text = _CONTROL.sub("", text)
        notes.append(f"removed {controls} control or zero-width character(s)")
    if "\t" in text:
        text = text.replace("\t", " ")
        notes.append("replaced tabs with spaces")
    # NFC keeps « é » one code point whether it arrived composed or not, so the cache and
    # the aligner see one spelling; it never touches guillemets or non-breaking spaces.
    normalised = unicodedata.normalize("NFC", text)
    if normalised != text:
        notes.append("normalised Unicode to NFC")
    return normalised, notes
