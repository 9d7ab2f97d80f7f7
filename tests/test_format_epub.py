"""EPUB: the title and the spine's chapters as segments, the book written back in English with
every other part intact, and books that are damaged or hostile."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import ebooklib
import pytest
from ebooklib import epub
from lxml import etree

from tests.binary_fixtures import tiny_png
from tests.cli_helpers import lines, translate_files
from translate.formats.base import FormatError
from translate.formats.epub import read_epub

CSS = b"p { text-indent: 1em; }"
CHAPTER_ONE = (
    "<h1>Le départ</h1>"
    "<p>Il était une fois un <em>chat</em> très curieux.</p>"
    '<p><img src="images/chat.png" alt="le chat"/></p>'
    "<pre><code>ne_pas_traduire()</code></pre>"
)
CHAPTER_TWO = "<h1>Le retour</h1><p>Le chat rentre à la maison.</p><ul><li>Il mange.</li><li>Il dort.</li></ul>"

EXPECTED = [
    ("title", "Les Aventures du chat"),
    ("title", "Chapitre un"),
    ("heading", "Le départ"),
    ("paragraph", "Il était une fois un chat très curieux."),
    ("title", "Chapitre deux"),
    ("heading", "Le retour"),
    ("paragraph", "Le chat rentre à la maison."),
    ("list-item", "Il mange."),
    ("list-item", "Il dort."),
]


def build_book() -> bytes:
    """Two chapters (added to the manifest in the opposite order to the spine's), an image, a
    stylesheet, a navigation document and an NCX that are not in the spine."""
    book = epub.EpubBook()
    book.set_identifier("livre-chat-1")
    book.set_title("Les Aventures du chat")
    book.set_language("fr")
    book.add_author("Anne Autrice")
    chapters = []
    for title, name, content in (
        ("Chapitre un", "ch1.xhtml", CHAPTER_ONE),
        ("Chapitre deux", "ch2.xhtml", CHAPTER_TWO),
    ):
        chapter = epub.EpubHtml(title=title, file_name=name, lang="fr")
        chapter.content = content
        chapter.add_link(href="style/livre.css", rel="stylesheet", type="text/css")
        chapters.append(chapter)
    for chapter in reversed(chapters):
        book.add_item(chapter)
    book.add_item(epub.EpubItem(uid="css", file_name="style/livre.css", media_type="text/css", content=CSS))
    book.add_item(epub.EpubImage(uid="chat", file_name="images/chat.png", media_type="image/png", content=tiny_png()))
    book.toc = tuple(chapters)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = chapters
    out = io.BytesIO()
    epub.write_epub(out, book)
    return out.getvalue()


def segments(parsed) -> list[tuple[str, str]]:
    return [(segment.kind, " ".join(segment.text.split())) for segment in parsed.segments]


def reopen(data: bytes) -> epub.EpubBook:
    return epub.read_epub(io.BytesIO(data), {"ignore_ncx": True})


def chapters(book: epub.EpubBook) -> list[epub.EpubHtml]:
    return [item for item in book.get_items_of_type(ebooklib.ITEM_DOCUMENT) if not isinstance(item, epub.EpubNav)]


def test_segments_are_the_title_then_the_chapters_in_spine_order() -> None:
    parsed = read_epub(build_book())
    assert segments(parsed) == EXPECTED
    assert parsed.notes == ["the table of contents (navigation document, NCX) keeps its French labels"]


def test_rebuilt_book_has_the_english_and_every_other_part_intact() -> None:
    source = build_book()
    parsed = read_epub(source)
    english = [f"EN {index} " + " ".join(segment.text.split()).upper() for index, segment in enumerate(parsed.segments)]
    rebuilt = parsed.rebuild(english)
    assert rebuilt.simplified == 1  # the partial <em>
    before, after = zipfile.ZipFile(io.BytesIO(source)), zipfile.ZipFile(io.BytesIO(rebuilt.data))
    assert after.namelist() == before.namelist()
    assert after.infolist()[0].filename == "mimetype" and after.infolist()[0].compress_type == zipfile.ZIP_STORED
    changed = {"EPUB/content.opf", "EPUB/ch1.xhtml", "EPUB/ch2.xhtml"}
    for name in set(before.namelist()) - changed:  # image, stylesheet, nav, NCX, container: byte for byte
        assert after.read(name) == before.read(name), name

    original, book = reopen(source), reopen(rebuilt.data)
    assert [item.file_name for item in chapters(book)] == [item.file_name for item in chapters(original)]
    assert book.get_item_with_id("chat").content == tiny_png()
    assert book.get_metadata("DC", "title")[0][0] == english[0]
    assert book.get_metadata("DC", "language")[0][0] == "en"
    assert book.get_metadata("DC", "creator")[0][0] == "Anne Autrice"
    assert [idref for idref, _ in book.spine] == [idref for idref, _ in original.spine]

    reread = read_epub(rebuilt.data)
    assert [segment.text for segment in reread.segments] == english
    chapter = etree.fromstring(after.read("EPUB/ch1.xhtml"))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    assert chapter.get("lang") == "en"
    assert chapter.find(".//x:link", ns).get("href") == "style/livre.css"
    assert chapter.find(".//x:img", ns).get("src") == "images/chat.png"
    assert chapter.find(".//x:pre/x:code", ns).text == "ne_pas_traduire()"


def test_rebuild_does_not_change_the_parsed_book() -> None:
    parsed = read_epub(build_book())
    english = [segment.text for segment in parsed.segments]
    assert parsed.rebuild(english) == parsed.rebuild(english)
    assert segments(parsed) == EXPECTED


def rezip(data: bytes, replace: dict[str, bytes | None]) -> bytes:
    """The book's zip with some members replaced (None: removed)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = replace.get(name, source.read(name))
            if content is not None:
                target.writestr(name, content)
        for name, content in replace.items():
            if name not in source.namelist() and content is not None:
                target.writestr(name, content)
    return out.getvalue()


ENTITY_CHAPTER = (
    b'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&xxe;</p></body></html>'
)


def test_truncated_book_is_refused() -> None:
    data = build_book()
    with pytest.raises(FormatError, match="damaged or truncated zip"):
        read_epub(data[: len(data) // 2])


def test_text_named_epub_is_refused() -> None:
    with pytest.raises(FormatError, match="not a valid EPUB file"):
        read_epub(b"Ceci n'est pas un livre.\n")


def test_zip_without_container_is_refused() -> None:
    data = rezip(build_book(), {"META-INF/container.xml": None})
    with pytest.raises(FormatError, match=r"no META-INF/container\.xml"):
        read_epub(data)


def test_container_naming_a_missing_package_is_refused() -> None:
    data = rezip(build_book(), {"EPUB/content.opf": None})
    with pytest.raises(FormatError, match=r"package document EPUB/content\.opf is missing"):
        read_epub(data)


def test_manifest_naming_a_missing_chapter_is_refused() -> None:
    data = rezip(build_book(), {"EPUB/ch2.xhtml": None})
    with pytest.raises(FormatError, match=r"not a valid EPUB file \(missing part EPUB/ch2\.xhtml\)"):
        read_epub(data)


def test_chapter_declaring_an_entity_is_refused() -> None:
    with pytest.raises(FormatError, match="declares XML entities"):
        read_epub(rezip(build_book(), {"EPUB/ch1.xhtml": ENTITY_CHAPTER}))


def test_chapter_declaring_an_entity_under_any_name_is_refused() -> None:
    """The zip guard checks parts by suffix; a chapter named otherwise is checked when parsed."""
    data = build_book()
    package = zipfile.ZipFile(io.BytesIO(data)).read("EPUB/content.opf").replace(b'"ch1.xhtml"', b'"ch1.page"')
    data = rezip(data, {"EPUB/ch1.xhtml": None, "EPUB/ch1.page": ENTITY_CHAPTER, "EPUB/content.opf": package})
    with pytest.raises(FormatError, match="declares XML entities"):
        read_epub(data)


def test_chapter_that_is_not_well_formed_is_refused() -> None:
    data = rezip(build_book(), {"EPUB/ch2.xhtml": b"<html><body><p>ouvert</body></html>"})
    with pytest.raises(FormatError, match=r"EPUB chapter EPUB/ch2\.xhtml is not well-formed"):
        read_epub(data)


# --- end to end through the CLI ----------------------------------------------------------------


@pytest.fixture(scope="module")
def translated_book(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path) -> tuple[Path, Path]:
    """One CLI run over the book (module-scoped: one model run for every check below)."""
    folder = tmp_path_factory.mktemp("epub-cli")
    return folder / "livre.epub", translate_files(folder, {"livre.epub": build_book()}, tiny_model)


def test_cli_writes_a_book_with_the_same_chapters_and_image(translated_book) -> None:
    source, out_dir = translated_book
    original, book = reopen(source.read_bytes()), reopen((out_dir / "livre.en.epub").read_bytes())
    assert [item.file_name for item in chapters(book)] == [item.file_name for item in chapters(original)]
    assert book.get_item_with_id("chat").content == tiny_png()
    assert book.get_item_with_id("css").content == CSS


def test_cli_corpus_files_hold_the_segments_and_the_book_their_english(translated_book) -> None:
    _, out_dir = translated_book
    french = [text for _, text in EXPECTED]
    assert " ".join(line for line in lines(out_dir / "livre.fr") if line) == " ".join(french)
    rows = [line.split("\t") for line in lines(out_dir / "livre.paragraphs.fr-en.tsv")][1:]
    assert [row[1] for row in rows] == french
    rebuilt = [" ".join(s.text.split()) for s in read_epub((out_dir / "livre.en.epub").read_bytes()).segments]
    assert rebuilt == [row[2] for row in rows]
    records = [json.loads(line) for line in lines(out_dir / "livre.jsonl")]
    assert {record["segment"] for record in records} == {"title", "heading", "paragraph", "list-item"}
