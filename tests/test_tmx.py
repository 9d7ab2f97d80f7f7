"""The TMX writer: well-formed XML for any text, in exactly the layout ElementTree writes."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

from hypothesis import given, settings
from hypothesis import strategies as st

from aligned.beads import SentencePair
from translate import TOOL_NAME, __version__
from translate.outputs.corpus_files import render_tmx
from translate.outputs.xml_text import xml_safe


def tmx_by_elementtree(pairs: list[SentencePair]) -> str:
    """The writer as it was, built on ElementTree: the reference for the layout."""
    tmx = ElementTree.Element("tmx", version="1.4")
    ElementTree.SubElement(
        tmx,
        "header",
        creationtool=TOOL_NAME,
        creationtoolversion=__version__,
        segtype="sentence",
        adminlang="en",
        srclang="fr",
        datatype="plaintext",
        **{"o-tmf": "plaintext"},
    )
    body = ElementTree.SubElement(tmx, "body")
    for pair in pairs:
        unit = ElementTree.SubElement(body, "tu")
        ElementTree.SubElement(unit, "prop", type="x-score").text = f"{pair.score:.4f}"
        ElementTree.SubElement(unit, "prop", type="x-paragraph").text = str(pair.paragraph)
        for lang, text in (("fr", pair.fr), ("en", pair.en)):
            if text:
                variant = ElementTree.SubElement(unit, "tuv", {"xml:lang": lang})
                ElementTree.SubElement(variant, "seg").text = xml_safe(text)
    ElementTree.indent(tmx)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
        + ElementTree.tostring(tmx, encoding="unicode")
        + "\n"
    )


# No carriage return: corpus text never has one (documents are cleaned), and XML parsers read it as "\\n".
sides = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r"), max_size=30)
pairs = st.lists(
    st.builds(
        lambda fr, en, score, paragraph: SentencePair(paragraph, (0,), (0,), fr, en, score),
        sides,
        sides,
        st.floats(0, 1),
        st.integers(0, 999),
    ).filter(lambda p: p.fr or p.en),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(pairs)
def test_same_bytes_as_elementtree_and_parses(given_pairs: list[SentencePair]) -> None:
    text = "".join(render_tmx(given_pairs))
    assert text == tmx_by_elementtree(given_pairs)
    segments = [seg.text or "" for seg in ElementTree.fromstring(text.split("\n", 2)[2]).iter("seg")]
    assert segments == [xml_safe(side) for pair in given_pairs for side in (pair.fr, pair.en) if side]


def test_markup_and_quotes_are_text() -> None:
    pair = SentencePair(0, (0,), (0,), "Il a écrit <b>« & »</b> \"oui\" 'non'", "<script>alert(1)</script>", 0.5)
    text = "".join(render_tmx([pair]))
    assert "<seg>Il a écrit &lt;b&gt;« &amp; »&lt;/b&gt; \"oui\" 'non'</seg>" in text
    assert [seg.text for seg in ElementTree.fromstring(text.split("\n", 2)[2]).iter("seg")] == [pair.fr, pair.en]
