"""Tests for aligned.splitter: real FLORES-200 / newstest2014 text, hard cases, and the contract.

FLORES-200 devtest (CC-BY-SA 4.0, Meta AI) and WMT newstest2014 are read from shared/data.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligned.splitter import sentence_spans, split_sentences
from eval.datasets import NEWSTEST, flores_documents

CODES = {"en": "eng", "fr": "fra"}


def newstest_paragraphs(code: str, size: int = 5) -> list[list[str]]:
    lines = (NEWSTEST / f"newstest2014.{code}").read_text(encoding="utf-8").splitlines()
    return [lines[i : i + size] for i in range(0, len(lines), size)]


def boundaries(doc: list[str], lang: str) -> tuple[set[int], list[int], list[int]]:
    """Split the joined lines; return (gold line starts, predicted starts, boundaries predicted
    inside each line)."""
    starts, pos = [], 0
    for line in doc:
        starts.append(pos)
        pos += len(line) + 1
    text = " ".join(doc)
    predicted = [a for a, _ in sentence_spans(text, lang)[1:]]
    ends = [s - 1 for s in starts[1:]] + [len(text)]
    inside = [sum(lo < c < hi for c in predicted) for lo, hi in zip(starts, ends)]
    return set(starts[1:]), predicted, inside


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_flores_paragraphs_split_back_into_gold_lines(lang: str) -> None:
    """Some FLORES lines hold several sentences, so a boundary inside a line counts as right
    when the translation of that line gets as many (the sets are line-aligned fr<->en)."""
    other = "fr" if lang == "en" else "en"
    documents = flores_documents()
    docs, translations = [d.lines(CODES[lang]) for d in documents], [d.lines(CODES[other]) for d in documents]
    found = corroborated = predicted = gold = exact = 0
    for doc, translation in zip(docs, translations):
        line_starts, cuts, inside = boundaries(doc, lang)
        _, _, inside_translation = boundaries(translation, other)
        hits = len(line_starts & set(cuts))
        agreed = sum(n for n, m in zip(inside, inside_translation) if n == m)
        found, corroborated = found + hits, corroborated + agreed
        predicted, gold = predicted + len(cuts), gold + len(line_starts)
        exact += hits == len(line_starts) and hits + agreed == len(cuts)
    precision, recall = (found + corroborated) / predicted, found / gold
    assert recall >= 0.98
    assert f1(precision, recall) >= 0.97
    assert exact / len(docs) >= 0.9


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_newstest_paragraphs_boundary_f1(lang: str) -> None:
    """newstest lines are single sentences or headlines (no final punctuation: unrecoverable)."""
    found = predicted = gold = 0
    for doc in newstest_paragraphs(CODES[lang]):
        gold_starts, cuts, _ = boundaries(doc, lang)
        found += len(gold_starts & set(cuts))
        predicted, gold = predicted + len(cuts), gold + len(gold_starts)
    precision, recall = found / predicted, found / gold
    assert precision >= 0.97
    assert f1(precision, recall) >= 0.95


# Each case lists the expected sentences; the input is them joined by single spaces.
FRENCH = [
    ["M. Dupont est arrivé.", "MM. Durand et Leroy aussi."],
    ["Mme Martin et Mlle Roux parlent au Dr Ur.", "Le Pr Lévy écoute."],
    ["Il fait beau.", "Dr. Watson et Pr. Moriarty arrivent."],
    ["Des fruits, p. ex. des pommes.", "Voir p. 12 et vol. 3."],
    ["Rome fut fondée en 753 av. J.-C.", "Les rois régnèrent."],
    ["César meurt en 44 av. J.-C. et Auguste règne jusqu'en 14 apr. J.-C.", "Il est adoré."],
    ["Selon l'art. 5 et le chap. 3, cf. Martin, c'est clair."],
    ["Voir cf. Dupont.", "Le n° 5 gagne."],
    ["Des pommes, des poires, etc.", "Puis du pain."],
    ["Des pommes, etc., et du pain, etc. et du vin."],
    ["J. Dupont et J.-P. Sartre sont là.", "A. Camus aussi."],
    ["Il mesure 3,5 m ou 3.5 m.", "Il pèse 1.000 kg."],
    ["« Quelle journée ! » a-t-il dit.", "Elle rit."],
    ["« Tu viens ? » demanda-t-elle.", "« Oui. »", "Il partit."],
    ["Il a dit : « C'est fini. »", "Puis il est parti."],
    ["Il a crié « geek ! ».", "Ensuite il a ri."],
    ["Il hésita…", "Puis il partit...", "Elle resta… et attendit."],
    ["Vraiment\u00a0?", "Oui\u202f!", "Quoi\u00a0?!"],
    ["Il a dit\u00a0: «\u00a0Non\u00a0!\u00a0»", "Fin\u00a0; voilà."],
    ["Il vient ?!", "Non !!", "Bon."],
    ["— Bonjour.", "— Salut."],
    ["Voir https://www.exemple.fr/a.html?x=1.", "Écrire à jean.dupont@exemple.fr.", "Merci."],
    ["Il écrit [...] Puis il lit (…) Ensuite (!) il dort."],
    ["Les étapes : 1. Préparer.", "2. Cuire."],
    ["Il est né en 2016.", "Il a grandi."],
]

ENGLISH = [
    ["Mr. Smith met Dr. Jones.", "Mrs. Brown did not."],
    ["He left at 5 p.m.", "The door closed.", "It was 9 a.m. GMT then."],
    ["The U.S. Senate voted.", "It is in the U.S.", "The end."],
    ["See No. 5, e.g. the first.", "I said no.", "Then I left."],
    ['"Stop!" he said.', '"Why?"', "She ran."],
    ["George W. Bush spoke.", "It costs $3.50 today."],
]

GERMAN = [
    ["Am 3. Oktober kam Hr. Müller, z. B. mit Dr. Meier.", "Er sagte: »Ja.«", "Dann ging er."],
    ["„Nein!“", "Gut."],
]


CASES = [("fr", c) for c in FRENCH] + [("en", c) for c in ENGLISH] + [("de", c) for c in GERMAN]


@pytest.mark.parametrize(("lang", "expected"), CASES)
def test_hard_cases(lang: str, expected: list[str]) -> None:
    assert split_sentences(" ".join(expected), lang) == expected


def test_newlines_paragraphs_and_dialogue() -> None:
    dialogue = "Il a dit :\n— Bonjour.\n— Salut, répondit-elle\n– Et toi ?"
    expected = ["Il a dit :", "— Bonjour.", "— Salut, répondit-elle", "– Et toi ?"]
    assert split_sentences(dialogue) == expected
    text = "Une ligne\ncoupée en deux. Fin de ligne.\nsuite en minuscule\n\nTitre sans point\n  \nDernier."
    assert split_sentences(text) == [
        "Une ligne\ncoupée en deux.",
        "Fin de ligne.",
        "suite en minuscule",
        "Titre sans point",
        "Dernier.",
    ]
    assert split_sentences("M.\nDupont arrive.") == ["M.\nDupont arrive."]


def test_spans_are_offsets_and_edge_inputs() -> None:
    text = "  Bonjour.  Au revoir !  "
    assert sentence_spans(text) == [(2, 10), (12, 23)]
    assert split_sentences("") == [] and split_sentences(" \n\u00a0\t ") == []
    assert split_sentences("Hello. World.", "xx-unknown") == ["Hello.", "World."]
    assert split_sentences("Bonjour. Salut.", "fr-CA") == ["Bonjour.", "Salut."]
    assert split_sentences("...!?") == ["...!?"]


def assert_contract(text: str, lang: str) -> None:
    spans = sentence_spans(text, lang)
    assert split_sentences(text, lang) == [text[a:b] for a, b in spans]
    pos = 0
    for a, b in spans:
        assert pos <= a < b <= len(text)
        assert not text[pos:a].strip()  # only whitespace between sentences
        assert text[a:b] == text[a:b].strip()
        pos = b
    assert not text[pos:].strip()


# pieces that exercise the rules: terminals, quotes, dashes, nbsp, newlines, abbreviations
TRICKY = st.sampled_from([*"aé Z9.!?…»«\"'“”()[]—–-\n\u00a0\u202f\t", "M.", "J.-C.", " etc. ", "U.S.", "\n\n"])
LANGS = st.sampled_from(["fr", "en", "de", "xx", ""])


@settings(max_examples=300, deadline=None)
@given(st.text(), LANGS)
def test_contract_on_any_text(text: str, lang: str) -> None:
    assert_contract(text, lang)


@settings(max_examples=500, deadline=None)
@given(st.lists(TRICKY, max_size=40).map("".join), LANGS)
def test_contract_on_punctuation_heavy_text(text: str, lang: str) -> None:
    assert_contract(text, lang)
