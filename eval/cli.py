"""``fr-en-score translation|alignment`` (or ``python -m eval``): print scores as text or one JSON object.

Every input problem ends in a one-line ``PROG: error:`` message and exit status 2, never a
traceback (``aligned.command``).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from aligned.beads import Bead, read_beads
from aligned.command import run_command
from eval.alignment import alignment_scores, vecalign_keys
from eval.alignment_bootstrap import paired_bootstrap
from eval.inputs import InputError, read_lines
from eval.translation import OFFLINE_TOKENIZERS, check_tokenizer, score_translation, scores_to_json


def _translation(args: argparse.Namespace) -> None:
    check_tokenizer(args.tokenize)
    hypotheses = read_lines(args.hyp)
    if not hypotheses:
        raise InputError(f"{args.hyp}: hypothesis file is empty")
    references = [read_lines(path) for path in args.refs]
    baseline = read_lines(args.baseline) if args.baseline else None
    for path, lines in zip([*args.refs, args.baseline], [*references, baseline]):
        if lines is not None and len(lines) != len(hypotheses):
            raise InputError(f"line counts differ: {args.hyp} has {len(hypotheses)} lines, {path} has {len(lines)}")
    scores = score_translation(hypotheses, references, args.tokenize, args.confidence, baseline)
    files = {"hypothesis": args.hyp, "references": args.refs}
    if args.baseline:
        files["baseline"] = args.baseline
    if args.json:
        print(json.dumps({**scores_to_json(scores, len(hypotheses)), **files}, ensure_ascii=False, indent=1))
        return
    print(
        f"test set: {args.hyp} against {', '.join(args.refs)}"
        + (f", baseline {args.baseline}" if args.baseline else "")
        + f" ({len(hypotheses)} segments)"
    )
    for score in scores.values():
        print(score.format())


def _beads(path: str) -> list[Bead]:
    """A bead file that must hold beads: an empty one is a failed run, not an alignment."""
    beads = read_beads(path)
    if not beads:
        raise InputError(f"{path}: no beads (empty file); give an alignment in vecalign's format, one bead per line")
    return beads


def _alignment(args: argparse.Namespace) -> None:
    if len(args.files) % 2:
        raise InputError("give files in pairs: PRED GOLD [PRED GOLD ...]")
    preds, golds = args.files[0::2], args.files[1::2]
    if args.baseline is not None and len(args.baseline) != len(preds):
        raise InputError(
            f"--baseline gives {len(args.baseline)} files for {len(preds)} PRED files: "
            "give one PRED0 per PRED, in the same order"
        )
    pred_docs, gold_docs = [_beads(p) for p in preds], [_beads(g) for g in golds]
    measured = alignment_scores(pred_docs, gold_docs)
    scores = vecalign_keys(measured)
    comparison = (
        None if args.baseline is None else paired_bootstrap(pred_docs, [_beads(p) for p in args.baseline], gold_docs)
    )
    if args.json:
        out = {
            **scores,
            "signatures": {measure: score.signature for measure, score in measured.items()},
            "documents": len(preds),
            "predicted": preds,
            "gold": golds,
        }
        if comparison is not None:
            out["baseline"] = {
                "predicted": args.baseline,
                "f1_strict": comparison.f1_b,
                "delta_f1_strict": comparison.delta,
                "interval_95": [comparison.low, comparison.high],
                "share_not_better": comparison.share_not_better,
            }
        print(json.dumps(out, indent=1))
        return
    print(f"predicted {', '.join(preds)} against gold {', '.join(golds)}")
    print(f"{'':10} {'strict':>7} {'lax':>7}")
    for measure, label in (("precision", "precision"), ("recall", "recall"), ("f1", "F1")):
        print(f"{label:10} {scores[f'{measure}_strict']:7.3f} {scores[f'{measure}_lax']:7.3f}")
    for score in measured.values():
        print(score.signature)
    if comparison is not None:
        print(f"baseline {', '.join(args.baseline)}: strict F1 {comparison.f1_b:.3f}")
        print(
            f"strict F1 minus baseline: {comparison} (95% paired bootstrap over 20-sentence chunks; "
            f"not better in {comparison.share_not_better:.1%} of resamples)"
        )


def build_parser(prog: str = "fr-en-score") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Score translations (sacrebleu) and sentence alignments (vecalign's measures)."
    )
    commands = parser.add_subparsers(required=True, metavar="{translation,alignment}")

    translation = commands.add_parser(
        "translation",
        help="BLEU, chrF, chrF++ and TER of a translation (sacrebleu)",
        description="Corpus BLEU, chrF, chrF++ and TER with sacrebleu signatures. "
        "Files are plain text, one segment per line, line-aligned.",
    )
    translation.add_argument("hyp", metavar="HYP", help="system output")
    translation.add_argument("refs", metavar="REF", nargs="+", help="reference translation(s)")
    translation.add_argument("--json", action="store_true", help="print one JSON object")
    translation.add_argument(
        "--confidence", action="store_true", help="95%% bootstrap confidence intervals (sacrebleu, fixed seed)"
    )
    translation.add_argument(
        "--baseline", metavar="HYP0", help="paired bootstrap test of HYP against this other system's output"
    )
    translation.add_argument(
        "--tokenize",
        default="13a",
        metavar="{" + ",".join(OFFLINE_TOKENIZERS) + "}",
        help="BLEU tokenizer (default 13a); those needing a download are refused",
    )
    translation.set_defaults(run=_translation)

    alignment = commands.add_parser(
        "alignment",
        help="strict/lax precision, recall, F1 of sentence alignments (vecalign's score.py)",
        description="Score predicted beads against gold beads, vecalign's format ([0, 1]:[0]:0.25). "
        "Several PRED GOLD pairs are pooled as vecalign pools several files.",
    )
    alignment.add_argument("files", metavar="PRED GOLD", nargs="+", help="predicted and gold bead files")
    alignment.add_argument("--json", action="store_true", help="print one JSON object")
    alignment.add_argument(
        "--baseline",
        metavar="PRED0",
        nargs="+",
        help="another aligner's beads for the same documents, one per PRED in the same "
        "order: strict F1 of PRED minus PRED0 with a 95%% paired bootstrap interval",
    )
    alignment.set_defaults(run=_alignment)
    return parser


def main(argv: Sequence[str] | None = None, prog: str = "fr-en-score") -> int:
    args = build_parser(prog).parse_args(argv)
    return run_command(prog, lambda: args.run(args))
