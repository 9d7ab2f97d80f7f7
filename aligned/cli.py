"""Command line: align two files and print beads (vecalign format or TSV).

align-sentences SRC TGT (or python -m aligned SRC TGT) [--presplit] [--src-lang fr] [--tgt-lang en]
                          [--format vecalign|tsv] [--sentences] [--dictionary freedict|FILE]
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from .aligner import align
from .beads import Bead
from .command import run_command
from .lexicon import DictionaryError, Lexicon
from .textio import InputError, read_text


def read_sentences(path: str, presplit: bool, lang: str) -> list[str]:
    """One sentence per line (`presplit`), or raw text split by `split_sentences`.
    A file with no sentence is an error, not a side to leave unaligned: it is far more
    often a failed earlier step than a text with nothing in it."""
    text = read_text(path)  # a byte-order mark is not text; a NUL byte means binary
    if not text.strip():
        raise InputError(f"{path}: no sentences (the file is empty or blank); give a text to align")
    if not presplit:
        from .splitter import split_sentences

        return split_sentences(text, lang)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final newline ends the last line; it does not start a new one
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            raise InputError(f"{path}:{number}: blank line (with --presplit each line is one sentence)")
    return lines


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
        choices=("vecalign", "tsv"),
        default="vecalign",
        help="vecalign: '[0, 1]:[0]:0.912' (0-based ids); tsv: ids, score and texts",
    )
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
    src = read_sentences(args.src, args.presplit, args.src_lang)
    tgt = read_sentences(args.tgt, args.presplit, args.tgt_lang)
    lexicon = None if args.dictionary is None else Lexicon.from_option(args.dictionary, args.src_lang, args.tgt_lang)
    beads = align(src, tgt, src_lang=args.src_lang, tgt_lang=args.tgt_lang, lexicon=lexicon)
    if args.sentences:
        for label, sentences in (("#src", src), ("#tgt", tgt)):
            for k, sentence in enumerate(sentences):
                print(f"{label}\t{k}\t{sentence}")
    if args.format == "tsv":
        print("src_ids\ttgt_ids\tscore\tsrc_text\ttgt_text")
    for bead in beads:
        print(format_bead(bead, args.format, src, tgt))
