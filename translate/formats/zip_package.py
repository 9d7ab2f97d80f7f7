"""Zip packages (DOCX, ODT, EPUB): opened behind guards, and written back part for part.

A zip can declare gigabytes behind a few kilobytes (a zip bomb): declared sizes and entry counts
are capped before anything is unpacked (``zipfile`` never reads past a member's declared size,
so the declaration is what counts), and every XML part is checked for entity declarations
(``safety.check_xml``) before a format library parses it. Writing back replaces only the
translated parts; every other part keeps its bytes, order and compression.
"""

from __future__ import annotations

import io
import zipfile

from translate.formats.base import FormatError
from translate.formats.safety import check_xml

MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
_MIMETYPE = "mimetype"  # ODF and EPUB: must be the first part, stored uncompressed


def open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    """``data`` as a zip file whose parts are safe to hand to a format library.

    ``kind`` names the format in messages ("DOCX"). Raises ``FormatError`` for a file that is
    not a zip, is truncated or corrupt, is encrypted, would unpack past the caps, or has a part
    that declares XML entities.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError) as error:
        raise FormatError(f"not a valid {kind} file (damaged or truncated zip: {error}); re-save or re-export it")
    if len(members) > MAX_ZIP_ENTRIES:
        raise FormatError(
            f"{kind} holds {len(members):,} parts, more than the {MAX_ZIP_ENTRIES:,} allowed; "
            "refused as a possible zip bomb"
        )
    unzipped = sum(member.file_size for member in members)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise FormatError(
            f"{kind} would unpack to {unzipped / 2**20:,.0f} MB, more than the {MAX_UNZIPPED_BYTES // 2**20} MB "
            "allowed; refused as a possible zip bomb"
        )
    if any(member.flag_bits & 0x1 for member in members):
        raise FormatError(f"{kind} is password-protected; remove the password and save it again")
    for member in members:
        if member.filename.lower().endswith((".xml", ".rels", ".xhtml", ".htm", ".html", ".opf", ".ncx")):
            try:
                check_xml(archive.read(member), f"{kind} part {member.filename}")
            except (zipfile.BadZipFile, EOFError, ValueError, OSError) as error:  # CRC mismatch, bad data
                raise FormatError(f"not a valid {kind} file (damaged part {member.filename}: {error}); re-save it")
    return archive


def replace_members(data: bytes, replacements: dict[str, bytes]) -> bytes:
    """The zip ``data`` with the ``replacements`` parts' bytes swapped in; every other part as
    it was, in its order, with its compression and attributes (``mimetype`` kept first and
    stored, as ODF and EPUB readers require)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    members = sorted(source.infolist(), key=lambda member: member.filename != _MIMETYPE)
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for member in members:
            info = zipfile.ZipInfo(member.filename, member.date_time)
            info.compress_type = zipfile.ZIP_STORED if member.filename == _MIMETYPE else member.compress_type
            info.external_attr = member.external_attr
            info.create_system = member.create_system
            content = replacements.get(member.filename)
            target.writestr(info, source.read(member) if content is None else content)
    return output.getvalue()
