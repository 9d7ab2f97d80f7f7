"""Command line: align two files and print beads (vecalign format or TSV), or write a review page.

align-sentences SRC TGT (or python -m aligned SRC TGT) [--presplit] [--src-lang fr] [--tgt-lang en]
                          [--format vecalign|tsv|html] [--sentences] [--dictionary freedict|FILE] [-o FILE]

``--format html`` gives the review page that ``translate`` writes for each document
(``aligned.review``): one row per bead, side by side, with filters and flags for a person
checking the alignment. ``-o FILE`` writes the output there instead of to stdout.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from bisect import bisect_right
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple, TextIO

from .aligner import align
from .beads import Bead
from .command import run_command
from .lexicon import DictionaryError, Lexicon
from .textio import InputError, read_text, write_file_atomically

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\u2029")  # as the splitter's: a blank line ends a paragraph


class Side(NamedTuple):
    """One text's sentences, and the paragraph (counted from 0) each one is in."""

    sentences: list[str]
    paragraphs: list[int]


def read_sentences(path: str, presplit: bool, lang: str) -> list[str]:
    """One sentence per line (`presplit`), or raw text split by `split_sentences`.
    A file with no sentence is an error, not a side to leave unaligned: it is far more
    often a failed earlier step than a text with nothing in it."""
    return read_side(path, presplit, lang).sentences


def read_side(path: str, presplit: bool, lang: str) -> Side:
    """``read_sentences`` with each sentence's paragraph: blank-line blocks of a raw text; all 0
    with `presplit` (one sentence per line leaves no paragraphs to see)."""
    text = read_text(path)  # a byte-order mark is not text; a NUL byte means binary
    if not text.strip():
        raise InputError(f"{path}: no sentences (the file is empty or blank); give a text to align")
    if not presplit:
        from .splitter import sentence_spans

        spans = sentence_spans(text, lang)
        breaks = [match.end() for match in _PARAGRAPH_BREAK.finditer(text)]
        return Side([text[a:b] for a, b in spans], [bisect_right(breaks, a) for a, _ in spans])
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it does not start a new one
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            raise InputError(f"{path}:{number}: blank line (with --presplit each line is one sentence)")
    return Side(lines, [0] * len(lines))


def format_bead(bead: Bead, fmt: str, src: Sequence[str], tgt: Sequence[str]) -> str:
    if fmt == "vecalign":
        return bead.to_vecalign()
    ids = lambda side: ",".join(map(str, side)) or "-"  # noqa: E731
    text = lambda ids_, sents: " ".join(sents[i].replace("\t", " ") for i in ids_)  # noqa: E731
    return "\t".join((ids(bead.src), ids(bead.tgt), f"{bead.score:.3f}", text(bead.src, src), text(bead.tgt, tgt)))


def main(argv: Sequence[str] | None = None, prog: str = "align-sentences") -> int:
    parser = argparse.ArgumentParser(prog=prog, description="Sentence-align two parallel texts.")
    parser.add_argument("src", help="source text file (UTF-8)")
    parser.add_argument("tgt", help="target text file (UTF-8)")
    parser.add_argument("--presplit", action="store_true", help="each line is one sentence")
    parser.add_argument("--src-lang", default="fr")
    parser.add_argument("--tgt-lang", default="en")
    parser.add_argument(
        "--format",
        choices=("vecalign", "tsv", "html"),
        default="vecalign",
        help="vecalign: '[0, 1]:[0]:0.912' (0-based ids); tsv: ids, score and texts; html: a review page "
        "(one self-contained file: the two sides next to each other, filters, flags)",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write the output to FILE instead of stdout")
    parser.add_argument(
        "--sentences",
        action="store_true",
        help="first print the split sentences, '#src<TAB>id<TAB>text' and '#tgt ...'",
    )
    parser.add_argument(
        "--dictionary",
        metavar="freedict|FILE",
        help="bilingual dictionary, a fourth signal: 'freedict' (the installed FreeDict "
        "dictionaries for the two languages, e.g. apt-get install dict-freedict-deu-fra), "
        "a FreeDict .index file, or a TSV of 'source<TAB>target' lines",
    )
    args = parser.parse_args(argv)
    return run_command(prog, lambda: _align(args), errors=(InputError, DictionaryError))


def _align(args: argparse.Namespace) -> None:
    source = read_side(args.src, args.presplit, args.src_lang)
    src, tgt = source.sentences, read_sentences(args.tgt, args.presplit, args.tgt_lang)
    lexicon = None if args.dictionary is None else Lexicon.from_option(args.dictionary, args.src_lang, args.tgt_lang)
    beads = align(src, tgt, src_lang=args.src_lang, tgt_lang=args.tgt_lang, lexicon=lexicon)
    if args.output is None:
        _write(sys.stdout, args, beads, source, tgt)
        return
    collected = io.StringIO()
    _write(collected, args, beads, source, tgt)
    try:
        write_file_atomically(Path(args.output), collected.getvalue())
    except OSError as error:
        raise InputError(f"{args.output}: cannot write ({error.strerror or error})") from None


def _write(out: TextIO, args: argparse.Namespace, beads: list[Bead], source: Side, tgt: list[str]) -> None:
    src = source.sentences
    if args.format == "html":  # the page shows every sentence: --sentences adds nothing to it
        out.write(review_page(args, beads, source, tgt))
        return
    if args.sentences:
        for label, sentences in (("#src", src), ("#tgt", tgt)):
            for k, sentence in enumerate(sentences):
                print(f"{label}\t{k}\t{sentence}", file=out)
    if args.format == "tsv":
        print("src_ids\ttgt_ids\tscore\tsrc_text\ttgt_text", file=out)
    for bead in beads:
        print(format_bead(bead, args.format, src, tgt), file=out)


def review_page(args: argparse.Namespace, beads: Sequence[Bead], source: Side, tgt: Sequence[str]) -> str:
    """The review page of the alignment: each bead in the paragraph of its first source sentence
    (an English-only bead in that of the source sentence before it)."""
    from .review import render_page, review_rows

    rows = review_rows(beads, source.sentences, tgt, source.paragraphs)
    facts = [
        ("source", args.src),
        ("target", args.tgt),
        ("languages", f"{args.src_lang} \u2192 {args.tgt_lang}"),
        ("sentences", f"{len(source.sentences)} / {len(tgt)} ({'one per line' if args.presplit else 'split'})"),
        ("dictionary", args.dictionary or "none"),
    ]
    title = f"{Path(args.src).name} \u2194 {Path(args.tgt).name}"
    return render_page(title, rows, facts, languages=(args.src_lang, args.tgt_lang))
