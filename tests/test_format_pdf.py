"""PDF: the text layer rebuilt into paragraphs (running lines out, hyphens joined, pages joined),
the English written back as plain text, and every kind of unreadable PDF refused with a reason."""

from __future__ import annotations

import io
import json
import logging
import time
import zlib
from pathlib import Path

import pytest
from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader

from tests.cli_helpers import lines, manifest, run_translate, translate_files
from translate.formats import pdf as pdf_format
from translate.formats.base import FormatError, Parsed
from translate.formats.pdf import ENCRYPTED, NO_TEXT_LAYER, read_pdf

# (text, font size, baseline in mm from the top) of each line, page by page; body lines 6 mm apart
REPORT = [
    [
        ("Bilan de l'année 2023", 16, 35),
        ("Notre équipe a consacré cette année à la qualité de chaque traduc-", 11, 50),
        ("tion livrée, en vérifiant les termes, les chiffres et les noms propres avec", 11, 56),
        ("le plus grand soin ; ça demande du temps, mais les résultats sont là.", 11, 62),  # full: a gap ends it
        ("« Les clients sont satisfaits », déclare la directrice financière, qui présente", 11, 74),
        ("le bilan devant le conseil.", 11, 80),  # short, a sentence ends: no gap needed
        ("Le troisième paragraphe cite, à la page quatre, le rapport de Jean-", 11, 86),
        ("Pierre Martin et commence sur cette page pour continuer sur la", 11, 92),
    ],
    [
        ("page suivante, sans rupture de phrase.", 11, 35),
        ("Perspectives", 13, 50),
        ("Nous visons une croissance durable en 2024.", 11, 60),
    ],
]
REPORT_SEGMENTS = [
    ("heading", "Bilan de l'année 2023"),
    (
        "paragraph",
        "Notre équipe a consacré cette année à la qualité de chaque traduction livrée, en vérifiant les termes, "
        "les chiffres et les noms propres avec le plus grand soin ; ça demande du temps, mais les résultats sont là.",
    ),
    (
        "paragraph",
        "« Les clients sont satisfaits », déclare la directrice financière, qui présente le bilan devant le conseil.",
    ),
    (
        "paragraph",
        "Le troisième paragraphe cite, à la page quatre, le rapport de Jean-Pierre Martin et commence sur cette "
        "page pour continuer sur la page suivante, sans rupture de phrase.",
    ),
    ("heading", "Perspectives"),
    ("paragraph", "Nous visons une croissance durable en 2024."),
]


def _pdf(
    pages, header: str | None = "Rapport annuel", footer: str | None = "Page {n}", user_password: str | None = None
) -> bytes:
    """A PDF with each line placed where ``pages`` says, and a running header and footer
    (encrypted when a user password is given, even an empty one)."""
    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = "windows-1252"  # the encoding of the core fonts: « é » and also • – —
    pdf.set_auto_page_break(False)
    if user_password is not None:
        pdf.set_encryption(owner_password="propriétaire", user_password=user_password)
    for number, page in enumerate(pages, 1):
        pdf.add_page()
        pdf.set_font("Helvetica", size=9)
        if header:
            pdf.text(20, 15, header.format(n=number))
        for text, size, y, *where in page:  # where: an optional font family, then a shift right in mm
            family, shift = (*where, 0) if len(where) == 1 else where or ("Helvetica", 0)
            pdf.set_font(family, size=size)
            pdf.text(20 + shift, y, text)
        pdf.set_font("Helvetica", size=9)
        if footer:
            pdf.text(100, 287, footer.format(n=number, pages=len(pages), roman="i" * number))
    return bytes(pdf.output())


def _segments(parsed: Parsed) -> list[tuple[str, str]]:
    return [(segment.kind, " ".join(segment.text.split())) for segment in parsed.segments]


def _fake_english(parsed: Parsed) -> list[str]:
    return [f"EN {i} " + " ".join(segment.text.split()).upper() for i, segment in enumerate(parsed.segments)]


# --- reading -----------------------------------------------------------------------------------


def test_paragraphs_are_rebuilt_without_running_lines_hyphens_or_page_breaks() -> None:
    parsed = read_pdf(_pdf(REPORT))
    assert _segments(parsed) == REPORT_SEGMENTS
    assert parsed.notes == ["left out 4 running header/footer and page-number lines"]


def test_rebuild_writes_the_english_paragraphs_as_plain_text() -> None:
    parsed = read_pdf(_pdf(REPORT))
    english = _fake_english(parsed)
    rebuilt = parsed.rebuild(english)
    assert rebuilt.simplified == 0
    assert rebuilt.data.decode("utf-8") == "\n\n".join(english) + "\n"
    assert parsed.rebuild(english) == rebuilt  # rebuild keeps no state between calls
    with pytest.raises(ValueError):
        parsed.rebuild(english[:-1])


@pytest.mark.parametrize(
    "footer", ["{n}", "- {n} -", "Page {n}", "{n}/{pages}", "Page {n} sur {pages}", "p. {n}", "{roman}"]
)
def test_page_numbers_of_every_usual_shape_are_left_out(footer: str) -> None:
    words = ("un", "deux", "trois")
    pages = [[(f"Chapitre {word}", 14, 30), (f"Le chapitre {word} tient en une ligne.", 11, 45)] for word in words]
    parsed = read_pdf(_pdf(pages, header=None, footer=footer))
    assert _segments(parsed) == [
        kind_text
        for word in words
        for kind_text in [("heading", f"Chapitre {word}"), ("paragraph", f"Le chapitre {word} tient en une ligne.")]
    ]
    assert parsed.notes == ["left out 3 running header/footer and page-number lines"]


def test_a_running_header_carrying_the_page_number_goes_but_numbered_headings_stay() -> None:
    pages = [[(f"Partie {n}", 14, 30), (f"Le texte de la partie {n} tient en une ligne.", 11, 45)] for n in (1, 2, 3)]
    parsed = read_pdf(_pdf(pages, header="Chapitre 2 : Méthodes - {n}", footer=None))
    assert _segments(parsed) == [
        kind_text
        for n in (1, 2, 3)
        for kind_text in [
            ("heading", f"Partie {n}"),
            ("paragraph", f"Le texte de la partie {n} tient en une ligne."),
        ]
    ]
    assert parsed.notes == ["left out 3 running header/footer and page-number lines"]


def test_a_single_page_keeps_a_line_that_would_be_a_running_header_elsewhere() -> None:
    parsed = read_pdf(_pdf([REPORT[1]], header="Rapport annuel", footer="2"))
    assert _segments(parsed)[0] == ("heading", "Rapport annuel")  # one page: nothing runs
    assert parsed.notes == ["left out 1 running header/footer and page-number lines"]  # the page number


GUIDE = [
    [
        ("Pour installer l'outil, suivez ces étapes :", 11, 40),
        ("• Téléchargez l'archive depuis le site officiel du projet et vérifiez bien sa", 11, 46),
        ("somme de contrôle avant de l'ouvrir.", 11, 52, "Helvetica", 4),
        ("• Lancez les commandes suivantes dans un terminal :", 11, 58),
        ("pip install outil", 10, 66, "Courier"),
        ("outil --aide", 10, 71, "Courier", 4 * 0.6 * 10 * 25.4 / 72),  # four characters further right
        ("1. Ouvrez le fichier de configuration.", 11, 80),
        ("https://exemple.fr/outil", 11, 90),
        ("Le reste se fait tout seul.", 11, 100),
    ]
]


def test_list_markers_code_and_bare_urls_stay_out_of_the_segments_and_come_back() -> None:
    parsed = read_pdf(_pdf(GUIDE, header=None, footer=None))
    assert _segments(parsed) == [
        ("paragraph", "Pour installer l'outil, suivez ces étapes :"),
        (
            "list-item",
            "Téléchargez l'archive depuis le site officiel du projet et vérifiez bien sa somme de contrôle avant "
            "de l'ouvrir.",
        ),
        ("list-item", "Lancez les commandes suivantes dans un terminal :"),
        ("list-item", "Ouvrez le fichier de configuration."),
        ("paragraph", "Le reste se fait tout seul."),
    ]
    english = _fake_english(parsed)
    assert parsed.rebuild(english).data.decode("utf-8").split("\n\n") == [
        english[0],
        "• " + english[1],
        "• " + english[2],
        "pip install outil\n    outil --aide",
        "1. " + english[3],
        "https://exemple.fr/outil",
        english[4] + "\n",
    ]
    assert parsed.notes == ["kept 2 code block(s) and bare URL(s) untranslated"]


def test_an_indented_first_line_starts_a_paragraph_and_inline_code_stays_in_its_sentence() -> None:
    indent = 6  # mm, as LaTeX indents paragraphs set without space between them
    page = [
        ("Le premier paragraphe occupe deux lignes pleines, sans espace de plus entre", 11, 40),
        ("les paragraphes ; sa dernière ligne est pleine et finit une phrase ici.", 11, 46),
        ("Le second commence en retrait, comme dans un livre, et cite la fonction", 11, 52, "Helvetica", indent),
        ("lire_le_fichier_de_configuration(chemin)", 10, 58, "Courier"),
        ("au milieu de sa phrase, qui continue ici jusqu'à son point final.", 11, 64),
    ]
    assert _segments(read_pdf(_pdf([page], header=None, footer=None))) == [
        (
            "paragraph",
            "Le premier paragraphe occupe deux lignes pleines, sans espace de plus entre les paragraphes ; sa "
            "dernière ligne est pleine et finit une phrase ici.",
        ),
        (
            "paragraph",
            "Le second commence en retrait, comme dans un livre, et cite la fonction lire_le_fichier_de_configuration"
            "(chemin) au milieu de sa phrase, qui continue ici jusqu'à son point final.",
        ),
    ]


def test_a_document_set_in_a_monospace_font_is_prose_not_code() -> None:
    typed = [[("Une lettre tapée à la machine, ligne après ligne.", 10, 40, "Courier")]]
    assert _segments(read_pdf(_pdf(typed, header=None, footer=None))) == [
        ("paragraph", "Une lettre tapée à la machine, ligne après ligne.")
    ]


def test_pages_without_text_are_named_in_a_note(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.text(20, 30, "Seule la première page a du texte.")
    pdf.add_page()
    pdf.image(Image.new("RGB", (40, 20), "white"), 20, 20, 40)
    parsed = read_pdf(bytes(pdf.output()))
    assert _segments(parsed) == [("paragraph", "Seule la première page a du texte.")]
    assert parsed.notes == ["page(s) 2 have no text layer (blank or scanned); left out: OCR them if they hold text"]


def test_a_pdf_locked_only_against_editing_is_read() -> None:
    locked = _pdf(REPORT, user_password="")
    assert PdfReader(io.BytesIO(locked)).is_encrypted
    parsed = read_pdf(locked)
    assert _segments(parsed) == REPORT_SEGMENTS


def test_pypdf_warnings_become_a_note_not_log_output(caplog: pytest.LogCaptureFixture) -> None:
    data = _pdf(REPORT)
    offset = data.rindex(b"startxref\n") + len(b"startxref\n")
    broken = data[:offset] + b"9" + data[offset:]  # the cross-reference table is not where it says
    with caplog.at_level(logging.WARNING):
        parsed = read_pdf(broken)
    assert _segments(parsed) == REPORT_SEGMENTS
    assert any(note.startswith("pypdf met ") for note in parsed.notes)
    assert not [record for record in caplog.records if record.name.startswith("pypdf")]
    assert not logging.getLogger("pypdf").handlers and logging.getLogger("pypdf").propagate


# --- hostile and unusable input ----------------------------------------------------------------


def _refused(data: bytes) -> str:
    with pytest.raises(FormatError) as error:
        read_pdf(data)
    message = str(error.value)
    assert "\n" not in message and "; " in message  # one line: what is wrong; what to do
    return message


def test_an_encrypted_pdf_is_refused_without_guessing() -> None:
    assert _refused(_pdf(REPORT, user_password="secret")) == ENCRYPTED


def test_pdfs_with_only_an_image_or_only_shapes_have_no_text_layer() -> None:
    scanned = FPDF()
    scanned.add_page()
    scanned.image(Image.new("RGB", (60, 30), "white"), 20, 20, 60)
    drawn = FPDF()
    drawn.add_page()
    drawn.rect(20, 20, 50, 30)
    drawn.line(10, 10, 100, 100)
    assert _refused(bytes(scanned.output())) == NO_TEXT_LAYER
    assert _refused(bytes(drawn.output())) == NO_TEXT_LAYER


def test_truncated_and_garbage_pdfs_are_refused() -> None:
    data = _pdf(REPORT)
    assert "truncated" in _refused(data[: len(data) // 2])
    assert "truncated" in _refused(b"%PDF-1.4 garbage")
    assert "damaged" in _refused(b"%PDF-1.4\n" + b"\x00garbage\n" * 50 + b"%%EOF\n")


def test_a_text_file_named_pdf_is_not_a_pdf() -> None:
    assert _refused("Ceci n'est pas un PDF, seulement du texte.\n".encode()).startswith("not a PDF (no %PDF header)")


def _raw_pdf(content: bytes, form: bytes | None = None) -> bytes:
    """A one-page PDF written by hand (fpdf2 cannot draw form XObjects): ``content`` is the
    page's content stream, ``form`` that of a form XObject the page may draw as /Fm0."""

    def stream(data: bytes, dictionary: bytes = b"") -> bytes:
        packed = zlib.compress(data)
        return b"<< /Length %d /Filter /FlateDecode %s >>\nstream\n%s\nendstream" % (len(packed), dictionary, packed)

    font = b"<< /Font << /F1 4 0 R >> >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R "
        b"/Resources << /Font << /F1 4 0 R >> /XObject << /Fm0 6 0 R >> >> >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        stream(content),
        stream(form or b"", b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources " + font),
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_a_small_file_that_expands_without_bound_is_refused_quickly() -> None:
    line = b"BT /F1 12 Tf 72 700 Td (Encore une ligne de texte.) Tj ET\n"
    assert _segments(read_pdf(_raw_pdf(line))) == [("paragraph", "Encore une ligne de texte.")]
    content_bomb = _raw_pdf(line * 400_000)  # 23 MB of page content in some 100 kB
    form_bomb = _raw_pdf(b"q /Fm0 Do Q\n" * 20_000, form=line * 50)  # 17 MB of text from 2 kB
    for bomb in (content_bomb, form_bomb):
        started = time.perf_counter()
        assert "possible decompression bomb" in _refused(bomb)
        assert time.perf_counter() - started < 5


def test_text_past_the_cap_is_refused_as_a_bomb(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_format, "MAX_TEXT_CHARS", 100)
    assert "possible decompression bomb" in _refused(_pdf(REPORT))


# --- through the CLI ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def translated(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One CLI run over the report (module-scoped: one model run for every check below)."""
    return translate_files(tmp_path_factory.mktemp("pdf-cli"), {"rapport.pdf": _pdf(REPORT)}, tiny_model)


def test_cli_translates_a_pdf_into_plain_text_paragraphs(translated: Path) -> None:
    assert " ".join(line for line in lines(translated / "rapport.fr") if line) == " ".join(
        text for _, text in REPORT_SEGMENTS
    )
    rows = [line.split("\t") for line in lines(translated / "rapport.paragraphs.fr-en.tsv")][1:]
    assert [row[1] for row in rows] == [text for _, text in REPORT_SEGMENTS]
    english = (translated / "rapport.en.txt").read_text(encoding="utf-8")
    assert english.endswith("\n") and english.removesuffix("\n").split("\n\n") == [row[2] for row in rows]
    records = [json.loads(line) for line in lines(translated / "rapport.jsonl")]
    assert {record["segment"] for record in records} == {"heading", "paragraph"}
    document = manifest(translated)["documents"][0]
    assert document["format"]["segments_by_kind"] == {"heading": 2, "paragraph": 4}


def test_cli_names_a_fake_pdf_and_goes_on(tmp_path: Path, tiny_model: Path, capsys) -> None:
    (tmp_path / "menteur.pdf").write_text("Ceci n'est pas un PDF.\n", encoding="utf-8")
    (tmp_path / "vrai.pdf").write_bytes(_pdf([REPORT[1]], header=None, footer=None))
    result = run_translate(
        capsys, tmp_path / "menteur.pdf", tmp_path / "vrai.pdf", "-o", tmp_path / "out", "--model", tiny_model
    )
    assert any("menteur.pdf" in line and "not a PDF" in line for line in result.error_lines), result.stderr
    assert (tmp_path / "out" / "vrai.en.txt").is_file()
