"""Guards for container and XML formats: nothing in an input is expanded without bound,
resolved, fetched or executed.

DOCX, ODT and EPUB are zip files of XML. A zip can declare gigabytes behind a few kilobytes
(a zip bomb), and XML can declare entities that expand exponentially ("billion laughs") or point
at files and URLs (XXE). The libraries that read these formats parse the XML themselves, so the
guard runs first, on the raw parts: declared sizes and entry counts are capped (``zipfile``
never reads past a member's declared size, so the declaration is what counts), and any part
that declares an entity is refused outright; no office or e-book file needs one.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from translate.formats.base import FormatError

MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 10_000
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.IGNORECASE)  # a DOCTYPE with an internal subset


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


def check_xml(data: bytes, what: str) -> None:
    """Refuse XML that declares entities (in any encoding a prolog can use: UTF-16 is checked
    decoded). Well-formedness is left to the parser."""
    head = data
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        head = data.decode("utf-16", errors="replace").encode("utf-8")
    doctype = _DOCTYPE.search(head)
    if doctype and _ENTITY_DECLARATION.search(head, doctype.start()):
        raise FormatError(
            f"{what} declares XML entities; refused (entities can expand without bound or point outside the file)"
        )


def xml_parser() -> etree.XMLParser:
    """An lxml parser that resolves no entity, loads no DTD, touches no network and keeps
    libxml2's depth and size limits on (``huge_tree`` off)."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_xml(data: bytes, what: str) -> etree._Element:
    """``data`` parsed safely as XML; a ``FormatError`` names ``what`` when it is not well formed."""
    check_xml(data, what)
    try:
        return etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as error:
        raise FormatError(f"{what} is not well-formed XML ({error}); repair or re-export it")
