"""The ODT reader: segments in reading order with their kinds, English written back into the
same structure (styles, lists, tables, notes, frames, headers), and damaged or hostile files refused."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from odf import draw, style, table, text
from odf.namespaces import TEXTNS
from odf.opendocument import OpenDocumentText, load

from tests.binary_fixtures import tiny_png
from tests.cli_helpers import lines, translate_files
from translate.formats import FormatError
from translate.formats.odt import read_odt

LINK = "https://example.fr/aide"
EXPECTED = [
    ("title", "Le rapport annuel"),
    ("heading", "Introduction générale"),
    ("paragraph", "Une phrase avec un mot en gras au milieu."),
    ("paragraph", "Tout ce paragraphe est en italique."),
    ("paragraph", "Consultez le site officiel pour en savoir plus."),
    ("footnote", "Une note de bas de page."),
    ("paragraph", "Trois espaces et une tabulation puis une ligne."),
    ("list-item", "Premier point de la liste"),
    ("list-item", "Second point de la liste"),
    ("cell", "Ville"),
    ("cell", "Population"),
    ("cell", "Lyon"),
    ("cell", "522250"),
    ("paragraph", "Voici le logo de l'entreprise."),
    ("caption", "Figure 1 : le logo"),
    ("header", "En-tête du rapport"),
    ("footer", "Page"),
]


def paragraph_style(document: OpenDocumentText, name: str, automatic: bool = False) -> style.Style:
    made = style.Style(name=name, family="paragraph")
    (document.automaticstyles if automatic else document.styles).addElement(made)
    return made


def build_report() -> bytes:
    """The document of EXPECTED: title, heading, a bold span mid-sentence, a paragraph in one
    italic span, a link mid-sentence with a footnote, spaces/tab/line break, a list, a 2x2
    table with a number cell, an inline image in a sentence, a caption, a header and a footer
    with a page-number field."""
    document = OpenDocumentText()
    bold = style.Style(name="T1", family="text")
    bold.addElement(style.TextProperties(fontweight="bold"))
    italic = style.Style(name="T2", family="text")
    italic.addElement(style.TextProperties(fontstyle="italic"))
    for made in (bold, italic):
        document.automaticstyles.addElement(made)
    title = paragraph_style(document, "Title")
    body = paragraph_style(document, "Text_20_body")
    body.setAttribute("displayname", "Text body")
    caption = paragraph_style(document, "Caption")
    indented = paragraph_style(document, "P1", automatic=True)
    indented.setAttribute("parentstylename", "Text_20_body")

    add = document.text.addElement
    add(text.P(stylename=title, text="Le rapport annuel"))
    add(text.H(outlinelevel=1, text="Introduction générale"))
    mixed = text.P(stylename=indented, text="Une phrase avec un ")
    mixed.addElement(text.Span(stylename=bold, text="mot en gras"))
    mixed.addText(" au milieu.")
    add(mixed)
    whole = text.P(stylename=body)
    whole.addElement(text.Span(stylename=italic, text="Tout ce paragraphe est en italique."))
    add(whole)
    linked = text.P(stylename=body, text="Consultez le ")
    linked.addElement(text.A(href=LINK, text="site officiel"))
    linked.addText(" pour en savoir plus.")
    note = text.Note(id="ftn1", noteclass="footnote")
    note.addElement(text.NoteCitation(text="1"))
    note_body = text.NoteBody()
    note_body.addElement(text.P(text="Une note de bas de page."))
    note.addElement(note_body)
    linked.addElement(note)
    add(linked)
    spaced = text.P(text="Trois")
    spaced.addElement(text.S(c=3))
    spaced.addText("espaces et une tabulation")
    spaced.addElement(text.Tab())
    spaced.addText("puis une")
    spaced.addElement(text.LineBreak())
    spaced.addText("ligne.")
    add(spaced)
    add(text.P(text=""))  # empty: no segment
    bullets = text.List()
    for item in ("Premier point de la liste", "Second point de la liste"):
        entry = text.ListItem()
        entry.addElement(text.P(text=item))
        bullets.addElement(entry)
    add(bullets)
    grid = table.Table(name="Chiffres")
    grid.addElement(table.TableColumn(numbercolumnsrepeated=2))
    for row in (("Ville", "Population"), ("Lyon", "522250")):
        line = table.TableRow()
        for value in row:
            cell = table.TableCell()
            cell.addElement(text.P(text=value))
            line.addElement(cell)
        grid.addElement(line)
    add(grid)
    picture = text.P(stylename=body, text="Voici le logo ")
    frame = draw.Frame(name="logo", anchortype="as-char", width="1cm", height="1cm")
    frame.addElement(draw.Image(href=document.addPicture("Pictures/logo.png", "image/png", tiny_png())))
    picture.addElement(frame)
    picture.addText("de l'entreprise.")
    add(picture)
    add(text.P(stylename=caption, text="Figure 1 : le logo"))

    layout = style.PageLayout(name="pm1")
    document.automaticstyles.addElement(layout)
    page = style.MasterPage(name="Standard", pagelayoutname=layout)
    header = style.Header()
    header.addElement(text.P(text="En-tête du rapport"))
    footer = style.Footer()
    numbered = text.P(text="Page ")
    numbered.addElement(text.PageNumber(selectpage="current", text="1"))
    footer.addElement(numbered)
    page.addElement(header)
    page.addElement(footer)
    document.masterstyles.addElement(page)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def fake_english(parsed) -> list[str]:
    return [f"EN {i} " + " ".join(segment.text.split()).upper() for i, segment in enumerate(parsed.segments)]


def segments_of(data: bytes) -> list[tuple[str, str]]:
    return [(segment.kind, " ".join(segment.text.split())) for segment in read_odt(data).segments]


def elements(data: bytes, kind) -> list:
    return load(io.BytesIO(data)).getElementsByType(kind)


def style_names(data: bytes) -> list[str | None]:
    document = load(io.BytesIO(data))
    blocks = document.getElementsByType(text.P) + document.getElementsByType(text.H)
    return sorted(str(block.attributes.get((TEXTNS, "style-name"))) for block in blocks)


def test_segments_in_reading_order_with_kinds():
    assert segments_of(build_report()) == EXPECTED


def test_rebuild_keeps_structure_styles_notes_image_and_fields():
    data = build_report()
    parsed = read_odt(data)
    english = fake_english(parsed)
    english[12] = parsed.segments[12].text  # what the pipeline gives back for a cell with no letter
    rebuilt = parsed.rebuild(english)

    expected = [(kind, " ".join(text.split())) for (kind, _), text in zip(EXPECTED, english)]
    expected[4] = ("paragraph", english[4] + " " + LINK)  # the link over part of it follows, showing its target
    assert segments_of(rebuilt.data) == expected
    for kind in (text.H, text.P, text.ListItem, table.TableRow, table.TableCell, text.Note, draw.Frame, draw.Image):
        assert len(elements(rebuilt.data, kind)) == len(elements(data, kind)), kind
    assert style_names(rebuilt.data) == style_names(data)
    assert len(elements(rebuilt.data, text.PageNumber)) == 1
    with zipfile.ZipFile(io.BytesIO(rebuilt.data)) as archive:
        assert archive.read("Pictures/logo.png") == tiny_png()
        content = archive.read("content.xml").decode()
        page_styles = archive.read("styles.xml").decode()
    assert "<text:p>EN 16 PAGE <text:page-number" in page_styles  # the field stays, apart from the English
    assert "<text:span" in content and "EN 3 TOUT CE PARAGRAPHE EST EN ITALIQUE." in content
    assert content.count("<text:span") == 1  # the span over part of a sentence is gone, the whole one kept
    assert "EN 4 CONSULTEZ LE SITE OFFICIEL POUR EN SAVOIR PLUS." in content
    assert (
        '<text:a xlink:href="https://example.fr/aide" xlink:type="simple">https://example.fr/aide</text:a>' in content
    )
    assert "<text:p>522250</text:p>" in content
    assert rebuilt.simplified == 2  # the bold span mid-sentence, the link mid-sentence


def test_note_stays_in_its_paragraph_and_out_of_its_text():
    rebuilt = read_odt(build_report()).rebuild(fake_english(read_odt(build_report())))
    (linked,) = [p for p in elements(rebuilt.data, text.P) if str(p).startswith("EN 4")]
    assert [child.qname[1] for child in linked.childNodes if child.nodeType == child.ELEMENT_NODE] == ["a", "note"]


def test_rebuild_twice_from_one_parsed_and_identity_change_nothing():
    data = build_report()
    parsed = read_odt(data)
    english = fake_english(parsed)
    assert segments_of(parsed.rebuild(english).data) == segments_of(parsed.rebuild(english).data)
    unchanged = parsed.rebuild([segment.text for segment in parsed.segments])
    assert segments_of(unchanged.data) == EXPECTED and unchanged.simplified == 0


# --- hostile and damaged inputs --------------------------------------------------------------


def replace_member(data: bytes, name: str, content: bytes) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, content if info.filename == name else source.read(info))
    return output.getvalue()


def test_truncated_odt_is_refused():
    data = build_report()
    with pytest.raises(FormatError, match="not a valid ODT file .*truncated"):
        read_odt(data[: len(data) // 2])


def test_entity_declaration_is_refused():
    with zipfile.ZipFile(io.BytesIO(build_report())) as archive:
        content = archive.read("content.xml").decode()
    hostile = content.replace("?>", '?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 1).replace(
        "Le rapport annuel", "&e;"
    )
    with pytest.raises(FormatError, match="content.xml declares XML entities"):
        read_odt(replace_member(build_report(), "content.xml", hostile.encode()))


def test_non_zip_file_named_odt_is_refused():
    with pytest.raises(FormatError, match="not a valid ODT file"):
        read_odt(b"Bonjour, ceci est du texte.")


def test_malformed_content_is_refused_without_printing(capsys):
    with pytest.raises(FormatError, match="content.xml is not well-formed XML"):
        read_odt(replace_member(build_report(), "content.xml", b"<office:document-content><broken>"))
    assert capsys.readouterr().out == ""  # odfpy would print the whole part and go on without it


def test_spreadsheet_named_odt_is_refused():
    data = replace_member(build_report(), "mimetype", b"application/vnd.oasis.opendocument.spreadsheet")
    with pytest.raises(FormatError, match="not an OpenDocument text .*spreadsheet"):
        read_odt(data)


def test_password_protected_odt_is_refused():
    with zipfile.ZipFile(io.BytesIO(build_report())) as archive:
        manifest = archive.read("META-INF/manifest.xml").decode()
    encrypted = manifest.replace(
        'manifest:full-path="content.xml"',
        'manifest:full-path="content.xml"><manifest:encryption-data manifest:checksum="x"/></manifest:file-entry'
        '><manifest:file-entry manifest:media-type="" manifest:full-path="unused"',
    )
    assert "encryption-data" in encrypted
    with pytest.raises(FormatError, match="password-protected"):
        read_odt(replace_member(build_report(), "META-INF/manifest.xml", encrypted.encode()))


def test_zip_without_content_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
    with pytest.raises(FormatError, match="no content.xml"):
        read_odt(buffer.getvalue())


# --- end to end through the CLI --------------------------------------------------------------

TRANSLATED = [text for _, text in EXPECTED if text != "522250"]  # a cell with no letter is not sent


@pytest.fixture(scope="module")
def translated_report(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path) -> tuple[Path, Path]:
    """One CLI run over the report (module-scoped: one model run for every check below)."""
    folder = tmp_path_factory.mktemp("odt-cli")
    return folder / "rapport.odt", translate_files(folder, {"rapport.odt": build_report()}, tiny_model)


def test_cli_writes_an_odt_with_the_same_structure(translated_report) -> None:
    source, out_dir = translated_report
    original, translated = source.read_bytes(), (out_dir / "rapport.en.odt").read_bytes()
    for kind in (text.H, text.P, text.ListItem, table.TableCell, text.Note, draw.Image):
        assert len(elements(translated, kind)) == len(elements(original, kind)), kind
    assert style_names(translated) == style_names(original)


def test_cli_corpus_files_hold_the_segments_and_the_odt_their_english(translated_report) -> None:
    _, out_dir = translated_report
    # (a line may be empty: an English sentence the aligner matched with no French)
    assert " ".join(line for line in lines(out_dir / "rapport.fr") if line) == " ".join(TRANSLATED)
    rows = [line.split("\t") for line in lines(out_dir / "rapport.paragraphs.fr-en.tsv")][1:]
    assert [row[1] for row in rows] == TRANSLATED
    rebuilt = [" ".join(s.text.split()) for s in read_odt((out_dir / "rapport.en.odt").read_bytes()).segments]
    english = [row[2] for row in rows]
    english[4] += " " + LINK  # the link over part of the sentence follows it, showing its target
    assert [text for text in rebuilt if text != "522250"] == english
    records = [json.loads(line) for line in lines(out_dir / "rapport.jsonl")]
    assert {record["segment"] for record in records} == {kind for kind, _ in EXPECTED}
