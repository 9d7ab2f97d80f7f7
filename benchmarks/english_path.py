"""``translate SRC --english PATH`` measured end to end: strict F1 through the corpus files, and time.

    python benchmarks/english_path.py [--write docs/english.md] [--long 10000]

Each set is written as documents, run through the whole command in-process (``translate.cli.main``,
no model), and the pairs of ``NAME.jsonl`` are mapped back to the gold lines: each sentence the
command found goes to the gold lines it overlaps (a sentence the splitter cut differently from
the gold takes its whole lines with it), and neighbouring beads that share a gold line are joined.
Beside it, on the same text, ``aligned.align`` in the ways the command could have aligned:

- gold lines: ``align`` on the gold sentences themselves (what docs/alignment.md reports);
- whole document: the command's sentences, one search, no paragraph breaks (what the command does);
- whole document + breaks: the same with paragraph starts as soft anchors (``paragraph_breaks=``);
- paragraphs first: paragraphs aligned as units, then the sentences inside each group of paragraphs.

Sets (strict F1, vecalign's measure, pooled over documents):

- Text+Berg test (de-fr, gold from Bleualign/vecalign, GPL-2): German on the "French" side, French
  on the "English" side (the signals are language-agnostic; the language checks warn, silenced here).
  As lines (a blank line after every gold sentence: the command's sentences are the gold ones) and
  as running text (each document one paragraph, split again by ``aligned.splitter``).
- FLORES-200 devtest (fra-eng, CC-BY-SA 4.0): 10 documents of ~28 FLORES documents each, one
  paragraph per FLORES document on the French side; the English has merged and deleted sentences
  (``alignment._damage``, seed 13), and its paragraphs either the French ones ("same paragraphs")
  or regrouped (a fifth merged with the next, a fifth split in two).

``--long N`` times one pair of N sentences (FLORES and newstest lines, paragraphs of 5 French
sentences, the English damaged and regrouped as above) through the whole command.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from alignment import _damage, textberg  # noqa: E402  (beside this script)
from docs_table import tables_into  # noqa: E402

from aligned import Bead, align  # noqa: E402
from aligned.splitter import sentence_spans  # noqa: E402
from eval.alignment import score_pooled  # noqa: E402
from eval.datasets import FLORES, NEWSTEST, flores_documents  # noqa: E402
from translate.cli import main as translate  # noqa: E402
from translate.document_alignment import document_sentences  # noqa: E402

Pairs = list[tuple[tuple[int, ...], tuple[int, ...]]]


class Case(NamedTuple):
    """One document pair: paragraphs as lists of gold lines on each side, and the gold beads."""

    name: str
    french: list[list[str]]
    english: list[list[str]]
    gold: list[Bead]


def _clean(paragraphs: list[list[str]]) -> list[list[str]]:
    """Lines as the command reads them (NFC, single spaces, stripped), so offsets map back."""
    return [[" ".join(unicodedata.normalize("NFC", line).split()) for line in lines] for lines in paragraphs]


def _text(paragraphs: list[list[str]]) -> str:
    return "\n\n".join(" ".join(lines) for lines in paragraphs) + "\n"


def _line_of_sentences(paragraphs: list[list[str]], lang: str) -> list[set[int]]:
    """For each sentence the splitter finds (as the command does), the gold lines it overlaps."""
    found: list[set[int]] = []
    first = 0
    for lines in paragraphs:
        bounds, start = [], 0
        for k, line in enumerate(lines):
            bounds.append((start, start + len(line), first + k))
            start += len(line) + 1
        for s, e in sentence_spans(" ".join(lines), lang):
            found.append({line for a, b, line in bounds if a < e and s < b})
        first += len(lines)
    return found


def project(beads: Sequence[tuple[Sequence[int], Sequence[int]]], case: Case) -> Pairs:
    """Beads over the command's sentences as beads over gold lines (see the module docstring)."""
    src, tgt = _line_of_sentences(case.french, "fr"), _line_of_sentences(case.english, "en")
    merged: list[tuple[set[int], set[int]]] = []
    for s_ids, t_ids in beads:
        s = set().union(*(src[i] for i in s_ids))
        t = set().union(*(tgt[j] for j in t_ids))
        if merged and (merged[-1][0] & s or merged[-1][1] & t):
            merged[-1][0].update(s)
            merged[-1][1].update(t)
        else:
            merged.append((s, t))
    return [(tuple(sorted(s)), tuple(sorted(t))) for s, t in merged]


def through_command(cases: Sequence[Case]) -> tuple[list[Pairs], float]:
    """Every case through ``translate FR/ --english EN/``; beads read back from NAME.jsonl."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for side, paragraphs_of in (("fr", lambda c: c.french), ("en", lambda c: c.english)):
            (root / side).mkdir()
            for case in cases:
                (root / side / f"{case.name}.txt").write_text(_text(paragraphs_of(case)), encoding="utf-8")
        start = time.perf_counter()
        with contextlib.redirect_stderr(io.StringIO()) as errors:
            status = translate([str(root / "fr"), "--english", str(root / "en"), "-o", str(root / "out"), "--quiet"])
        seconds = time.perf_counter() - start
        if status != 0:
            raise SystemExit(f"translate --english failed ({status}): {errors.getvalue()}")
        predicted = []
        for case in cases:
            records = [json.loads(line) for line in (root / "out" / f"{case.name}.jsonl").read_text().splitlines()]
            beads = [(r["src_ids"], r["tgt_ids"]) for r in records]
            counts = [1 + max(i for bead in beads for i in bead[side]) for side in (0, 1)]
            expected = [len(_line_of_sentences(case.french, "fr")), len(_line_of_sentences(case.english, "en"))]
            if counts != expected:
                raise SystemExit(f"{case.name}: the command found {counts} sentences, the mapping {expected}")
            predicted.append(project(beads, case))
    return predicted, seconds


def _sentences(case: Case):
    return (
        document_sentences([" ".join(lines) for lines in case.french], "fr"),
        document_sentences([" ".join(lines) for lines in case.english], "en"),
    )


def gold_lines(case: Case) -> Pairs:
    beads = align([line for p in case.french for line in p], [line for p in case.english for line in p])
    return [(b.src, b.tgt) for b in beads]


def whole(breaks: bool) -> Callable[[Case], Pairs]:
    def run(case: Case) -> Pairs:
        fr, en = _sentences(case)
        beads = align(fr.texts, en.texts, paragraph_breaks=(fr.starts, en.starts) if breaks else None)
        return project([(b.src, b.tgt) for b in beads], case)

    return run


def paragraphs_first(case: Case) -> Pairs:
    fr, en = _sentences(case)
    fr_ids = [[i for i, p in enumerate(fr.paragraph) if p == k] for k in range(len(case.french))]
    en_ids = [[j for j, p in enumerate(en.paragraph) if p == k] for k in range(len(case.english))]
    beads: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    for group in align([" ".join(lines) for lines in case.french], [" ".join(lines) for lines in case.english]):
        src = [i for k in group.src for i in fr_ids[k]]
        tgt = [j for k in group.tgt for j in en_ids[k]]
        for bead in align([fr.texts[i] for i in src], [en.texts[j] for j in tgt]):
            beads.append((tuple(src[i] for i in bead.src), tuple(tgt[j] for j in bead.tgt)))
    return project(beads, case)


def textberg_cases(as_lines: bool) -> list[Case]:
    return [
        Case(
            f"test{k}",
            _clean([[line] for line in src] if as_lines else [src]),
            _clean([[line] for line in tgt] if as_lines else [tgt]),
            gold,
        )
        for k, (src, tgt, gold, _, _) in enumerate(textberg("test"))
    ]


def _regroup(paragraphs: list[list[str]], rng: random.Random, rate: float) -> list[list[str]]:
    """English paragraphs as a translator might make them: a share ``rate`` merged with the
    next, as many split in two."""
    out: list[list[str]] = []
    carry: list[str] = []
    for lines in paragraphs:
        lines = carry + lines
        carry = []
        roll = rng.random()
        if roll < rate:
            carry = lines
        elif roll < 2 * rate and len(lines) > 1:
            cut = rng.randrange(1, len(lines))
            out += [lines[:cut], lines[cut:]]
        elif lines:
            out.append(lines)
    return out + ([carry] if carry else [])


def _damaged_case(
    name: str, french: list[list[str]], english: list[list[str]], rng: random.Random, regroup: float
) -> Case:
    """French paragraphs as given; each English paragraph damaged (merges, deletions), then regrouped."""
    gold: list[Bead] = []
    damaged: list[list[str]] = []
    src0 = tgt0 = 0
    for fr, en in zip(french, english):
        _, lines, beads, _, _ = _damage(fr, en, rng, 0.25, 0.08)
        gold += [Bead(tuple(src0 + i for i in b.src), tuple(tgt0 + j for j in b.tgt)) for b in beads]
        damaged.append(lines)
        src0, tgt0 = src0 + len(fr), tgt0 + len(lines)
    return Case(name, _clean(french), _clean(_regroup([p for p in damaged if p], rng, regroup)), gold)


def flores_cases(regroup: float, count: int = 10, seed: int = 13) -> list[Case]:
    documents = flores_documents()
    rng = random.Random(seed)
    size = -(-len(documents) // count)
    return [
        _damaged_case(
            f"flores{k}",
            [d.fra for d in documents[k * size : (k + 1) * size]],
            [d.eng for d in documents[k * size : (k + 1) * size]],
            rng,
            regroup,
        )
        for k in range(count)
    ]


def _gold(cases: Sequence[Case]) -> list[Pairs]:
    return [[(b.src, b.tgt) for b in case.gold] for case in cases]


def _row(set_name: str, label: str, predicted: list[Pairs], cases: Sequence[Case], seconds: float) -> None:
    s = score_pooled(predicted, _gold(cases))
    print(
        f"| {set_name} | {label} | {s['precision_strict']:.3f} | {s['recall_strict']:.3f} | {s['f1_strict']:.3f} | "
        f"{s['f1_lax']:.3f} | {seconds:.1f} |",
        flush=True,
    )


def report() -> None:
    align(["Un."], ["One."])  # load the embedding model outside the timings
    print("| set | aligner | P strict | R strict | F1 strict | F1 lax | seconds |")
    print("|---|---|---|---|---|---|---|")
    sets = [
        ("Text+Berg test, lines", textberg_cases(True), False),
        ("Text+Berg test, running text", textberg_cases(False), False),
        ("FLORES, same paragraphs", flores_cases(0.0), True),
        ("FLORES, regrouped paragraphs", flores_cases(0.2), True),
    ]
    for set_name, cases, has_paragraphs in sets:
        variants: list[tuple[str, Callable[[Case], Pairs]]] = [("align on gold lines", gold_lines)]
        variants += [("whole document", whole(False))]
        if has_paragraphs:
            variants += [("whole document + breaks", whole(True)), ("paragraphs first", paragraphs_first)]
        for label, run in variants:
            start = time.perf_counter()
            predicted = [run(case) for case in cases]
            _row(set_name, label, predicted, cases, time.perf_counter() - start)
        predicted, seconds = through_command(cases)
        _row(set_name, "`translate --english`", predicted, cases, seconds)


def long_pair(size: int) -> None:
    """One pair of ``size`` French sentences through the whole command: seconds and strict F1."""
    fra = (NEWSTEST / "newstest2014.fra").read_text(encoding="utf-8").splitlines()
    fra += (FLORES / "fra.devtest").read_text(encoding="utf-8").splitlines()
    eng = (NEWSTEST / "newstest2014.eng").read_text(encoding="utf-8").splitlines()
    eng += (FLORES / "eng.devtest").read_text(encoding="utf-8").splitlines()
    src, tgt = [fra[k % len(fra)] for k in range(size)], [eng[k % len(eng)] for k in range(size)]
    french = [src[k : k + 5] for k in range(0, size, 5)]
    english = [tgt[k : k + 5] for k in range(0, size, 5)]
    case = _damaged_case("long", french, english, random.Random(size), 0.2)
    predicted, seconds = through_command([case])
    f1 = score_pooled(predicted, _gold([case]))["f1_strict"]
    sentences = sum(map(len, case.french)), sum(map(len, case.english))
    print("| pair (French x English lines) | seconds, whole command | strict F1 |")
    print("|---|---|---|")
    print(f"| {sentences[0]} x {sentences[1]} | {seconds:.1f} | {f1:.3f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", type=Path, metavar="PAGE", help="also write the tables into this page")
    parser.add_argument("--long", type=int, default=10_000, metavar="N", help="sentences of the long pair (0: none)")
    args = parser.parse_args()
    with tables_into(args.write, "english_path.py"):
        report()
    if args.long:
        with tables_into(args.write, "english_path.py --long"):
            long_pair(args.long)


if __name__ == "__main__":
    main()
