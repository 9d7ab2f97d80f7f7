"""Sentence-alignment benchmark: our aligner vs a Gale-Church baseline.

    python benchmarks/alignment.py [--sets textberg-dev textberg-test flores] [--scaling]

Scores are vecalign's strict and lax precision/recall/F1 (eval.alignment), pooled
over the documents of a set; differences in strict F1 come with a 95% interval from a
paired bootstrap over 20-sentence chunks (eval.alignment_bootstrap). Sets:

- Text+Berg de-fr (Sennrich & Volk, redistributed with vecalign, GPL-2): the
  standard benchmark; dev for tuning, the 7 test documents pooled for reporting.
- FLORES-200 devtest fra-eng (Meta AI, CC-BY-SA 4.0), one document per URL, made
  harder with a fixed seed: on the English side some adjacent sentences are merged
  into one line and a few are deleted; the gold beads record what was done.

Each set is also aligned with the installed FreeDict dictionaries for its languages
(`apt-get install dict-freedict-deu-fra dict-freedict-fra-deu dict-freedict-fra-eng
dict-freedict-eng-fra`), where they are installed; the dictionary is loaded before
the clock starts, like the embedding model.

--scaling times synthetic documents of growing length (up to 10,000 x 10,000).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

import galechurch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from docs_table import tables_into  # noqa: E402  (beside this script; pysbd installs a package named "benchmarks")

from aligned import Bead, Lexicon, align  # noqa: E402
from aligned.lexicon import DictionaryError  # noqa: E402
from eval.alignment import score_pooled  # noqa: E402
from eval.alignment_bootstrap import paired_bootstrap  # noqa: E402
from eval.datasets import FLORES, NEWSTEST, TEXT_BERG, flores_documents  # noqa: E402

Doc = tuple[list[str], list[str], list[Bead], str, str]  # src, tgt, gold, src_lang, tgt_lang


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").rstrip("\n").split("\n")


def textberg(split: str) -> list[Doc]:
    """Text+Berg documents: German source, French target, gold `[de ids]:[fr ids]`."""
    names = ["dev"] if split == "dev" else [f"test{k}" for k in range(7)]
    root = TEXT_BERG
    return [
        (
            _lines(root / f"{name}.de"),
            _lines(root / f"{name}.fr"),
            [Bead.from_vecalign(line) for line in _lines(root / f"{name}.defr")],
            "de",
            "fr",
        )
        for name in names
    ]


def flores(seed: int = 13, merge_rate: float = 0.25, delete_rate: float = 0.08) -> list[Doc]:
    """FLORES devtest documents, French source, English target with merges and deletions."""
    rng = random.Random(seed)
    return [_damage(document.fra, document.eng, rng, merge_rate, delete_rate) for document in flores_documents()]


def _damage(src: list[str], tgt: list[str], rng: random.Random, merge_rate: float, delete_rate: float) -> Doc:
    """Merge some adjacent English lines, delete a few; gold beads follow the edits."""
    lines: list[str] = []
    gold: list[Bead] = []
    i = 0
    while i < len(src):
        if rng.random() < delete_rate and len(src) > 1:
            gold.append(Bead((i,), ()))
            i += 1
        elif i + 1 < len(src) and rng.random() < merge_rate:
            gold.append(Bead((i, i + 1), (len(lines),)))
            lines.append(tgt[i] + " " + tgt[i + 1])
            i += 2
        else:
            gold.append(Bead((i,), (len(lines),)))
            lines.append(tgt[i])
            i += 1
    return src, lines, gold, "fr", "en"


def ours(src: Sequence[str], tgt: Sequence[str], src_lang: str, tgt_lang: str) -> list[Bead]:
    return align(src, tgt, src_lang=src_lang, tgt_lang=tgt_lang)


def ours_with(lexicon: Lexicon) -> Aligner:
    return lambda src, tgt, src_lang, tgt_lang: align(src, tgt, src_lang=src_lang, tgt_lang=tgt_lang, lexicon=lexicon)


def freedict(src_lang: str, tgt_lang: str) -> Lexicon | None:
    """The installed FreeDict dictionaries for a language pair, or None (with a note)."""
    try:
        return Lexicon.freedict(src_lang, tgt_lang)
    except DictionaryError as error:
        print(f"(no dictionary row: {error})", file=sys.stderr)
        return None


def gale_church(src: Sequence[str], tgt: Sequence[str], src_lang: str, tgt_lang: str) -> list[Bead]:
    if not src or not tgt:  # the package wants both sides
        return align(src, tgt)
    block = galechurch.align(src, tgt)
    return [
        Bead(tuple(range(b.source_start, b.source_end)), tuple(range(b.target_start, b.target_end)))
        for b in block.beads
    ]


Aligner = Callable[[Sequence[str], Sequence[str], str, str], list[Bead]]


class Run(NamedTuple):
    """One aligner on one set: pooled vecalign scores (and seconds), and its beads."""

    scores: dict[str, float]
    predicted: list[list[tuple[tuple[int, ...], tuple[int, ...]]]]


def evaluate(aligner: Aligner, docs: list[Doc]) -> Run:
    """Pooled vecalign scores and wall-clock seconds of one aligner on one set."""
    start = time.perf_counter()
    predicted = [aligner(src, tgt, sl, tl) for src, tgt, _, sl, tl in docs]
    seconds = time.perf_counter() - start
    pairs = [[(b.src, b.tgt) for b in p] for p in predicted]
    return Run(score_pooled(pairs, _gold(docs)) | {"seconds": seconds}, pairs)


def _gold(docs: list[Doc]) -> list[list[tuple[tuple[int, ...], tuple[int, ...]]]]:
    return [[(b.src, b.tgt) for b in gold] for _, _, gold, _, _ in docs]


SETS = {"textberg-dev": lambda: textberg("dev"), "textberg-test": lambda: textberg("test"), "flores": flores}


def report(names: Sequence[str]) -> None:
    """The table: scores per set and aligner; differences in strict F1 with a 95% interval
    from a paired bootstrap over 20-sentence chunks (eval.alignment_bootstrap)."""
    align(["Un."], ["One."])  # load the embedding model outside the timings
    print(
        "| set | aligner | P strict | R strict | F1 strict | P lax | R lax | F1 lax | seconds "
        "| ΔF1 strict vs Gale-Church [95% CI] | ΔF1 strict vs aligned [95% CI] |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name in names:
        docs = SETS[name]()
        gold = _gold(docs)
        lexicon = freedict(*docs[0][3:])
        base = evaluate(gale_church, docs)
        plain = evaluate(ours, docs)
        rows = [("Gale-Church", base, ()), ("aligned", plain, (base,))]
        if lexicon is not None:
            rows.append(("aligned + FreeDict", evaluate(ours_with(lexicon), docs), (base, plain)))
        for label, run, baselines in rows:
            deltas = [str(paired_bootstrap(run.predicted, other.predicted, gold)) for other in baselines]
            s = run.scores
            print(
                f"| {name} | {label} | {s['precision_strict']:.3f} | {s['recall_strict']:.3f} | "
                f"{s['f1_strict']:.3f} | {s['precision_lax']:.3f} | {s['recall_lax']:.3f} | "
                f"{s['f1_lax']:.3f} | {s['seconds']:.1f} | {' | '.join(deltas + [''] * (2 - len(deltas)))} |",
                flush=True,
            )


def scaling(sizes: Sequence[int] = (1000, 2500, 5000, 10000)) -> None:
    """Time synthetic documents: FLORES + newstest sentences, repeated to size, with
    the English side shuffled locally by merges and deletions (so the path is not trivial)."""
    fra = _lines(NEWSTEST / "newstest2014.fra") + _lines(FLORES / "fra.devtest")
    eng = _lines(NEWSTEST / "newstest2014.eng") + _lines(FLORES / "eng.devtest")
    lexicon = freedict("fr", "en")
    print("| sentences (src x tgt) | seconds | strict F1 | seconds + FreeDict | strict F1 + FreeDict |")
    print("|---|---|---|---|---|")
    for size in sizes:
        src = [fra[k % len(fra)] for k in range(size)]
        src, tgt, gold, _, _ = _damage(src, [eng[k % len(eng)] for k in range(size)], random.Random(size), 0.1, 0.02)
        cells = []
        for aligner in [ours] + ([] if lexicon is None else [ours_with(lexicon)]):
            scores = evaluate(aligner, [(src, tgt, gold, "fr", "en")]).scores
            cells += [f"{scores['seconds']:.1f}", f"{scores['f1_strict']:.3f}"]
        print(f"| {len(src)} x {len(tgt)} | {' | '.join(cells + [''] * (4 - len(cells)))} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="+", choices=list(SETS), default=list(SETS))
    parser.add_argument("--scaling", action="store_true", help="also time synthetic long documents")
    parser.add_argument(
        "--write", type=Path, metavar="PAGE", help="also write the tables into this Markdown page (docs/alignment.md)"
    )
    args = parser.parse_args()
    with tables_into(args.write, "alignment.py"):
        report(args.sets)
    if args.scaling:
        with tables_into(args.write, "alignment.py --scaling"):
            scaling()


if __name__ == "__main__":
    main()
