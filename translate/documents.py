"""Find input documents and read them into clean text, reporting every repair made on the way.

Input comes from many hands: UTF-8 with or without a BOM, UTF-16, Windows-1252, CRLF line endings,
stray control characters, even binary files that happen to sit in the folder. Reading never
crashes and never drops text silently: each repair is recorded in ``Document.notes`` so the CLI
and the manifest can report it; files that cannot be documents become ``DocumentError``.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

DOCUMENT_SUFFIXES = (".txt", ".md")

# Magic numbers of common binary formats that can sit beside text files in a corpus folder.
_BINARY_SIGNATURES = (
    b"\x89PNG", b"\x1f\x8b", b"PK\x03\x04", b"%PDF", b"\xff\xd8\xff", b"GIF8", b"BZh",
    b"\x7fELF", b"\xfd7zXZ", b"SQLite format 3",
)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# C0/C1 controls other than tab and newline, and invisible characters that only confuse tokenisers.
# Zero-width joiners stay: they are part of emoji and of some scripts.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2060\ufeff]")


@dataclass
class Document:
    """A readable input document: its name (file stem), where it came from, and its clean text."""

    name: str
    path: Path
    text: str
    notes: list[str] = field(default_factory=list)


@dataclass
class DocumentError:
    """An input that could not be read as a document, with a one-line reason a user can act on."""

    name: str
    path: Path
    reason: str


def find_documents(sources: Iterable[Path]) -> tuple[list[Path], list[DocumentError]]:
    """Expand files and directories (walked for *.txt and *.md, sorted, hidden ones skipped) into paths.

    A missing path or a directory with no documents is an error for that source only; the
    other sources are still processed.
    """
    paths: list[Path] = []
    errors: list[DocumentError] = []
    for source in sources:
        if source.is_dir():
            found = sorted(p for p in source.rglob("*") if _is_document(p, source))
            if not found:
                errors.append(DocumentError(source.name, source, f"{source}: directory has no *.txt or *.md documents; point to a folder of French text files"))
            paths.extend(found)
        elif source.is_file():
            paths.append(source)
        else:
            errors.append(DocumentError(source.name, source, f"{source}: no such file or directory; check the path"))
    return _dedupe(paths), errors


def _is_document(path: Path, root: Path) -> bool:
    """A *.txt or *.md file that is not hidden and not inside a hidden folder (.git, .venv)."""
    hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
    return not hidden and path.suffix.lower() in DOCUMENT_SUFFIXES and path.is_file()


def _dedupe(paths: list[Path]) -> list[Path]:
    seen: set[Path] = set()
    unique = []
    for path in paths:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def read_document(path: Path) -> Document | DocumentError:
    """Read one file as text, repairing encoding, line endings and control characters."""
    name = path.stem
    try:
        data = path.read_bytes()
    except OSError as error:
        return DocumentError(name, path, f"{path}: cannot read ({error.strerror}); check permissions")
    if _looks_binary(data):
        return DocumentError(name, path, f"{path}: binary file, not text; skipped (give UTF-8 text documents)")
    text, notes = _decode(data)
    text, cleaned = _clean(text)
    notes.extend(cleaned)
    if not text.strip():
        what = "empty file" if not data else "file has only whitespace"
        return DocumentError(name, path, f"{path}: {what}; nothing to translate")
    return Document(name, path, text, notes)


def _looks_binary(data: bytes) -> bool:
    if data.startswith(_BINARY_SIGNATURES):
        return True
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    sample = data[:8192]
    # Text with a stray NUL is still text; binary formats are full of NULs and other controls.
    controls = sum(1 for byte in sample if byte < 9 or 13 < byte < 32)
    return bool(sample) and controls / len(sample) > 0.10


def _decode(data: bytes) -> tuple[str, list[str]]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            notes = ([] if encoding == "utf-8-sig" else ["decoded as UTF-16 (byte order mark)"]) + ["removed byte order mark"]
            try:
                return data.decode(encoding), notes
            except UnicodeDecodeError as error:
                # The byte order mark settles the encoding, so the bad units are damage, not a
                # sign of another encoding: keep the rest and say how much could not be read.
                text = data.decode(encoding, errors="replace")
                damaged = text.count("\ufffd") - data.decode(encoding, errors="ignore").count("\ufffd")
                name = "UTF-16" if encoding == "utf-16" else "UTF-8"
                return text, notes + [f"{damaged} undecodable {name} sequence(s) (first at byte offset {error.start}) replaced by U+FFFD"]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        first_bad = error.start
    # Windows-1252 covers Latin-1 and adds curly quotes and the euro sign; the five bytes it
    # leaves undefined are decoded as Latin-1 so no byte is ever dropped.
    text = data.decode("cp1252", errors=_LATIN1_FALLBACK)
    return text, [f"not valid UTF-8 (first bad byte at offset {first_bad}); decoded as Windows-1252"]


def _latin1_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    return error.object[error.start:error.end].decode("latin-1"), error.end


_LATIN1_FALLBACK = "translate-latin-1-fallback"
codecs.register_error(_LATIN1_FALLBACK, _latin1_fallback)


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
