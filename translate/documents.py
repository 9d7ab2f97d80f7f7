"""Find input documents and read them into clean text, reporting every repair made on the way.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from aligned.textio import decode, looks_binary

DOCUMENT_SUFFIXES = (".txt", ".md")

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
class Document:
    """A readable input document: its output name, where it came from, and its clean text."""

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
    """Expand files and directories (walked for *.txt and *.md, sorted, hidden ones skipped,
    symbolic links followed once) into paths.

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
                        f"{shown(source)}: directory has no *.txt or *.md documents; point to a folder of French text "
                        "files",
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
            if not name.startswith(".")
            and Path(name).suffix.lower() in DOCUMENT_SUFFIXES
            and Path(folder, name).is_file()
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
    """Read one file as text, repairing encoding, line endings and control characters."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return DocumentError(name, path, f"{shown(path)}: cannot read ({error.strerror}); check permissions")
    if looks_binary(data):
        return DocumentError(name, path, f"{shown(path)}: binary file, not text; skipped (give UTF-8 text documents)")
    decoded = decode(data, repair=True)
    text, cleaned = _clean(decoded.text)
    notes = decoded.notes + cleaned
    if not text.strip():
        what = "empty file" if not data else "file has only whitespace"
        return DocumentError(name, path, f"{shown(path)}: {what}; nothing to translate")
    return Document(name, path, text, notes)


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
