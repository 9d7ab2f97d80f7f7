"""The review page as markup: rows, escaping, histogram, facts, the index, the translate glue and
``align-sentences --format html`` (no browser here; tests/test_review_browser.py drives one)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import lxml.html
import pytest

from aligned import Bead
from aligned.beads import SentencePair
from aligned.cli import main as align_main
from aligned.review import (
    HIGH_SCORE,
    SUSPECT_SCORE,
    IndexEntry,
    band,
    is_suspect,
    render_index,
    render_page,
    review_rows,
)
from translate.outputs.review import page_href, review_index, review_page, run_facts
from translate.pipeline import DocumentResult, ParagraphResult

HOSTILE = [
    "<script>alert(1)</script>",
    "</script><script>alert(2)</script>",
    "<img src=x onerror=alert(1)>",
    "a \"quoted\" and 'single' & ampersand &amp; &lt;",
    "line\u2028separator\u2029paragraph",
    "]]><!-- comment --><style>body{display:none}</style>",
]
ROWS = [
    SentencePair(0, (0,), (0,), "Le chat dort.", "The cat sleeps.", 0.91),
    SentencePair(0, (1, 2), (1,), "Il pleut. Il vente.", "It rains and blows.", 0.78, "heading"),
    SentencePair(1, (3,), (), "Phrase seule.", "", 0.0),
    SentencePair(1, (), (2,), "", "Lonely sentence.", 0.0),
    SentencePair(2, (4,), (3,), "Douteux.", "Doubtful.", 0.70),
]


def parse(page: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(page)


def data_rows(document: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return document.xpath('//div[@id="rows"]/div')


def cells(row: lxml.html.HtmlElement) -> tuple[str, str]:
    french, english = row.xpath('./div[@class="t"]')
    return french.text_content(), english.text_content()


def test_row_properties_follow_the_bands():
    assert [row.kind for row in ROWS] == ["1-1", "2-1", "1-0", "0-1", "1-1"]
    assert [is_suspect(row) for row in ROWS] == [False, False, True, True, True]
    assert [band(row) for row in ROWS] == ["high", "mid", "none", "none", "low"]
    at = SentencePair(0, (0,), (0,), "a", "b", SUSPECT_SCORE)
    assert not is_suspect(at) and band(at) == "mid"
    assert band(SentencePair(0, (0,), (0,), "a", "b", HIGH_SCORE)) == "high"
    assert is_suspect(SentencePair(0, (0,), (0,), "a", "b", math.nan))  # a score that is no number is no confidence


def test_one_row_per_bead_in_order_with_its_data():
    document = parse(render_page("doc", ROWS))
    rows = data_rows(document)
    assert [cells(row) for row in rows] == [(row.fr, row.en) for row in ROWS]
    assert [row.get("data-kind") for row in rows] == [row.kind for row in ROWS]
    assert [float(row.get("data-score")) for row in rows] == [row.score for row in ROWS]
    assert [row.get("data-p") for row in rows] == ["0", "0", "1", "1", "2"]
    assert [(row.get("data-src"), row.get("data-tgt")) for row in rows] == [
        ("0", "0"),
        ("1,2", "1"),
        ("3", "-"),
        ("-", "2"),
        ("4", "3"),
    ]
    assert [row.get("class") for row in rows] == ["r", "r m", "r u s", "r u s", "r s"]
    assert rows[1].xpath('.//span[@class="p"]/small')[0].text == "heading"
    assert [row.xpath('.//span[@class="b"]')[0].text for row in rows] == [row.kind for row in ROWS]
    assert [row.xpath('.//span[contains(@class, "sc")]')[0].text for row in rows] == ["0.91", "0.78", "–", "–", "0.70"]
    assert len(document.xpath('//input[@type="checkbox" and @class="f"]')) == len(ROWS)
    assert document.get_element_by_id("shown").text == str(len(ROWS))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_text_is_text_everywhere(hostile):
    row = SentencePair(0, (0,), (0,), hostile, hostile, 0.9, segment=hostile)
    page = render_page(hostile, [row], facts=[(hostile, hostile)], notes=[hostile], back_link=hostile)
    document = parse(page)
    assert len(document.xpath("//script")) == 1 and len(document.xpath("//style")) == 1 and not document.xpath("//img")
    assert not document.xpath("//*[@onerror]") and not document.xpath("//comment()")
    assert cells(data_rows(document)[0]) == (hostile, hostile)
    assert document.find(".//title").text == f"Review: {hostile}"
    assert document.find(".//h1").text_content() == hostile
    assert [element.text_content() for element in document.xpath("//dl/*")] == [hostile, hostile]
    assert document.xpath('//ul[@class="notes"]/li')[0].text_content() == hostile
    assert document.xpath("//nav/a")[0].get("href") == hostile
    assert data_rows(document)[0].xpath('.//span[@class="p"]/small')[0].text_content() == hostile
    script = document.xpath("//script")[0].text
    assert hostile not in script and "alert" not in script


def test_the_script_and_styles_hold_no_data_and_nothing_is_fetched():
    page = render_page("doc", ROWS, facts=[("model", "m")])
    document = parse(page)
    csp = document.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')[0]
    assert "default-src 'none'" in csp and "script-src 'unsafe-inline'" in csp and "img-src data:" in csp
    assert not document.xpath("//script[@src] | //link[@rel='stylesheet'] | //iframe | //object | //embed")
    assert document.xpath("//link[@rel='icon']/@href") == ["data:,"]  # no favicon request either
    assert not re.search(r"https?://|@import|url\(", page)
    for row in ROWS:
        assert not row.fr or row.fr not in document.xpath("//script")[0].text


def test_histogram_counts_every_bead_once():
    rows = [SentencePair(0, (k,), (k,), "a", "b", score) for k, score in enumerate((0.81, 0.84, 0.3, 0.999, 1.0))]
    rows += [SentencePair(0, (9,), (), "a", "", 0.0), SentencePair(0, (), (9,), "", "b", 0.0)]
    document = parse(render_page("doc", rows))
    bars = {
        title.text.rsplit(": ", 1)[0]: int(title.text.rsplit(": ", 1)[1])
        for title in document.xpath('//svg//rect[not(@class="hover")]/title')
    }
    assert bars == {"0.80-0.85": 2, "0.30-0.35": 1, "0.95-1.00": 2, "unaligned (1-0, 0-1)": 2}
    assert document.xpath('//svg//rect[not(@class="hover")]/@class') == ["low", "high", "high", "none"]
    caption = document.xpath("//figcaption")[0].text_content()
    assert caption.startswith("7 pairs: 1-1 5 · 1-0 1 · 0-1 1; 3 suspect")


def test_kinds_are_listed_from_one_to_one_through_merges_to_unaligned():
    caption = parse(render_page("doc", ROWS)).xpath("//figcaption")[0].text_content()
    assert caption.startswith("5 pairs: 1-1 2 · 2-1 1 · 1-0 1 · 0-1 1; 3 suspect")


def test_facts_notes_and_back_link():
    facts = [("model", "Helsinki-NLP/opus-mt-fr-en"), ("beam", "4")]
    document = parse(render_page("doc", ROWS, facts, ["input repaired: BOM removed"], back_link="index.html"))
    assert [(dt.text, dd.text) for dt, dd in zip(document.xpath("//dt"), document.xpath("//dd"))] == facts
    assert [li.text for li in document.xpath('//ul[@class="notes"]/li')] == ["input repaired: BOM removed"]
    assert document.xpath("//nav/a/@href") == ["index.html"]
    bare = parse(render_page("doc", ROWS))
    assert not bare.xpath("//nav") and not bare.xpath("//dl") and not bare.xpath('//ul[@class="notes"]')


def test_languages_name_the_columns_and_the_download():
    document = parse(render_page("a.de ↔ b.fr", ROWS, languages=("de", "fr")))
    assert document.body.get("data-langs") == "de fr"
    assert document.body.get("data-file") == "a.de_b.fr.flagged.tsv"
    assert data_rows(document)[0].xpath('./div[@class="t"]/@lang') == ["de", "fr"]
    assert [span.text for span in document.xpath('//div[contains(@class, "head")]/span')][3:5] == ["German", "French"]


def test_an_empty_alignment_is_a_page_with_no_rows():
    document = parse(render_page("empty", []))
    assert data_rows(document) == [] and document.get_element_by_id("shown").text == "0"


def test_index_lists_documents_with_counts_and_scores():
    entries = [
        IndexEntry.of("a", "a.html", ROWS, {"BLEU": 41.234, "chrF": 63.0}),
        IndexEntry.of("b <x>", "b%20%3Cx%3E.html", ROWS[:2]),
    ]
    assert (entries[0].pairs, entries[0].one_to_one, entries[0].suspects) == (5, 0.4, 3)
    document = parse(render_index("run", entries, [("model", "m")], ["not translated: c.txt: empty"]))
    assert [th.text for th in document.xpath("//thead//th")] == ["document", "pairs", "1-1", "suspect", "BLEU", "chrF"]
    body = [[td.text_content() for td in tr.xpath("./td")] for tr in document.xpath("//tbody/tr")]
    assert body == [["a", "5", "40.0%", "3", "41.2", "63.0"], ["b <x>", "2", "50.0%", "0", "–", "–"]]
    assert document.xpath("//tbody//a/@href") == ["a.html", "b%20%3Cx%3E.html"]
    assert [td.text_content() for td in document.xpath("//tfoot//td")][:4] == ["2 documents", "7", "42.9%", "3"]
    assert document.xpath('//ul[@class="notes"]/li')[0].text == "not translated: c.txt: empty"
    assert not document.xpath("//script")


def test_review_rows_put_target_only_beads_in_the_paragraph_before():
    beads = [Bead((0,), (0,), 0.9), Bead((), (1,), 0.0), Bead((1, 2), (2,), 0.8)]
    rows = review_rows(beads, ["A.", "B.", "C."], ["a.", "b.", "c."], paragraphs=[3, 4, 4])
    assert [(row.paragraph, row.kind, row.fr, row.en) for row in rows] == [
        (3, "1-1", "A.", "a."),
        (3, "0-1", "", "b."),
        (4, "2-1", "B. C.", "c."),
    ]


def test_review_pages_show_the_manifest_and_link_every_page(tmp_path):
    pairs = [SentencePair(0, (0,), (0,), "Bonjour.", "Hello.", 0.9), SentencePair(1, (1,), (), "Seul.", "", 0.0)]
    names = ["plain", "odd #?%: name"]
    documents = [
        DocumentResult(name, f"in/{name}.txt", [ParagraphResult(0, "", "", pairs)], ["BOM removed"], "looks English")
        for name in names
    ]
    manifest = {
        "tool": {"name": "fr-en-translate", "version": "0.1.0"},
        "model": {"id": "Helsinki-NLP/opus-mt-fr-en", "revision": "abc123", "backend": "ctranslate2"},
        "settings": {"beam": 4, "unit": "paragraph", "compute_type": "int8", "dictionary": None},
        "counts": {"documents": 2, "pairs": 4},
        "documents": [
            {"name": name, "input_repairs": ["BOM removed"], "language_flag": "looks English"} for name in names
        ],
        "failed": [{"name": "bad", "reason": "in/bad.docx: not a Word document"}],
    }
    run = run_facts(manifest)
    made = [review_page(tmp_path, document, record, run) for document, record in zip(documents, manifest["documents"])]
    pages = {path: page for path, page, _ in made}
    pages.update([review_index(tmp_path, [entry for *_, entry in made], manifest, {"plain": {"BLEU": 12.5}})])
    review = tmp_path / "review"
    assert set(pages) == {review / "plain.html", review / "odd #?%: name.html", review / "index.html"}
    page = parse(pages[review / "plain.html"])
    facts = dict(zip((dt.text for dt in page.xpath("//dt")), (dd.text for dd in page.xpath("//dd"))))
    assert facts["model"] == "Helsinki-NLP/opus-mt-fr-en" and facts["revision"] == "abc123"
    shown = [facts[label] for label in ("backend", "compute type", "beam", "unit")]
    assert shown == ["ctranslate2", "int8", "4", "paragraph"]
    assert [li.text for li in page.xpath('//ul[@class="notes"]/li')] == [
        "input repaired: BOM removed",
        "language: looks English",
    ]
    assert page.xpath("//nav/a/@href") == ["index.html"] and len(data_rows(page)) == 2
    index = parse(pages[review / "index.html"])
    hrefs = index.xpath("//tbody//a/@href")
    assert hrefs == [page_href(name) for name in names] == ["plain.html", "odd%20%23%3F%25%3A%20name.html"]
    assert [td.text_content() for td in index.xpath("//tbody/tr[1]/td")][-1] == "12.5"
    assert "not translated: in/bad.docx: not a Word document" in index.text_content()


@pytest.fixture
def texts(tmp_path: Path) -> tuple[Path, Path]:
    src, tgt = tmp_path / "fr.txt", tmp_path / "en.txt"
    src.write_text("Le chat dort. Il fait beau.\n\nNous partons demain. <b>Gras</b> & fin.\n", encoding="utf-8")
    tgt.write_text("The cat sleeps. The weather is fine.\n\nWe leave tomorrow. <b>Bold</b> & end.\n", encoding="utf-8")
    return src, tgt


def test_align_sentences_html_gives_one_row_per_bead(texts, capsys):
    src, tgt = texts
    assert align_main([str(src), str(tgt)]) == 0
    beads = [Bead.from_vecalign(line) for line in capsys.readouterr().out.splitlines()]
    assert align_main([str(src), str(tgt), "--format", "html"]) == 0
    document = parse(capsys.readouterr().out)
    rows = data_rows(document)
    assert [(row.get("data-src"), row.get("data-tgt")) for row in rows] == [
        (",".join(map(str, bead.src)) or "-", ",".join(map(str, bead.tgt)) or "-") for bead in beads
    ]
    assert [row.get("data-p") for row in rows] == ["0", "0", "1", "1"]
    assert cells(rows[3]) == ("<b>Gras</b> & fin.", "<b>Bold</b> & end.")
    assert document.find(".//h1").text == "fr.txt ↔ en.txt"


def test_align_sentences_writes_any_format_to_a_file(texts, tmp_path, capsys):
    src, tgt = texts
    page, tsv = tmp_path / "page.html", tmp_path / "beads.tsv"
    assert align_main([str(src), str(tgt), "--format", "html", "-o", str(page)]) == 0
    assert align_main([str(src), str(tgt), "--format", "tsv", "--output", str(tsv)]) == 0
    assert capsys.readouterr().out == ""
    assert len(data_rows(parse(page.read_text(encoding="utf-8")))) == len(tsv.read_text().splitlines()) - 1
    assert align_main([str(src), str(tgt), "-o", str(tmp_path / "missing" / "x.txt")]) == 2
    assert capsys.readouterr().err.startswith("align-sentences: error: ")
