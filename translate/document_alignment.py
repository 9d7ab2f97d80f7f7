"""Whole-document sentence alignment of a French document with its human English translation.

A translated run aligns paragraph by paragraph, because its English has the French paragraphs.
A human translation does not: translators split long paragraphs, merge short ones, fold a
heading into the text. So the sentences of the whole document are aligned in one search
(``aligned.align``: exact below ~1000 x 1000 sentences, banded above, so time stays linear in
length). Paragraph starts are not passed as soft anchors (``paragraph_breaks=``): measured on
FLORES documents with deleted and merged English sentences, they cost strict F1 whether the
English kept the French paragraphs or regrouped them (a deletion or a split at a paragraph
start makes the right bead start a paragraph on one side only, which the anchor penalises);
aligning paragraphs first, then sentences inside, lost too (docs/english.md).

The beads become the ``DocumentResult`` a translated run makes, so every output file is written
by the same code. Paragraph fields follow the French: each pair's ``paragraph`` is the French
paragraph of its first French sentence (a pair with no French, that of the French sentence
before it; 0 at the start), and a ``ParagraphResult``'s ``english`` is the English sentences
aligned into that French paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from aligned import Bead, Lexicon, align, split_sentences
from aligned.beads import SentencePair
from translate.documents import Document, shown
from translate.language import language_flag
from translate.pipeline import DocumentResult, ParagraphResult


@dataclass(frozen=True)
class Sentences:
    """One side of a document as the aligner sees it: its sentences in order, the paragraph
    (segment index) of each, and the ids of the sentences that start a paragraph (what
    benchmarks/english_path.py passes as anchors to measure them)."""

    texts: list[str]
    paragraph: list[int]
    starts: list[int]


def document_sentences(paragraphs: Sequence[str], lang: str) -> Sentences:
    """Split each paragraph (a plain text's block or a format's segment) into sentences with
    ``aligned.split_sentences``, as a translated run does, numbering them through the document."""
    texts: list[str] = []
    paragraph_of: list[int] = []
    starts: list[int] = []
    for index, paragraph in enumerate(paragraphs):
        sentences = split_sentences(paragraph, lang)
        if sentences:
            starts.append(len(texts))
        texts.extend(sentences)
        paragraph_of.extend([index] * len(sentences))
    return Sentences(texts, paragraph_of, starts)


def align_document(
    french: Sentences,
    english: Sentences,
    translations: Sequence[str] | None = None,
    lexicon: Lexicon | None = None,
) -> list[Bead]:
    """Beads over every sentence of both sides, in order; ``translations`` (a machine
    translation of each French sentence, ``--mt-assist``) is one more signal for the aligner."""
    return align(
        french.texts,
        english.texts,
        src_lang="fr",
        tgt_lang="en",
        tgt_translations=translations,
        lexicon=lexicon,
    )


def document_result(document: Document, french: Sentences, english: Sentences, beads: Sequence[Bead]) -> DocumentResult:
    """The document's pairs grouped by French paragraph (see the module's docstring), with its
    kinds of segment and subtitle cues as a translated run records them."""
    segments = document.segments
    formatted = document.structure is not None
    pairs: list[list[SentencePair]] = [[] for _ in segments]
    aligned_english: list[list[str]] = [[] for _ in segments]
    paragraph = 0
    for bead in beads:
        if bead.src:
            paragraph = french.paragraph[bead.src[0]]
        segment = segments[paragraph]
        en = [english.texts[j] for j in bead.tgt]
        pairs[paragraph].append(
            SentencePair(
                paragraph=paragraph,
                src_ids=tuple(bead.src),
                tgt_ids=tuple(bead.tgt),
                fr=" ".join(french.texts[i] for i in bead.src),
                en=" ".join(en),
                score=round(float(bead.score), 4),
                segment=segment.kind if formatted else None,
                cues=segment.cues,
            )
        )
        aligned_english[paragraph].extend(en)
    paragraphs = [
        ParagraphResult(index, segment.text, " ".join(aligned_english[index]), pairs[index], segment.kind)
        for index, segment in enumerate(segments)
    ]
    return DocumentResult(
        document.name, shown(document.path), paragraphs, list(document.notes), language_flag(document.text)
    )
