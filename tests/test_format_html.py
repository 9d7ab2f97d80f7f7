"""HTML and XHTML: the segments a page gives, the page written back in English, and pages that
are hostile (entities), deeply nested or broken."""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from tests.cli_helpers import lines, translate_files
from translate.formats.base import FormatError
from translate.formats.html import read_html, read_xhtml

PAGE = """<!DOCTYPE html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <title>Le jardin partagé</title>
  <style>p > a { color: #c00; } /* <p>pas du texte</p> */</style>
  <script>var message = "<p>Ne pas traduire</p>"; if (a < b && c) { go(); }</script>
</head>
<body>
  <!-- menu principal -->
  <nav><ul><li><a href="/">Accueil</a></li><li><a href="/contact.html">Nous écrire</a></li></ul></nav>
  <h1>Bienvenue au jardin</h1>
  <p>Lisez notre <a href="https://example.org/guide?x=1&amp;y=2">guide complet</a> avant de <b>semer</b>.</p>
  <p><strong>Les graines sont gratuites.</strong></p>
  <pre><code>planter(graine, profondeur=2)
arroser()</code></pre>
  <p>Lancez <code>make jardin</code> chaque matin.</p>
  <ul>
    <li>Tomates</li>
    <li><p>Courgettes et potirons</p></li>
  </ul>
  <table>
    <tr><th>Légume</th><th>Rangs</th></tr>
    <tr><td>Carottes</td><td>42</td></tr>
  </table>
</body>
</html>
"""

EXPECTED = [
    ("title", "Le jardin partagé"),
    ("list-item", "Accueil"),
    ("list-item", "Nous écrire"),
    ("heading", "Bienvenue au jardin"),
    ("paragraph", "Lisez notre guide complet avant de semer."),
    ("paragraph", "Les graines sont gratuites."),
    ("paragraph", "Lancez make jardin chaque matin."),
    ("list-item", "Tomates"),
    ("list-item", "Courgettes et potirons"),
    ("cell", "Légume"),
    ("cell", "Rangs"),
    ("cell", "Carottes"),
    ("cell", "42"),
]


def segments(parsed) -> list[tuple[str, str]]:
    return [(segment.kind, " ".join(segment.text.split())) for segment in parsed.segments]


def fake_english(parsed) -> list[str]:
    """Recognisable English; a segment with no letter comes back unchanged, as the pipeline does."""
    return [
        f"EN {index} " + " ".join(segment.text.split()).upper()
        if re.search(r"[^\W\d_]", segment.text)
        else segment.text
        for index, segment in enumerate(parsed.segments)
    ]


def raw_elements(html: bytes, tag: bytes) -> list[bytes]:
    return re.findall(rb"<" + tag + rb"\b.*?</" + tag + rb">", html, flags=re.DOTALL)


def test_page_segments_are_the_visible_text_in_reading_order() -> None:
    parsed = read_html(PAGE.encode("utf-8"))
    assert segments(parsed) == EXPECTED
    assert parsed.notes == []


def test_page_rebuilt_in_english_keeps_its_structure_and_everything_untranslatable() -> None:
    source = PAGE.encode("utf-8")
    parsed = read_html(source)
    english = fake_english(parsed)
    english[6] = "Run make jardin every morning."  # the inline code's text is in the English
    rebuilt = parsed.rebuild(english)
    out = rebuilt.data
    assert out.startswith(b'<!DOCTYPE html>\n<html lang="en">')
    original, page = lxml.html.document_fromstring(source), lxml.html.document_fromstring(out)
    for tag in ("title", "nav", "h1", "p", "pre", "code", "ul", "li", "table", "tr", "th", "td", "a", "b", "strong"):
        expected = len(original.findall(f".//{tag}")) - (tag == "b")  # the partial bold is dropped
        assert len(page.findall(f".//{tag}")) == expected, tag
    for tag in (b"script", b"style", b"pre"):
        assert raw_elements(out, tag) == raw_elements(source, tag)
    assert b"<!-- menu principal -->" in out
    assert [a.get("href") for a in page.iter("a")] == [a.get("href") for a in original.iter("a")]
    assert page.find(".//strong").text == "EN 5 LES GRAINES SONT GRATUITES."  # whole-segment formatting kept
    assert page.findall(".//td")[1].text == "42"
    assert page.find(".//p/code").text == "make jardin"
    # only the paragraph with a partial link and bold was simplified; its link now shows its target
    assert rebuilt.simplified == 1
    link_paragraph = page.findall(".//p")[0]
    assert link_paragraph.text_content() == f"{english[4]} https://example.org/guide?x=1&y=2"
    reread = [" ".join(segment.text.split()) for segment in read_html(out).segments]
    english[4] += " https://example.org/guide?x=1&y=2"
    assert reread == english


def test_rebuild_can_run_twice_and_does_not_touch_the_parsed_page() -> None:
    parsed = read_html(PAGE.encode("utf-8"))
    english = fake_english(parsed)
    assert parsed.rebuild(english) == parsed.rebuild(english)
    assert segments(parsed) == EXPECTED
    with pytest.raises(ValueError):
        parsed.rebuild(english[:-1])


def test_unchanged_segments_are_left_byte_for_byte() -> None:
    parsed = read_html(PAGE.encode("utf-8"))
    out = parsed.rebuild([segment.text for segment in parsed.segments]).data
    assert (
        out.replace(b'lang="en"', b'lang="fr"')
        == lxml.html.tostring(
            lxml.html.document_fromstring(PAGE.encode("utf-8")).getroottree(),
            encoding="utf-8",
            doctype="<!DOCTYPE html>",
        )
        + b"\n"
    )


def test_blocks_inside_blocks_and_text_beside_blocks() -> None:
    page = b"""<html><body>
    <div>Avant le bloc<p>Dans le bloc</p>Apres le bloc</div>
    <ul><li>Fruits<ul><li>Pommes</li></ul></li></ul>
    <blockquote><p>Une citation.</p></blockquote>
    <figure><img src="x.png" alt="photo"><figcaption>Une photo</figcaption></figure>
    <dl><dt>Terme</dt><dd>Definition</dd></dl>
    <header>Mon site</header><footer><p>Pied de page</p></footer>
    <p>Premier vers<br>second vers</p>
    <a href="/x"><div>Carte cliquable</div></a>
    <form><label>Nom <input name="nom"></label><select><option>Choix un</option></select><button>Envoyer</button></form>
    <noscript>Activez JavaScript</noscript><template><p>Modele</p></template><textarea>Zone</textarea>
    <svg><text>Dessin</text></svg><math><mi>x</mi></math>
    <p><code>seulement_du_code()</code></p><p>https://example.org/page</p><p>contact@example.org</p>
    </body></html>"""
    assert segments(read_html(page)) == [
        ("paragraph", "Avant le bloc"),
        ("paragraph", "Dans le bloc"),
        ("paragraph", "Apres le bloc"),
        ("list-item", "Fruits"),
        ("list-item", "Pommes"),
        ("quote", "Une citation."),
        ("caption", "Une photo"),
        ("paragraph", "Terme"),
        ("paragraph", "Definition"),
        ("header", "Mon site"),
        ("footer", "Pied de page"),
        ("paragraph", "Premier vers"),
        ("paragraph", "second vers"),
        ("paragraph", "Carte cliquable"),
        ("paragraph", "Nom"),
        ("paragraph", "Envoyer"),
    ]


def test_inline_markup_policy() -> None:
    page = (
        b"<html><body>"
        b'<p><em><a href="/a">Tout le lien</a></em></p>'  # wrappers around the whole segment are kept
        b"<p>Un <i>mot</i> en italique.</p>"  # partial formatting is dropped
        b"<p>Appelez <code>f(x)</code> ici.</p>"  # code not in the English: kept after it
        b'<p>Voir la note<a href="#n1"><sup>1</sup></a>.</p>'  # a link with no letter keeps its text
        b'<p><img src="a.png"> Avec une image au d\xc3\xa9but.</p>'  # a leading image keeps its place
        b'<p>Texte <span id="ancre">cible</span> ici.</p>'  # an anchor's id survives
        b"</body></html>"
    )
    parsed = read_html(page)
    rebuilt = parsed.rebuild(["The whole link", "A word in italics.", "Call it here.", "See the note.", "Image.", "T."])
    body = lxml.html.document_fromstring(rebuilt.data).body
    html = [lxml.html.tostring(p, encoding="unicode") for p in body]
    assert html == [
        '<p><em><a href="/a">The whole link</a></em></p>',
        "<p>A word in italics.</p>",
        "<p>Call it here. <code>f(x)</code></p>",
        '<p>See the note. <a href="#n1"><sup>1</sup></a></p>',
        '<p><img src="a.png"> Image.</p>',
        '<p><span id="ancre"></span>T.</p>',
    ]
    assert rebuilt.simplified == 4


def test_charset_declared_in_a_meta_is_honoured_and_the_output_is_utf8() -> None:
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head>'
    page += "<body><p>Été déjà là</p></body></html>"
    parsed = read_html(page.encode("cp1252"))
    assert segments(parsed) == [("paragraph", "Été déjà là")]
    out = parsed.rebuild(["Summer already here"]).data
    assert b'content="text/html; charset=utf-8"' in out
    assert not out.startswith(b"<!DOCTYPE")  # libxml2's default doctype is not added


def test_undeclared_windows_1252_is_repaired_with_a_note() -> None:
    parsed = read_html("<p>Caf\xe9 cr\xe8me</p>".encode("cp1252"))
    assert segments(parsed) == [("paragraph", "Café crème")]
    assert any("Windows-1252" in note for note in parsed.notes)


@pytest.mark.parametrize("tag", ["div", "span", "b"])
def test_deeply_nested_page_keeps_its_text_with_a_note(tag: str) -> None:
    depth = 10_000
    page = f"<html><body><p>Début</p>{f'<{tag}>' * depth}Texte profond{f'</{tag}>' * depth}<p>Fin</p></body></html>"
    parsed = read_html(page.encode("utf-8"))
    assert [text for _, text in segments(parsed)] == ["Début", "Texte profond", "Fin"]
    assert any("nested more than" in note for note in parsed.notes)
    out = parsed.rebuild(["Start", "Deep text", "End"]).data
    assert [" ".join(s.text.split()) for s in read_html(out).segments] == ["Start", "Deep text", "End"]


def test_hundreds_of_unclosed_tags_keep_the_rest_of_the_page() -> None:
    page = "<p>Un début " + "<font>mot " * 400 + "<p>La suite de la page.</p><p>Encore.</p>"
    texts = [text for _, text in segments(read_html(page.encode("utf-8")))]
    assert " ".join(texts) == "Un début " + "mot " * 400 + "La suite de la page. Encore."


def test_broken_html_keeps_its_text() -> None:
    page = b"<p>Un <b>deux</p></p></div> trois <td>quatre<p>cinq \xff\xfe junk \x00 six</i><li>sept"
    parsed = read_html(page)
    texts = " ".join(text for _, text in segments(parsed))
    for word in ("Un", "deux", "trois", "quatre", "cinq", "junk", "six", "sept"):
        assert word in texts
    out = parsed.rebuild([f"EN {i}" for i in range(len(parsed.segments))]).data
    assert len(read_html(out).segments) == len(parsed.segments)


def test_page_with_no_element_is_refused() -> None:
    with pytest.raises(FormatError, match="no HTML content"):
        read_html(b"<!-- rien -->")


# --- XHTML -------------------------------------------------------------------------------------

XHTML = b"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="fr" lang="fr">
<head><title>Chapitre</title><script src="s.js"></script><link rel="stylesheet" href="s.css"/></head>
<body>
<h2>Le d\xc3\xa9part</h2>
<p>Il\xc2\xa0part &amp; revient&nbsp;vite.</p>
<div/>
<p>Tr\xc3\xa8s <em>loin</em>.<br/>Voil\xc3\xa0.</p>
<svg xmlns="http://www.w3.org/2000/svg"><text>Dessin</text><path d="M0 0"/></svg>
</body>
</html>
"""


def test_xhtml_segments_and_rebuild() -> None:
    parsed = read_xhtml(XHTML)
    assert segments(parsed) == [
        ("title", "Chapitre"),
        ("heading", "Le départ"),
        ("paragraph", "Il part & revient vite."),
        ("paragraph", "Très loin."),
        ("paragraph", "Voilà."),
    ]
    assert parsed.segments[2].text == "Il\xa0part & revient\xa0vite."  # &nbsp; (undeclared, DTD not read) is U+00A0
    rebuilt = parsed.rebuild(["Chapter", "The departure", "He leaves & comes back fast.", "Very far.", "There."])
    assert rebuilt.simplified == 1
    out = rebuilt.data
    assert out.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<!DOCTYPE html PUBLIC")
    root = etree.fromstring(out)
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    assert root.get("lang") == "en" and root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert [p.text for p in root.iterfind(".//x:p", ns)] == ["He leaves & comes back fast.", "Very far."]
    assert b'<script src="s.js"></script>' in out and b"<div></div>" in out and b"<br/>" in out
    assert b'<path d="M0 0"/>' in out and b"<text>Dessin</text>" in out


@pytest.mark.parametrize(
    "page",
    [
        b'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&xxe;</p></body></html>',
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;">]><html><body><p>&lol2;</p></body></html>',
    ],
    ids=["xxe", "billion-laughs"],
)
def test_xhtml_declaring_entities_is_refused(page: bytes) -> None:
    with pytest.raises(FormatError, match="declares XML entities"):
        read_xhtml(page)


def test_xhtml_that_is_not_well_formed_or_too_deep_is_refused() -> None:
    with pytest.raises(FormatError, match="not well-formed"):
        read_xhtml(b"<html><body><p>ouvert</body></html>")
    with pytest.raises(FormatError, match="not well-formed"):
        read_xhtml(b"<html><body>" + b"<div>" * 10_000 + b"x" + b"</div>" * 10_000 + b"</body></html>")


# --- end to end through the CLI ----------------------------------------------------------------

CLI_PAGE = """<!DOCTYPE html>
<html lang="fr"><head><title>Le potager</title><script>var x = "<b>code</b>";</script></head>
<body>
<h1>Notre potager</h1>
<p>Les tomates poussent vite en été.</p>
<p><em>Arrosez le soir.</em></p>
<pre><code>arroser(soir=True)</code></pre>
<ul><li>Salades</li><li>Radis roses</li></ul>
<table><tr><td>Poireaux</td><td>12</td></tr></table>
<p><a href="https://example.org/potager">https://example.org/potager</a></p>
</body></html>
"""
CLI_TRANSLATED = [
    "Le potager",
    "Notre potager",
    "Les tomates poussent vite en été.",
    "Arrosez le soir.",
    "Salades",
    "Radis roses",
    "Poireaux",
]


@pytest.fixture(scope="module")
def translated_page(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path) -> tuple[Path, Path]:
    """One CLI run over the page (module-scoped: one model run for every check below)."""
    folder = tmp_path_factory.mktemp("html-cli")
    return folder / "potager.html", translate_files(folder, {"potager.html": CLI_PAGE.encode()}, tiny_model)


def test_cli_writes_the_page_with_the_same_structure(translated_page) -> None:
    source, out_dir = translated_page
    out = (out_dir / "potager.en.html").read_bytes()
    original, page = lxml.html.document_fromstring(source.read_bytes()), lxml.html.document_fromstring(out)
    for tag in ("h1", "p", "pre", "code", "ul", "li", "td", "a", "em", "script"):
        assert len(page.findall(f".//{tag}")) == len(original.findall(f".//{tag}")), tag
    assert raw_elements(out, b"script") == raw_elements(source.read_bytes(), b"script")
    assert raw_elements(out, b"pre") == raw_elements(source.read_bytes(), b"pre")
    assert page.findall(".//td")[1].text == "12"
    assert page.find(".//a").text == page.find(".//a").get("href") == "https://example.org/potager"


def test_cli_corpus_files_hold_the_segments_and_the_page_their_english(translated_page) -> None:
    _, out_dir = translated_page
    assert " ".join(line for line in lines(out_dir / "potager.fr") if line) == " ".join(CLI_TRANSLATED)
    rows = [line.split("\t") for line in lines(out_dir / "potager.paragraphs.fr-en.tsv")][1:]
    assert [row[1] for row in rows] == CLI_TRANSLATED
    rebuilt = [" ".join(s.text.split()) for s in read_html((out_dir / "potager.en.html").read_bytes()).segments]
    assert [text for text in rebuilt if text != "12"] == [row[2] for row in rows]
    records = [json.loads(line) for line in lines(out_dir / "potager.jsonl")]
    assert {record["segment"] for record in records} == {"title", "heading", "paragraph", "list-item", "cell"}
