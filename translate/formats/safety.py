"""Guards for XML: nothing in an input is expanded without bound, resolved or fetched.

XML can declare entities that expand exponentially ("billion laughs") or point at files and URLs
(XXE). The libraries that read DOCX, ODT and EPUB parse their XML themselves, so the guard runs
first, on the raw parts (``zip_package.open_zip``): any part that declares an entity is refused
outright; no office or e-book file needs one. XML this project parses itself goes through a
parser that resolves nothing.
"""

from __future__ import annotations

import re

from lxml import etree

from translate.formats.base import FormatError

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.IGNORECASE)  # a DOCTYPE with an internal subset


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
