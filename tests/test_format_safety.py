"""The guards every zip and XML format passes first: bombs, damage, passwords and entities refused."""

from __future__ import annotations

import zipfile

import pytest

from tests.binary_fixtures import zip_of
from translate.formats import FormatError
from translate.formats.safety import check_xml, parse_xml
from translate.formats.zip_package import MAX_ZIP_ENTRIES, open_zip


def test_a_sound_zip_opens() -> None:
    archive = open_zip(zip_of({"content.xml": b"<?xml version='1.0'?><doc>Bonjour</doc>"}), "ODT")
    assert archive.read("content.xml").endswith(b"</doc>")


def test_a_zip_that_unpacks_past_the_cap_is_refused_before_anything_is_unpacked() -> None:
    bomb = zip_of({"word/document.xml": b"\0" * (201 * 2**20)})
    assert len(bomb) < 1_000_000  # the point of a bomb: small on disk
    with pytest.raises(FormatError, match=r"would unpack to 201 MB, more than the 200 MB allowed; .*zip bomb"):
        open_zip(bomb, "DOCX")


def test_a_zip_with_too_many_entries_is_refused() -> None:
    many = zip_of({f"p/{index}.txt": b"" for index in range(MAX_ZIP_ENTRIES + 1)}, zipfile.ZIP_STORED)
    with pytest.raises(FormatError, match=r"EPUB holds 10,001 parts, more than the 10,000 allowed"):
        open_zip(many, "EPUB")


@pytest.mark.parametrize("data", [b"Bonjour, ceci est du texte.", b"PK\x03\x04 truncated", b""])
def test_what_is_not_a_whole_zip_is_named_as_such(data: bytes) -> None:
    with pytest.raises(FormatError, match=r"^not a valid DOCX file \(damaged or truncated zip"):
        open_zip(data, "DOCX")


def test_a_truncated_zip_is_refused() -> None:
    whole = zip_of({"content.xml": b"<doc>" + b"texte " * 5000 + b"</doc>", "styles.xml": b"<s/>" * 2000})
    with pytest.raises(FormatError, match=r"^not a valid ODT file"):
        open_zip(whole[: len(whole) // 2], "ODT")


def test_a_password_protected_zip_is_refused() -> None:
    data = bytearray(zip_of({"content.xml": b"<doc/>"}, zipfile.ZIP_STORED))
    # Set the "encrypted" flag bit in the local header and the central directory entry.
    data[6] |= 0x1
    central = data.rindex(b"PK\x01\x02")
    data[central + 8] |= 0x1
    with pytest.raises(FormatError, match="password-protected"):
        open_zip(bytes(data), "ODT")


XXE = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><d>&e;</d>'
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><l>&c;</l>'
)


@pytest.mark.parametrize("xml", [XXE, LAUGHS, XXE.decode().encode("utf-16")], ids=["xxe", "laughs", "utf-16"])
def test_xml_that_declares_entities_is_refused(xml: bytes) -> None:
    with pytest.raises(FormatError, match="declares XML entities; refused"):
        check_xml(xml, "content.xml")
    with pytest.raises(FormatError, match="declares XML entities"):
        open_zip(zip_of({"content.xml": xml}), "ODT")


def test_a_doctype_without_entities_is_fine_and_broken_xml_is_named() -> None:
    parsed = parse_xml(b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "x.dtd"><html>Oui</html>', "chapitre")
    assert parsed.text == "Oui"
    with pytest.raises(FormatError, match=r"^chapitre is not well-formed XML"):
        parse_xml(b"<html><p>ouvert</html>", "chapitre")
