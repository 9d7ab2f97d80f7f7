"""The DOCX reader: segments in reading order with their kinds, English written back into the
same structure (styles, tables, headers, images, links), and damaged or hostile files refused."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml

from tests.binary_fixtures import tiny_png, zip_of
from tests.cli_helpers import lines, translate_files
from translate.formats import FormatError
from translate.formats.docx import read_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (
    f'xmlns:w="{W}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)

EXPECTED = [
    ("title", "Le rapport annuel"),
    ("heading", "Introduction générale"),
    ("paragraph", "Ce document présente les résultats de l'année."),
    ("paragraph", "Une phrase avec un mot en gras au milieu."),
    ("list-item", "Premier point de la liste"),
    ("list-item", "Second point de la liste"),
    ("heading", "Les chiffres clés"),
    ("cell", "Ville"),
    ("cell", "Population"),
    ("cell", "Région"),
    ("cell", "Lyon"),
    ("cell", "522250"),
    ("cell", "Auvergne-Rhône-Alpes"),
    ("paragraph", "Voici le logo de l'entreprise."),
    ("caption", "Figure 1 : le logo"),
    ("quote", "Il était une fois un petit village."),
    ("header", "En-tête du rapport"),
    ("footer", "Pied de page du rapport"),
]


def to_bytes(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def build_report() -> bytes:
    """The document of EXPECTED: title, headings, a bold word mid-sentence, a list, a 2x3 table
    with a number cell, an inline picture inside a sentence, caption, quote, header and footer."""
    document = docx.Document()
    document.add_heading("Le rapport annuel", level=0)
    document.add_heading("Introduction générale", level=1)
    document.add_paragraph("Ce document présente les résultats de l'année.")
    mixed = document.add_paragraph("Une phrase avec un ")
    mixed.add_run("mot en gras").bold = True
    mixed.add_run(" au milieu.")
    document.add_paragraph("")  # empty: no segment
    document.add_paragraph("Premier point de la liste", style="List Bullet")
    document.add_paragraph("Second point de la liste", style="List Bullet")
    document.add_heading("Les chiffres clés", level=2)
    table = document.add_table(rows=2, cols=3)
    for index, text in enumerate(["Ville", "Population", "Région", "Lyon", "522250", "Auvergne-Rhône-Alpes"]):
        table.cell(index // 3, index % 3).text = text
    picture = document.add_paragraph("Voici le logo ")
    picture.add_run().add_picture(io.BytesIO(tiny_png()))
    picture.add_run("de l'entreprise.")
    document.add_paragraph("Figure 1 : le logo", style="Caption")
    document.add_paragraph("Il était une fois un petit village.", style="Quote")
    document.sections[0].header.paragraphs[0].text = "En-tête du rapport"
    document.sections[0].footer.paragraphs[0].text = "Pied de page du rapport"
    return to_bytes(document)


def fake_english(parsed) -> list[str]:
    return [f"EN {i} " + " ".join(segment.text.split()).upper() for i, segment in enumerate(parsed.segments)]


def segments_of(data: bytes) -> list[tuple[str, str]]:
    return [(segment.kind, " ".join(segment.text.split())) for segment in read_docx(data).segments]


def body_texts(document: docx.document.Document) -> list[str]:
    return [paragraph.text for paragraph in document.paragraphs if paragraph.text.strip()]


def test_segments_in_reading_order_with_kinds():
    assert segments_of(build_report()) == EXPECTED


def test_rebuild_keeps_structure_styles_table_picture_and_header():
    original = docx.Document(io.BytesIO(build_report()))
    parsed = read_docx(build_report())
    english = fake_english(parsed)
    english[11] = parsed.segments[11].text  # what the pipeline gives back for a cell with no letter
    rebuilt = read_docx(build_report()).rebuild(english)
    result = docx.Document(io.BytesIO(rebuilt.data))

    assert len(result.paragraphs) == len(original.paragraphs)
    assert [p.style.name for p in result.paragraphs] == [p.style.name for p in original.paragraphs]
    by_text = dict(zip([text for _, text in EXPECTED], english))
    assert body_texts(result) == [by_text[" ".join(t.split())] for t in body_texts(original)]
    table = result.tables[0]
    assert (len(table.rows), len(table.columns)) == (2, 3)
    assert [cell.text for row in table.rows for cell in row.cells] == english[7:13]
    assert table.cell(1, 1).text == "522250"
    assert result.sections[0].header.paragraphs[0].text == english[16]
    assert result.sections[0].footer.paragraphs[0].text == english[17]
    assert len(result.inline_shapes) == 1
    assert rebuilt.simplified == 1  # the sentence with a bold part


def test_whole_paragraph_formatting_is_kept_and_partial_formatting_dropped():
    document = docx.Document()
    whole = document.add_paragraph()
    run = whole.add_run("Tout est en italique.")
    run.italic = True
    mixed = document.add_paragraph()
    mixed.add_run("Attention").bold = True
    mixed.add_run(" : le four reste très chaud longtemps.")
    parsed = read_docx(to_bytes(document))
    rebuilt = parsed.rebuild(["All in italics.", "Caution: the oven stays hot for a long time."])
    result = docx.Document(io.BytesIO(rebuilt.data))
    first, second = result.paragraphs
    assert [(r.text, r.italic) for r in first.runs] == [("All in italics.", True)]
    # the English takes the formatting of most of the text (plain), not the bold first word's
    assert [(r.text, r.bold) for r in second.runs if r.text] == [("Caution: the oven stays hot for a long time.", None)]
    assert rebuilt.simplified == 1


def add_link(paragraph, text: str, url: str) -> None:
    """A real w:hyperlink with an external relationship (python-docx has no API for it)."""
    rel_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    paragraph._p.append(
        parse_xml(
            f'<w:hyperlink {NAMESPACES} r:id="{rel_id}"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/></w:rPr>'
            f"<w:t>{text}</w:t></w:r></w:hyperlink>"
        )
    )


def test_links_whole_kept_around_english_partial_kept_after_it_showing_target():
    document = docx.Document()
    partial = document.add_paragraph("Consultez le ")
    add_link(partial, "site officiel", "https://example.fr/aide")
    partial.add_run(" pour en savoir plus.")
    whole = document.add_paragraph()
    add_link(whole, "Page d'accueil du projet", "https://example.fr/")
    parsed = read_docx(to_bytes(document))
    assert [s.text for s in parsed.segments] == [
        "Consultez le site officiel pour en savoir plus.",
        "Page d'accueil du projet",
    ]

    rebuilt = parsed.rebuild(["See the official site to learn more.", "Project home page"])
    result = docx.Document(io.BytesIO(rebuilt.data))
    first, second = result.paragraphs
    assert first.text == "See the official site to learn more. https://example.fr/aide"
    assert [link.address for link in first.hyperlinks] == ["https://example.fr/aide"]
    assert [(link.text, link.address) for link in second.hyperlinks] == [("Project home page", "https://example.fr/")]
    assert second.text == "Project home page"
    assert rebuilt.simplified == 1


def replace_part(data: bytes, replacements: dict[str, bytes]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, replacements.get(info.filename, source.read(info)))
        for name, content in replacements.items():
            if name not in source.namelist():
                target.writestr(name, content)
    return output.getvalue()


def with_footnote_text_box_and_page_field(data: bytes) -> bytes:
    """Add what python-docx cannot write: a footnotes part and its reference, a text box drawn
    twice (DrawingML and its VML fallback), and a footer with a PAGE field after text."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    footnotes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes {NAMESPACES}>'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> Une note de bas de page.'
        "</w:t></w:r></w:p></w:footnote></w:footnotes>"
    )
    box = "<w:txbxContent><w:p><w:r><w:t>Texte dans un cadre</w:t></w:r></w:p></w:txbxContent>"
    drawing = (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData>'
        f"<wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
        f"</mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )
    body = parts["word/document.xml"].decode()
    body = body.replace(
        "<w:t>Ce document présente les résultats de l'année.</w:t></w:r>",
        "<w:t>Ce document présente les résultats de l'année.</w:t></w:r>"
        '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="1"/></w:r>' + drawing,
    )
    rels = (
        parts["word/_rels/document.xml.rels"]
        .decode()
        .replace(
            "</Relationships>",
            f'<Relationship Id="rIdNotes" Type="{RT.FOOTNOTES}" Target="footnotes.xml"/></Relationships>',
        )
    )
    types = (
        parts["[Content_Types].xml"]
        .decode()
        .replace(
            "</Types>",
            '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.footnotes+xml"/></Types>',
        )
    )
    footer_name = next(name for name in parts if re.fullmatch(r"word/footer\d*\.xml", name))
    footer = re.sub(
        r"(<w:t>Pied de page du rapport</w:t></w:r>)",
        r'\1<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText>'
        r'</w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>3</w:t></w:r>'
        r'<w:r><w:fldChar w:fldCharType="end"/></w:r>',
        parts[footer_name].decode(),
    )
    return replace_part(
        data,
        {
            "word/document.xml": body.encode(),
            "word/_rels/document.xml.rels": rels.encode(),
            "[Content_Types].xml": types.encode(),
            "word/footnotes.xml": footnotes.encode(),
            footer_name: footer.encode(),
        },
    )


def test_footnotes_text_boxes_and_fields():
    data = with_footnote_text_box_and_page_field(build_report())
    expected = (
        EXPECTED[:3]
        + [("paragraph", "Texte dans un cadre")]
        + EXPECTED[3:]
        + [("footnote", "Une note de bas de page.")]
    )
    assert segments_of(data) == expected  # the footer's page number is a field: not text

    parsed = read_docx(data)
    english = fake_english(parsed)
    rebuilt = parsed.rebuild(english)
    with zipfile.ZipFile(io.BytesIO(rebuilt.data)) as archive:
        body = archive.read("word/document.xml").decode()
        notes = archive.read("word/footnotes.xml").decode()
        footer = next(archive.read(n).decode() for n in archive.namelist() if re.fullmatch(r"word/footer\d*\.xml", n))
    assert body.count("EN 3 TEXTE DANS UN CADRE") == 2  # the text box and its VML fallback copy
    assert "Texte dans un cadre" not in body and "footnoteReference" in body
    assert "EN 19 UNE NOTE DE BAS DE PAGE." in notes and 'w:type="separator"' in notes
    assert "EN 18 PIED DE PAGE DU RAPPORT" in footer and "PAGE" in footer and "<w:t>3</w:t>" in footer
    assert segments_of(rebuilt.data) == [(kind, text) for (kind, _), text in zip(expected, english)]


def test_rebuild_twice_from_one_parsed_gives_the_same_file_and_identity_changes_no_text():
    data = build_report()
    parsed = read_docx(data)
    english = fake_english(parsed)
    assert segments_of(parsed.rebuild(english).data) == segments_of(parsed.rebuild(english).data)
    unchanged = parsed.rebuild([segment.text for segment in parsed.segments])
    assert segments_of(unchanged.data) == EXPECTED and unchanged.simplified == 0


# --- hostile and damaged inputs --------------------------------------------------------------


def test_truncated_docx_is_refused():
    data = build_report()
    with pytest.raises(FormatError, match="not a valid DOCX file .*truncated"):
        read_docx(data[: len(data) // 2])


def test_zip_that_is_not_a_word_document_is_refused():
    with pytest.raises(FormatError, match="not a Word document"):
        read_docx(zip_of({"hello.txt": b"Bonjour", "data/notes.xml": b"<notes/>"}))


def test_entity_declaration_is_refused():
    with zipfile.ZipFile(io.BytesIO(build_report())) as archive:
        body = archive.read("word/document.xml").decode()
    hostile = body.replace("?>", '?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 1).replace(
        "Ce document", "&e; Ce document"
    )
    with pytest.raises(FormatError, match="word/document.xml declares XML entities"):
        read_docx(replace_part(build_report(), {"word/document.xml": hostile.encode()}))


def test_zip_bomb_is_refused_before_unpacking():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            block = bytes(1 << 20)
            for _ in range(201):
                member.write(block)
    with pytest.raises(FormatError, match="possible zip bomb"):
        read_docx(buffer.getvalue())


def test_macro_enabled_document_is_refused_with_its_type():
    with zipfile.ZipFile(io.BytesIO(build_report())) as archive:
        types = archive.read("[Content_Types].xml").decode()
    macro = types.replace(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    with pytest.raises(FormatError, match=r"not a Word document \(\.docx\) but .*macroEnabled"):
        read_docx(replace_part(build_report(), {"[Content_Types].xml": macro.encode()}))


def test_password_protected_docx_is_refused():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptedPackage".encode("utf-16-le") + bytes(100)
    with pytest.raises(FormatError, match="password-protected"):
        read_docx(ole)


def test_text_file_named_docx_is_refused():
    with pytest.raises(FormatError, match="not a valid DOCX file"):
        read_docx(b"Bonjour")


# --- end to end through the CLI --------------------------------------------------------------


@pytest.fixture(scope="module")
def translated_report(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path) -> tuple[Path, Path]:
    """One CLI run over the report (module-scoped: one model run for every check below)."""
    folder = tmp_path_factory.mktemp("docx-cli")
    return folder / "rapport.docx", translate_files(folder, {"rapport.docx": build_report()}, tiny_model)


TRANSLATED = [text for _, text in EXPECTED if text != "522250"]  # a cell with no letter is not sent


def test_cli_writes_a_docx_with_the_same_structure(translated_report) -> None:
    source, out_dir = translated_report
    translated = docx.Document(str(out_dir / "rapport.en.docx"))
    original = docx.Document(str(source))
    assert [p.style.name for p in translated.paragraphs] == [p.style.name for p in original.paragraphs]
    assert len(translated.inline_shapes) == 1
    assert (len(translated.tables[0].rows), len(translated.tables[0].columns)) == (2, 3)
    assert translated.tables[0].cell(1, 1).text == "522250"


def test_cli_corpus_files_hold_the_segments_and_the_docx_their_english(translated_report) -> None:
    _, out_dir = translated_report
    # (a line may be empty: an English sentence the aligner matched with no French)
    assert " ".join(line for line in lines(out_dir / "rapport.fr") if line) == " ".join(TRANSLATED)
    rows = [line.split("\t") for line in lines(out_dir / "rapport.paragraphs.fr-en.tsv")][1:]
    assert [row[1] for row in rows] == TRANSLATED
    rebuilt = [" ".join(s.text.split()) for s in read_docx((out_dir / "rapport.en.docx").read_bytes()).segments]
    assert [text for text in rebuilt if text != "522250"] == [row[2] for row in rows]
    records = [json.loads(line) for line in lines(out_dir / "rapport.jsonl")]
    assert {record["segment"] for record in records} == {kind for kind, _ in EXPECTED}
