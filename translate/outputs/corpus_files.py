"""Render aligned documents as parallel-corpus files: TSV, Moses, JSONL, TMX, paragraphs.

Every bead becomes one line or record, unaligned sentences included (with the other side
empty), so the French of a document can always be rebuilt from the output. Pairs from a
formatted document (DOCX, HTML, subtitles ...) also say in JSONL and TMX which kind of segment
they come from, and for subtitles which cues; plain-text outputs carry no such field. Text never contains
tabs or newlines here (documents are cleaned on reading and sentences are single lines).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from aligned.beads import SentencePair
from aligned.textio import StagedFile, commit_all, discard_all
from translate import TOOL_NAME, __version__
from translate.formats import Rebuilt
from translate.outputs.xml_text import xml_text
from translate.pipeline import DocumentResult

# What each format writes: (file suffix, renderer of a named list of pairs). The names of every
# document file and corpus file come from here, so that output names are chosen once for all
# (``outputs.names``) and can never drift from the files written.
Renderer = Callable[[str, Sequence[SentencePair]], Iterator[str] | bytes]
_WRITERS: dict[str, tuple[tuple[str, Renderer], ...]] = {
    "tsv": ((".fr-en.tsv", lambda name, pairs: render_tsv(pairs)),),
    "moses": (
        (".fr", lambda name, pairs: render_moses(pair.fr for pair in pairs)),
        (".en", lambda name, pairs: render_moses(pair.en for pair in pairs)),
    ),
    "jsonl": ((".jsonl", lambda name, pairs: render_jsonl(name, pairs)),),
    "tmx": ((".tmx", lambda name, pairs: render_tmx(pairs)),),
    "xlsx": ((".review.xlsx", lambda name, pairs: _render_xlsx(name, pairs)),),
}
DOCUMENT = "doc"  # the translated document in the input's format (NAME.en.docx ...)
REVIEW = "review"  # OUT/review/NAME.html and OUT/review/index.html (``outputs.review``)
FORMATS = (*_WRITERS, DOCUMENT, REVIEW)
DEFAULT_FORMATS = tuple(fmt for fmt in FORMATS if fmt != "xlsx")  # a workbook is asked for
_PARAGRAPHS = ".paragraphs.fr-en.tsv"  # written for every document, whatever --formats says
_FILTERED_TSV = ".filtered.fr-en.tsv"  # with --min-score and tsv: the pairs kept
# Every file a document may have, whatever --formats says.
DOCUMENT_SUFFIXES = (
    _PARAGRAPHS,
    *(suffix for writers in _WRITERS.values() for suffix, _ in writers),
    _FILTERED_TSV,
)
_CORPUS_SUFFIXES = (".fr", ".en", ".tmx")  # all documents together: Moses and TMX only
CORPUS_FILES = tuple(f"{name}{suffix}" for name in ("corpus", "corpus.filtered") for suffix in _CORPUS_SUFFIXES)
UNALIGNED, BELOW_MIN_SCORE = "unaligned", "below_min_score"  # why --min-score drops a pair


def document_suffixes(formats: Sequence[str]) -> list[str]:
    """The endings of the corpus files a document gets with ``formats`` (without --min-score)."""
    chosen = [suffix for fmt, writers in _WRITERS.items() if fmt in formats for suffix, _ in writers]
    return [_PARAGRAPHS, *chosen]


def filter_pairs(pairs: Iterable[SentencePair], min_score: float) -> tuple[list[SentencePair], Counter[str]]:
    """The pairs a clean corpus keeps (matched on both sides, scoring at least ``min_score``),
    and how many were dropped for each reason."""
    kept: list[SentencePair] = []
    dropped: Counter[str] = Counter()
    for pair in pairs:
        if not pair.src_ids or not pair.tgt_ids:
            dropped[UNALIGNED] += 1
        elif pair.score < min_score:
            dropped[BELOW_MIN_SCORE] += 1
        else:
            kept.append(pair)
    return kept, dropped


def document_files(
    out_dir: Path,
    document: DocumentResult,
    formats: Sequence[str],
    translated: Rebuilt | None = None,
    min_score: float | None = None,
) -> dict[Path, Iterator[str] | bytes]:
    """The files of one document, by path, each rendered line by line while it is written
    (a whole corpus as one string per file is what made a 20 MB input peak near 2 GB);
    the paragraph-level TSV is always written, the ``translated`` document when given, and
    with ``min_score`` the TSV of the pairs a clean corpus keeps."""
    files: dict[Path, Iterator[str] | bytes] = {
        out_dir / f"{document.name}{_PARAGRAPHS}": render_paragraphs_tsv(document)
    }
    files |= _files(out_dir, document.name, document.pairs, formats, DOCUMENT_SUFFIXES)
    if translated is not None:
        files[out_dir / f"{document.name}{document.output_suffix}"] = translated.data
    if min_score is not None and "tsv" in formats:
        files[out_dir / f"{document.name}{_FILTERED_TSV}"] = render_tsv(filter_pairs(document.pairs, min_score)[0])
    return files


class CorpusFiles:
    """``corpus.*`` files concatenating all documents in input order, and with ``min_score``
    ``corpus.filtered.*`` holding only the pairs a clean corpus keeps: appended document by
    document as each is written (so a run never holds its whole corpus), in temp files that
    ``commit`` puts in place together at the end of the run (``discard`` drops them)."""

    def __init__(self, out_dir: Path, formats: Sequence[str], min_score: float | None = None):
        self._min_score = min_score
        chosen = [suffix for fmt, writers in _WRITERS.items() if fmt in formats for suffix, _ in writers]
        names = ["corpus"] if min_score is None else ["corpus", "corpus.filtered"]
        self._paths = {
            name: {suffix: out_dir / f"{name}{suffix}" for suffix in _CORPUS_SUFFIXES if suffix in chosen}
            for name in names
        }
        self._has_pairs = dict.fromkeys(names, False)
        self._files: dict[str, dict[str, StagedFile]] = {}

    def _open(self) -> None:
        """The temp files, made when the first document comes (a run killed before that leaves none)."""
        try:
            for name, paths in self._paths.items():
                self._files[name] = {}
                for suffix, path in paths.items():
                    self._files[name][suffix] = StagedFile(path)
                    if suffix == ".tmx":
                        self._files[name][suffix].write(tmx_head())
        except BaseException:
            self.discard()
            raise

    def append(self, pairs: Sequence[SentencePair]) -> None:
        """Add one document's pairs at the end of every corpus file."""
        if not self._files:
            self._open()
        for name, files in self._files.items():
            kept = pairs if name == "corpus" else filter_pairs(pairs, self._min_score)[0]
            for suffix, file in files.items():
                if suffix == ".tmx":
                    file.write(tmx_units(kept, opens_body=not self._has_pairs[name]))
                else:
                    file.write(render_moses(pair.fr if suffix == ".fr" else pair.en for pair in kept))
            self._has_pairs[name] = self._has_pairs[name] or bool(kept)

    def commit(self) -> list[str]:
        """Finish and put every file in place; returns their names."""
        if not self._files:
            self._open()
        for name, files in self._files.items():
            if ".tmx" in files:
                files[".tmx"].write(tmx_tail(self._has_pairs[name]))
        commit_all(self._staged)
        return [file.path.name for file in self._staged]

    def discard(self) -> None:
        """Drop every file written so far; corpus files of an earlier run stay as they were."""
        discard_all(self._staged)
        self._files = {}

    @property
    def _staged(self) -> list[StagedFile]:
        return [file for files in self._files.values() for file in files.values()]


def _render_xlsx(name: str, pairs: Sequence[SentencePair]) -> bytes:
    from translate.outputs.xlsx import render_xlsx  # openpyxl is loaded only when a workbook is asked for

    return render_xlsx(name, pairs)


def _files(
    out_dir: Path, name: str, pairs: Sequence[SentencePair], formats: Sequence[str], suffixes: Sequence[str]
) -> dict[Path, Iterator[str] | bytes]:
    """``NAME.SUFFIX`` for each file of the chosen formats whose suffix is among ``suffixes``."""
    return {
        out_dir / f"{name}{suffix}": render(name, pairs)
        for fmt, writers in _WRITERS.items()
        if fmt in formats
        for suffix, render in writers
        if suffix in suffixes
    }


def render_tsv(pairs: Sequence[SentencePair]) -> Iterator[str]:
    yield "paragraph\tfr\ten\tscore\n"
    for pair in pairs:
        yield f"{pair.paragraph}\t{pair.fr}\t{pair.en}\t{pair.score:.4f}\n"


def render_paragraphs_tsv(document: DocumentResult) -> Iterator[str]:
    yield "paragraph\tfr\ten\n"
    for paragraph in document.paragraphs:
        yield f"{paragraph.index}\t{paragraph.french}\t{paragraph.english}\n"


def render_moses(sides: Iterable[str]) -> Iterator[str]:
    return (f"{line}\n" for line in sides)


def render_jsonl(name: str, pairs: Sequence[SentencePair]) -> Iterator[str]:
    for pair in pairs:
        record = {
            "doc": name,
            "paragraph": pair.paragraph,
            "src_ids": list(pair.src_ids),
            "tgt_ids": list(pair.tgt_ids),
            "fr": pair.fr,
            "en": pair.en,
            "score": pair.score,
        }
        if pair.segment is not None:
            record["segment"] = pair.segment
            if pair.cues:
                record["cues"] = list(pair.cues)
        yield json.dumps(record, ensure_ascii=False) + "\n"


def render_tmx(pairs: Sequence[SentencePair]) -> Iterator[str]:
    """TMX 1.4b: one ``<tu>`` per bead; an empty side has no ``<tuv>`` (the TU is then monolingual).

    Characters that XML 1.0 forbids become U+FFFD (``xml_text``); the manifest counts them.
    Written line by line in the layout of ElementTree's ``indent``, never as a tree: a tree of
    130,000 pairs took 0.5 GB. No creation date is written, so that re-running on the same input
    gives byte-identical files. In three parts, so that ``CorpusFiles`` can append units.
    """
    yield from tmx_head()
    yield from tmx_units(pairs, opens_body=True)
    yield from tmx_tail(bool(pairs))


def tmx_head() -> Iterator[str]:
    header = " ".join(
        f'{name}="{value}"'
        for name, value in (
            ("creationtool", TOOL_NAME),
            ("creationtoolversion", __version__),
            ("segtype", "sentence"),
            ("adminlang", "en"),
            ("srclang", "fr"),
            ("datatype", "plaintext"),
            ("o-tmf", "plaintext"),
        )
    )
    yield '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
    yield f'<tmx version="1.4">\n  <header {header} />\n'


def tmx_units(pairs: Sequence[SentencePair], opens_body: bool) -> Iterator[str]:
    """The ``<tu>`` of each pair, after ``<body>`` when these are the file's first units."""
    if opens_body and pairs:
        yield "  <body>\n"
    for pair in pairs:
        yield f'    <tu>\n      <prop type="x-score">{pair.score:.4f}</prop>\n'
        yield f'      <prop type="x-paragraph">{pair.paragraph}</prop>\n'
        if pair.segment is not None:
            yield f'      <prop type="x-segment">{pair.segment}</prop>\n'
            if pair.cues:
                yield f'      <prop type="x-cues">{" ".join(map(str, pair.cues))}</prop>\n'
        for lang, text in (("fr", pair.fr), ("en", pair.en)):
            if text:
                yield f'      <tuv xml:lang="{lang}">\n        <seg>{xml_text(text)}</seg>\n      </tuv>\n'
        yield "    </tu>\n"


def tmx_tail(has_units: bool) -> Iterator[str]:
    """The file's end: an empty ``<body />`` when no unit was written."""
    yield "  </body>\n</tmx>\n" if has_units else "  <body />\n</tmx>\n"
