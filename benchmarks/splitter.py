"""Sentence-splitter benchmark: boundary precision/recall/F1 on real French and English text.

Gold standard: FLORES-200 devtest (documents = consecutive lines with the same URL in
metadata_devtest.tsv; CC-BY-SA 4.0, Meta AI) and WMT newstest2014 (no document ids in the plain
files, so consecutive lines are grouped into paragraphs of --chunk lines). The lines of a
document are joined with a space into one paragraph; each line start but the first is a gold
boundary, and a predicted boundary counts only where a sentence starts exactly there.

Some gold lines hold two or three sentences ('He said, "Now. Later."'), so strict precision
counts correct splits inside them as errors. "corr." also counts a boundary inside a line as
right when the translation of that line (both sets are line-aligned fr<->en), split by the same
tool, gets as many. newstest headlines carry no final punctuation, so no splitter finds the
boundary after them (a recall ceiling). "contract" is the share of paragraphs whose output is
exact, in-order, stripped substrings with only whitespace between them.

Run (after `pip install -e .`, or with PYTHONPATH=.):  python benchmarks/splitter.py [--data DIR]
(Not `python -m benchmarks.splitter`: pysbd installs a top-level package named `benchmarks`.)
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from docs_table import tables_into  # noqa: E402  (beside this script; pysbd installs a package named "benchmarks")

from aligned.splitter import sentence_spans  # noqa: E402
from eval.datasets import SHARED_DATA, flores_documents  # noqa: E402

Spans = list[tuple[int, int]]
CODES = {"en": "eng", "fr": "fra"}


def flores_lines(data: Path, code: str) -> list[list[str]]:
    """FLORES devtest lines grouped into documents by their URL (consecutive lines)."""
    return [document.lines(code) for document in flores_documents(data / "flores200-devtest")]


def newstest_chunks(data: Path, lang: str, size: int) -> list[list[str]]:
    """newstest2014 lines in consecutive groups of ``size`` (the plain files have no doc ids)."""
    lines = (data / "newstest2014" / f"newstest2014.{lang}").read_text(encoding="utf-8").splitlines()
    return [lines[i : i + size] for i in range(0, len(lines), size)]


def join(sentences: list[str]) -> tuple[str, list[int]]:
    """One paragraph from gold lines, and the offset where each line starts."""
    starts, pos = [], 0
    for s in sentences:
        starts.append(pos)
        pos += len(s) + 1
    return " ".join(sentences), starts


@dataclass
class Score:
    """Boundary counts; a boundary is the start offset of every sentence but the first."""

    found: int = 0  # predicted boundaries at a gold line start
    predicted: int = 0
    gold: int = 0
    corroborated: int = 0  # predicted inside a line whose translation splits as often
    honest: int = 0  # paragraphs whose spans keep the contract
    paragraphs: int = 0
    speed: float = 0.0  # gold sentences per second, best of --repeat passes

    def row(self) -> str:
        p, r = self.found / self.predicted, self.found / self.gold
        p_corr = (self.found + self.corroborated) / self.predicted
        return (
            f"{p:.3f} | {p_corr:.3f} | {r:.3f} | {f1(p, r):.3f} | {f1(p_corr, r):.3f} "
            f"| {self.honest / self.paragraphs:.0%} | {self.speed:,.0f}"
        )


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def inside_lines(starts: list[int], end: int, spans: Spans) -> list[int]:
    """How many predicted boundaries fall strictly inside each gold line."""
    cuts = [a for a, _ in spans[1:]]
    bounds = starts + [end + 1]
    return [sum(lo < c < hi - 1 for c in cuts) for lo, hi in zip(bounds, bounds[1:])]


def score(
    pairs: list[tuple[list[str], list[str]]], split: Callable[[str], Spans], other: Callable[[str], Spans]
) -> Score:
    """Score ``split`` on the first side of line-aligned document pairs; ``other`` splits the
    translation, to corroborate boundaries found inside a gold line."""
    s = Score()
    for doc, translation in pairs:
        text, starts = join(doc)
        spans = split(text)
        cuts = {a for a, _ in spans[1:]}
        s.found += len(cuts & set(starts[1:]))
        s.predicted += len(cuts)
        s.gold += len(starts) - 1
        s.honest += keeps_contract(text, spans)
        s.paragraphs += 1
        t_text, t_starts = join(translation)
        mine = inside_lines(starts, len(text), spans)
        theirs = inside_lines(t_starts, len(t_text), other(t_text))
        s.corroborated += sum(m for m, t in zip(mine, theirs) if m == t)
    return s


def speed(docs: list[list[str]], split: Callable[[str], Spans], repeat: int) -> float:
    """Gold sentences per second, best of ``repeat`` passes (the machine may be shared)."""
    texts = [" ".join(doc) for doc in docs]
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for text in texts:
            split(text)
        best = min(best, time.perf_counter() - t0)
    return sum(map(len, docs)) / best


def keeps_contract(text: str, spans: Spans) -> bool:
    """Spans in order, stripped, non-empty, with only whitespace outside them."""
    pos = 0
    for a, b in spans:
        if not (pos <= a < b <= len(text)) or text[pos:a].strip() or text[a:b] != text[a:b].strip():
            return False
        pos = b
    return not text[pos:].strip()


def locate(text: str, pieces: Iterator[str]) -> Spans:
    """Offsets of returned strings found in order in ``text``; a piece not found as an exact
    substring (the library changed characters) is skipped, which then breaks the contract."""
    spans, pos = [], 0
    for piece in pieces:
        piece = piece.strip()
        at = text.find(piece, pos) if piece else -1
        if at >= 0:
            spans.append((at, at + len(piece)))
            pos = at + len(piece)
    return spans


def splitters(lang: str) -> dict[str, Callable[[str], Spans]]:
    """The contenders as text -> stripped spans; the libraries are imported only here."""
    import pysbd
    import sentencex

    seg = pysbd.Segmenter(language=lang, clean=False, char_span=True)

    def with_pysbd(text: str) -> Spans:
        spans = []
        for span in seg.segment(text):
            a, b = span.start, span.end
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if a < b:
                spans.append((a, b))
        return spans

    return {
        "aligned.splitter": lambda text: sentence_spans(text, lang),
        f"pysbd {version('pysbd')}": with_pysbd,
        f"sentencex {version('sentencex')}": lambda text: locate(text, sentencex.segment(lang, text)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=SHARED_DATA)
    parser.add_argument("--chunk", type=int, default=5, help="newstest lines per paragraph")
    parser.add_argument("--repeat", type=int, default=3, help="timing passes (best is kept)")
    parser.add_argument(
        "--write", type=Path, metavar="PAGE", help="also write the table into this Markdown page (docs/splitter.md)"
    )
    args = parser.parse_args()
    sets = {
        "FLORES devtest": {lang: flores_lines(args.data, code) for lang, code in CODES.items()},
        "newstest2014": {lang: newstest_chunks(args.data, code, args.chunk) for lang, code in CODES.items()},
    }
    tools = {lang: splitters(lang) for lang in CODES}
    with tables_into(args.write, "splitter.py", "Speed: best of the timing passes."):
        _table(sets, tools, args.repeat)


def _table(sets: dict, tools: dict, repeat: int) -> None:
    print(
        "| lang | set | splitter | precision | precision (corr.) | recall | F1 | F1 (corr.) | contract | sentences/s |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for lang, other in (("en", "fr"), ("fr", "en")):
        for name, docs in sets.items():
            pairs = list(zip(docs[lang], docs[other]))
            for label, split in tools[lang].items():
                result = score(pairs, split, tools[other][label])
                result.speed = speed(docs[lang], split, repeat)
                print(f"| {lang} | {name} ({len(pairs)} paragraphs) | {label} | {result.row()} |")


if __name__ == "__main__":
    main()
