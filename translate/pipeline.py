"""The data flow of one run: documents → paragraphs → translations → sentences → alignment.

A paragraph is a plain text's blank-line block or a formatted document's segment (heading, cell,
subtitle cue group ...; its kind is kept for the corpus files). Everything here is in memory and
deterministic; writing files is ``corpus_files``' job. Sentence ids run through a whole document,
so a pair can be traced back to its sentences.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Callable, Iterator, NamedTuple, Sequence

from aligned import Bead, Lexicon, align, split_sentences
from aligned.aligner import aligner_fingerprint
from aligned.beads import SentencePair
from aligned.embedding import warm_up
from translate.cache import TranslationCache
from translate.documents import PLAIN_TEXT_OUTPUT, Document, plain_text_rebuild, shown
from translate.formats import Rebuilt, Segment
from translate.language import language_flag
from translate.translation import Translator


@dataclass
class ParagraphResult:
    index: int
    french: str
    english: str
    pairs: list[SentencePair]
    kind: str = "paragraph"  # the segment's kind (heading, cell, cue ...); plain text has only paragraphs


@dataclass
class DocumentResult:
    """A translated and aligned document, with what was repaired or suspicious about its input,
    and how to write it back in its own format (for plain text: paragraphs in a text file)."""

    name: str
    source: str
    paragraphs: list[ParagraphResult]
    notes: list[str] = field(default_factory=list)
    language_flag: str | None = None
    formatted: bool = False
    rebuild: Callable[[list[str]], Rebuilt] = plain_text_rebuild
    output_suffix: str = PLAIN_TEXT_OUTPUT

    @property
    def pairs(self) -> list[SentencePair]:
        return [pair for paragraph in self.paragraphs for pair in paragraph.pairs]

    def translated_document(self) -> Rebuilt:
        """The whole document in English, in the input's format."""
        return self.rebuild([paragraph.english for paragraph in self.paragraphs])


Progress = Callable[[int, int], None]  # (units just done, total units)


def translate_documents(
    documents: list[Document],
    translator: Translator,
    on_pieces_done: Progress = lambda done, total: None,
    lexicon: Lexicon | None = None,
    on_paragraphs_aligned: Progress = lambda done, total: None,
    map_alignments: AlignMap | None = None,
) -> list[DocumentResult]:
    """Translate all documents' paragraphs in one pool, then align each paragraph's sentences
    (with a French-English dictionary as one more signal, when one is given).

    Like translation, alignment is done once per distinct (French, English) paragraph (a
    document that repeats the same paragraph thousands of times aligns it once) and kept in the
    translator's cache, if it has one, so that a resumed or repeated run does not align again.
    ``map_alignments`` aligns the paragraphs that are not cached: by default here, one after
    another (``align_pairs``); ``--engine ray`` gives one that aligns them on a cluster.
    """
    segments_of = [document.segments for document in documents]
    flat = [segment.text for segments in segments_of for segment in segments]
    # The encoder loads while the model decodes (Ray workers load their own); a run whose
    # translations are all cached does not load it here, its alignments may all be cached too.
    english = translator.translate(flat, on_pieces_done, warm_up if map_alignments is None else lambda: None)
    aligning = map_alignments or partial(align_pairs, lexicon=lexicon)
    alignments = _align_distinct(list(zip(flat, english)), lexicon, translator.cache, on_paragraphs_aligned, aligning)
    translations = iter(english)
    results = []
    for document, segments in zip(documents, segments_of):
        structure = document.structure
        aligned = _number(alignments, [(segment, next(translations)) for segment in segments], structure is not None)
        result = DocumentResult(
            document.name, shown(document.path), aligned, list(document.notes), language_flag(document.text)
        )
        if structure:
            result.formatted, result.rebuild, result.output_suffix = True, structure.rebuild, structure.output_suffix
        results.append(result)
    return results


class Alignment(NamedTuple):
    """One paragraph's sentences and beads, with ids counted from the paragraph's start."""

    src: list[str]
    tgt: list[str]
    beads: list[Bead]


# Aligns (French, English) paragraphs; yields one Alignment per pair, in order, as each is done.
AlignMap = Callable[[Sequence[tuple[str, str]]], Iterator[Alignment]]


def align_pair(french: str, english: str, lexicon: Lexicon | None) -> Alignment:
    """Split one paragraph and its translation into sentences and align them."""
    src = split_sentences(french, "fr")
    tgt = split_sentences(english, "en")
    return Alignment(src, tgt, align(src, tgt, src_lang="fr", tgt_lang="en", lexicon=lexicon))


def align_pairs(pairs: Sequence[tuple[str, str]], lexicon: Lexicon | None) -> Iterator[Alignment]:
    """The local ``AlignMap``: each pair in this process, one after another."""
    for french, english in pairs:
        yield align_pair(french, english, lexicon)


def _align_distinct(
    paragraphs: list[tuple[str, str]],
    lexicon: Lexicon | None,
    cache: TranslationCache | None,
    on_done: Progress,
    map_alignments: AlignMap,
) -> dict[tuple[str, str], Alignment]:
    distinct = list(dict.fromkeys(paragraphs))
    aligner = f"{aligner_fingerprint()};dictionary={lexicon.fingerprint if lexicon else None}"
    cached = cache.lookup_alignments(aligner, distinct) if cache else {}
    alignments = {
        (french, english): Alignment(split_sentences(french, "fr"), split_sentences(english, "en"), beads)
        for (french, english), beads in cached.items()
    }
    on_done(len(cached), len(distinct))
    todo = [paragraph for paragraph in distinct if paragraph not in cached]
    # Each alignment is kept as soon as it comes back, so an interrupted run aligns it only once.
    for paragraph, alignment in zip(todo, map_alignments(todo)):
        if cache:
            cache.store_alignment(aligner, paragraph, alignment.beads)
        alignments[paragraph] = alignment
        on_done(1, len(distinct))
    return alignments


def _number(
    alignments: dict[tuple[str, str], Alignment], paragraphs: list[tuple[Segment, str]], formatted: bool
) -> list[ParagraphResult]:
    """A document's paragraphs with sentence ids running through the whole document; the pairs
    of a formatted document say which kind of segment they come from."""
    results = []
    src_offset = tgt_offset = 0
    for index, (segment, english) in enumerate(paragraphs):
        french = segment.text
        src, tgt, beads = alignments[(french, english)]
        pairs = [
            SentencePair(
                paragraph=index,
                src_ids=tuple(src_offset + i for i in bead.src),
                tgt_ids=tuple(tgt_offset + j for j in bead.tgt),
                fr=" ".join(src[i] for i in bead.src),
                en=" ".join(tgt[j] for j in bead.tgt),
                score=round(float(bead.score), 4),
                segment=segment.kind if formatted else None,
                cues=segment.cues,
            )
            for bead in beads
        ]
        results.append(ParagraphResult(index, french, english, pairs, segment.kind))
        src_offset += len(src)
        tgt_offset += len(tgt)
    return results
