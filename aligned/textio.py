"""Text files in and out, one way for the three packages: byte-order marks, UTF-16, legacy
encodings, and atomic writes.

It lives in ``aligned``, the lowest package, so that ``translate``, ``aligned`` and ``eval`` read
text the same way (a BOM is never part of the first line, whichever command reads the file) and
write it the same way (temp file in the same folder, fsync, rename; the umask respected).
Two reading policies share the decoder: the ``translate`` pipeline *repairs* what it can and
reports each repair as a note, while the scoring and alignment commands, whose inputs are usually
another program's output, *refuse* text that is not UTF-8 (``read_text``: an ``InputError`` that
names the file and the first bad byte).
"""

from __future__ import annotations

import codecs
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterable, Mapping, Sequence

# Magic numbers of common binary formats that can sit beside text files in a corpus folder.
_BINARY_SIGNATURES = (
    b"\x89PNG",
    b"\x1f\x8b",
    b"PK\x03\x04",
    b"%PDF",
    b"\xff\xd8\xff",
    b"GIF8",
    b"BZh",
    b"\x7fELF",
    b"\xfd7zXZ",
    b"SQLite format 3",
)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class InputError(Exception):
    """An input file that cannot be used; the message names the file and says what is wrong."""


class DecodeError(ValueError):
    """Bytes that are not text in the expected encoding; ``offset`` is the first bad byte."""

    def __init__(self, encoding: str, data: bytes, offset: int):
        super().__init__(f"not {encoding} text (invalid byte {data[offset]:#04x} at offset {offset})")
        self.encoding = encoding
        self.offset = offset


def read_bytes(path: Path | str) -> bytes:
    """The file's bytes; OS errors become an `InputError` naming the file."""
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory") from None
    except OSError as error:
        raise InputError(f"{path}: {error.strerror or error}") from None


def read_text(path: Path | str) -> str:
    """A UTF-8 (or BOM-marked UTF-16) text file, BOM dropped, line endings made "\\n".

    The refusing policy: text that is not UTF-8 (or BOM-marked UTF-16), or that holds a NUL,
    is an `InputError`; the repairing policy (``decode(..., repair=True)`` and the pipeline's
    cleaning) keeps such text and reports what it changed."""
    data = read_bytes(path)
    if looks_binary(data):
        raise InputError(f"{path}: binary file, not text; give a UTF-8 text file")
    try:
        text = decode(data, repair=False).text
    except DecodeError as error:
        raise InputError(f"{path}: {error}; convert it, e.g. 'iconv -f windows-1252 -t utf-8'") from None
    if "\0" in text:  # a stray NUL: no text format has one
        raise InputError(f"{path}: NUL character at offset {text.index(chr(0))}, not text; give a UTF-8 text file")
    return text.replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class Decoded:
    """Text, and the repairs that decoding made to get it (empty when none were needed)."""

    text: str
    notes: list[str] = field(default_factory=list)


def looks_binary(data: bytes) -> bool:
    """A known binary signature, or more than 10% control bytes in the first 8 KiB.

    Text with a stray NUL is still text; binary formats are full of NULs and other controls.
    """
    if data.startswith(_BINARY_SIGNATURES):
        return True
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    sample = data[:8192]
    controls = sum(1 for byte in sample if byte < 9 or 13 < byte < 32)
    return bool(sample) and controls / len(sample) > 0.10


def decode(data: bytes, *, repair: bool) -> Decoded:
    """Decode ``data``: a byte-order mark settles the encoding (and is dropped); else UTF-8.

    With ``repair``, damage after a BOM becomes U+FFFD and lines that are not UTF-8 are read as
    Windows-1252, each counted in a note; without it, any of that raises ``DecodeError``.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_with_bom(data, encoding, repair)
    try:
        return Decoded(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        if not repair:
            raise DecodeError("UTF-8", data, error.start) from None
        return _decode_line_by_line(data, error.start)


def _decode_with_bom(data: bytes, encoding: str, repair: bool) -> Decoded:
    name = "UTF-16" if encoding == "utf-16" else "UTF-8"
    notes = ([] if encoding == "utf-8-sig" else ["decoded as UTF-16 (byte order mark)"]) + ["removed byte order mark"]
    try:
        return Decoded(data.decode(encoding), notes)
    except UnicodeDecodeError as error:
        if not repair:
            raise DecodeError(name, data, error.start) from None
        # The byte order mark settles the encoding, so the bad units are damage, not a sign of
        # another encoding: keep the rest and say how much could not be read.
        text = data.decode(encoding, errors="replace")
        damaged = text.count("\ufffd") - data.decode(encoding, errors="ignore").count("\ufffd")
        return Decoded(
            text,
            notes
            + [f"{damaged} undecodable {name} sequence(s) (first at byte offset {error.start}) replaced by U+FFFD"],
        )


def _decode_line_by_line(data: bytes, first_bad: int) -> Decoded:
    """Each line as UTF-8 where it is valid, else as Windows-1252: a UTF-8 file with one pasted
    Windows-1252 line keeps its UTF-8 text intact instead of turning every ``é`` into ``Ã©``."""
    lines = data.split(b"\n")
    legacy: list[int] = []
    utf8_non_ascii = False
    decoded = []
    for number, line in enumerate(lines, start=1):
        try:
            decoded.append(line.decode("utf-8"))
            utf8_non_ascii = utf8_non_ascii or not line.isascii()
        except UnicodeDecodeError:
            decoded.append(line.decode("cp1252", errors=_LATIN1_FALLBACK))
            legacy.append(number)
    text = "\n".join(decoded)
    if not utf8_non_ascii:
        return Decoded(text, [f"not valid UTF-8 (first bad byte at offset {first_bad}); decoded as Windows-1252"])
    return Decoded(
        text,
        [
            f"mixed encodings: {len(legacy)} line(s) not valid UTF-8 (first: line {legacy[0]}) "
            "decoded as Windows-1252, the other lines as UTF-8"
        ],
    )


def _latin1_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    """Windows-1252 covers Latin-1 and adds curly quotes and the euro sign; the five bytes it
    leaves undefined are decoded as Latin-1 so that no byte is ever dropped."""
    return error.object[error.start : error.end].decode("latin-1"), error.end


_LATIN1_FALLBACK = "aligned-latin-1-fallback"
codecs.register_error(_LATIN1_FALLBACK, _latin1_fallback)


# --- writing ----------------------------------------------------------------------------------

_TEMP_SUFFIX = ".tmp"
# ".NAME.<mkstemp's 8 random characters>.tmp": only files of this shape are ever cleaned up.
_TEMP_NAME = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


def write_files_atomically(contents: Mapping[Path, Iterable[str] | bytes]) -> None:
    """Write every file or none: on any error, the temp files are removed and the error raised.

    ``os.replace`` within one file system is atomic, so after a crash each file is either the old
    complete version or the new one. Files that belong together (one document's corpus files)
    are all written to temp files first, and renamed only when every one of them was written and
    no target is in the way (a folder of the same name). A file's text may come in pieces (a
    generator), so that no file need be held whole; ``bytes`` are written as they are.
    """
    for path in contents:
        if path.is_dir():
            raise IsADirectoryError(21, "a folder has that name", str(path))
    staged: list[StagedFile] = []
    try:
        for path, text in contents.items():
            staged.append(StagedFile(path))
            staged[-1].write(text)
    except BaseException:
        discard_all(staged)
        raise
    commit_all(staged)


class StagedFile:
    """A file written piece by piece into a temp file beside ``path``, put in place by
    ``commit_all`` or removed by ``discard_all``: the old file, if any, stays whole until then.

    This is how a file whose text comes over a whole run (``corpus.*``, appended document by
    document) is written atomically without holding its text: only the pieces of one document
    are ever in memory.
    """

    def __init__(self, path: Path):
        self.path = path
        descriptor, self.temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=_TEMP_SUFFIX)
        try:
            os.fchmod(descriptor, _FILE_MODE)
            self._handle = os.fdopen(descriptor, "wb")
        except BaseException:
            os.close(descriptor)
            _remove(self.temp)
            raise

    def write(self, chunks: Iterable[str] | bytes) -> None:
        """Append text (in pieces) or bytes."""
        self._handle.writelines((chunks,) if isinstance(chunks, bytes) else (piece.encode("utf-8") for piece in chunks))

    @property
    def file(self) -> BinaryIO:
        """The temp file's binary handle, for a writer that needs a file object (``zipfile``,
        ``np.savez``); what it writes lands in the temp file like ``write``'s. Leave closing it,
        and the fsync, to ``commit_all``/``discard_all``."""
        return self._handle

    def _finish(self) -> None:
        """Everything written reaches the disk before the rename can make it the file."""
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()

    def _discard(self) -> None:
        try:
            self._handle.close()
        except OSError:  # flushing what was buffered failed (a full disk): the file goes anyway
            pass
        _remove(self.temp)


def commit_all(files: Sequence[StagedFile]) -> None:
    """Put every staged file in place, or none when one cannot be finished or a folder took a
    target's name meanwhile (all temp files are then removed and the error raised)."""
    staged = list(files)
    try:
        for file in staged:
            if file.path.is_dir():
                raise IsADirectoryError(21, "a folder has that name", str(file.path))
            file._finish()
        while staged:
            os.replace(staged[-1].temp, staged[-1].path)
            staged.pop()
    except BaseException:
        discard_all(staged)
        raise


def discard_all(files: Iterable[StagedFile]) -> None:
    """Remove staged files' temp files; the files they would have replaced stay as they were."""
    for file in files:
        file._discard()


def write_file_atomically(path: Path, text: str) -> None:
    write_files_atomically({path: (text,)})


def remove_leftovers(folder: Path) -> int:
    """Delete the temp files that a killed writer left in ``folder`` (between writing and
    renaming); returns how many.

    Call it only while holding the folder's run lock, when no writer can be mid-write.
    """
    removed = 0
    for entry in os.scandir(folder):
        if entry.is_file(follow_symlinks=False) and _TEMP_NAME.fullmatch(entry.name):
            _remove(entry.path)
            removed += 1
    return removed


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# mkstemp creates files readable by the owner only; outputs get the usual permissions.
_FILE_MODE = 0o666 & ~_current_umask()


def _remove(temp: str) -> None:
    try:
        os.unlink(temp)
    except FileNotFoundError:
        pass
