"""The data flow of one run: documents → paragraphs → translations → sentences → alignment.

Everything here is in memory and deterministic; writing files is ``corpus_files``' job. Sentence
ids run through a whole document, so a pair can be traced back to its sentences.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, NamedTuple

from aligned import Bead, Lexicon, align, split_sentences
from aligned.aligner import aligner_fingerprint
from translate.cache import TranslationCache
from translate.documents import Document, shown
from translate.language import language_flag
from translate.paragraphs import split_paragraphs
from translate.translation import Translator


@dataclass(frozen=True)
class SentencePair:
    """One bead of the alignment: French and English sentences (either side may be empty)."""

    paragraph: int
    src_ids: tuple[int, ...]
    tgt_ids: tuple[int, ...]
    fr: str
    en: str
    score: float

    @property
    def kind(self) -> str:
        return f"{len(self.src_ids)}-{len(self.tgt_ids)}"


@dataclass
class ParagraphResult:
    index: int
    french: str
    english: str
    pairs: list[SentencePair]


@dataclass
class DocumentResult:
    """A translated and aligned document, with what was repaired or suspicious about its input."""

    name: str
    source: str
    paragraphs: list[ParagraphResult]
    notes: list[str] = field(default_factory=list)
    language_flag: str | None = None

    @property
    def pairs(self) -> list[SentencePair]:
        return [pair for paragraph in self.paragraphs for pair in paragraph.pairs]


Progress = Callable[[int, int], None]  # (units just done, total units)


def translate_documents(
    documents: list[Document],
    translator: Translator,
    on_pieces_done: Progress = lambda done, total: None,
    lexicon: Lexicon | None = None,
    on_paragraphs_aligned: Progress = lambda done, total: None,
) -> list[DocumentResult]:
    """Translate all documents' paragraphs in one pool, then align each paragraph's sentences
    (with a French-English dictionary as one more signal, when one is given).

    Like translation, alignment is done once per distinct (French, English) paragraph (a
    document that repeats the same paragraph thousands of times aligns it once) and kept in the
    translator's cache, if it has one, so that a resumed or repeated run does not align again.
    """
    paragraphs_of = [split_paragraphs(document.text) for document in documents]
    flat = [paragraph for paragraphs in paragraphs_of for paragraph in paragraphs]
    english = translator.translate(flat, on_pieces_done)
    alignments = _align_distinct(list(zip(flat, english)), lexicon, translator.cache, on_paragraphs_aligned)
    pairs = iter(zip(flat, english))
    results = []
    for document, paragraphs in zip(documents, paragraphs_of):
        aligned = _number(alignments, [next(pairs) for _ in paragraphs])
        results.append(
            DocumentResult(
                document.name, shown(document.path), aligned, list(document.notes), language_flag(document.text)
            )
        )
    return results


class _Alignment(NamedTuple):
    """One paragraph's sentences and beads, with ids counted from the paragraph's start."""

    src: list[str]
    tgt: list[str]
    beads: list[Bead]


def _align_distinct(
    paragraphs: list[tuple[str, str]], lexicon: Lexicon | None, cache: TranslationCache | None, on_done: Progress
) -> dict[tuple[str, str], _Alignment]:
    distinct = list(dict.fromkeys(paragraphs))
    aligner = f"{aligner_fingerprint()};dictionary={lexicon.fingerprint if lexicon else None}"
    cached = cache.lookup_alignments(aligner, distinct) if cache else {}
    alignments = {}
    on_done(len(cached), len(distinct))
    for french, english in distinct:
        src = split_sentences(french, "fr")
        tgt = split_sentences(english, "en")
        beads = cached.get((french, english))
        if beads is None:
            beads = align(src, tgt, src_lang="fr", tgt_lang="en", lexicon=lexicon)
            if cache:
                cache.store_alignment(aligner, (french, english), beads)
            on_done(1, len(distinct))
        alignments[(french, english)] = _Alignment(src, tgt, beads)
    return alignments


def _number(alignments: dict[tuple[str, str], _Alignment], paragraphs: list[tuple[str, str]]) -> list[ParagraphResult]:
    """A document's paragraphs with sentence ids running through the whole document."""
    results = []
    src_offset = tgt_offset = 0
    for index, (french, english) in enumerate(paragraphs):
        src, tgt, beads = alignments[(french, english)]
        pairs = [
            SentencePair(
                paragraph=index,
                src_ids=tuple(src_offset + i for i in bead.src),
                tgt_ids=tuple(tgt_offset + j for j in bead.tgt),
                fr=" ".join(src[i] for i in bead.src),
                en=" ".join(tgt[j] for j in bead.tgt),
                score=round(float(bead.score), 4),
            )
            for bead in beads
        ]
        results.append(ParagraphResult(index, french, english, pairs))
        src_offset += len(src)
        tgt_offset += len(tgt)
    return results
