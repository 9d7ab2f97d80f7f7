"""``--unit paragraph`` against ``--unit sentence``: the same FLORES paragraphs, the same engine.

The model has opus-mt-fr-en's exact shape with seeded random weights (``throughput.build_model``;
the hub is unreachable here) and ``</s>`` suppressed, so every input decodes exactly as many
tokens as a real translation of it would have, taken here as 1.1 x its input tokens (French to
English comes out a little shorter in words but about as long in Marian's pieces). A paragraph
decodes as one input; with ``sentence`` each of its sentences is an input of its own. Engine:
CTranslate2 at the defaults (float32 weights, beam 4, two one-thread workers on 2 cores), through
the pipeline's ``Translator``, no cache; after an untimed warm-up, the units are timed in turn,
the first of each round alternating, and the median of the rounds is kept.

Run (after ``pip install -e .``; about 5 minutes on 2 cores, most of it building the model once):
    python benchmarks/units.py [--paragraphs 32] [--rounds 3] [--beam 4] [--work DIR] [--write docs/speed.md]
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from docs_table import tables_into  # noqa: E402  (beside this script; pysbd installs a package named "benchmarks")
from throughput import build_model, flores_paragraphs  # noqa: E402

from translate.backends import DecodingSettings  # noqa: E402
from translate.backends.ctranslate2_backend import CTranslate2Backend  # noqa: E402
from translate.length_policy import LengthPolicy  # noqa: E402
from translate.model_files import resolve_model  # noqa: E402
from translate.translation import UNITS, Translator  # noqa: E402

OUTPUT_RATIO = 1.1  # decoded tokens per input token, as a real translation's


class RealisticLengths(LengthPolicy):
    """Decode ceil(1.1 x input) tokens: with </s> suppressed, exactly that many."""

    def max_new_tokens(self, input_tokens: int) -> int:
        return min(self.max_output_tokens, math.ceil(OUTPUT_RATIO * input_tokens))


class Recording:
    """The backend, noting each batch the Translator sends and the decoding bound it gets."""

    def __init__(self, backend: CTranslate2Backend):
        self.backend, self.requests = backend, []

    def __getattr__(self, name: str):
        return getattr(self.backend, name)

    def translate_batches(self, requests):
        requests = [(list(texts), bound) for texts, bound in requests]
        self.requests += requests
        # This model never ends an output, so every output reaches its batch's bound, and the
        # Translator would send again each piece whose own bound is lower. A real translation
        # ends within its own bound and never goes again: say so (no step count), so that only
        # the work of a real run is timed.
        for outputs in self.backend.translate_batches(requests):
            yield [output._replace(steps=0) for output in outputs]

    def decoded_tokens(self, policy: LengthPolicy) -> tuple[int, int]:
        """(tokens the batches decoded, tokens the inputs needed): with </s> suppressed, every
        input of a batch decodes up to the bound of the batch's longest input, where a real
        translation stops at its own end; the difference is work real runs mostly do not do."""
        decoded = sum(len(texts) * bound for texts, bound in self.requests)
        needed = sum(policy.max_new_tokens(n) for texts, _ in self.requests for n in self.backend.count_tokens(texts))
        return decoded, needed


def timed_rounds(variants: Sequence[str], rounds: int, run: Callable[[str], None]) -> dict[str, float]:
    """Median seconds of ``run(variant)`` for each variant over ``rounds`` rounds; the variant that
    goes first alternates from round to round, so a drift in the machine's load falls on all."""
    seconds: dict[str, list[float]] = {variant: [] for variant in variants}
    for round_number in range(rounds):
        for variant in list(variants)[round_number % 2 :] + list(variants)[: round_number % 2]:
            started = time.perf_counter()
            run(variant)
            seconds[variant].append(time.perf_counter() - started)
            print(f"{variant}: {seconds[variant][-1]:.1f} s", file=sys.stderr, flush=True)
    return {variant: statistics.median(times) for variant, times in seconds.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paragraphs", type=int, default=32, help="FLORES paragraphs (default 32)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per unit; the median is kept (default 3)")
    parser.add_argument("--beam", type=int, default=4, help="beam size (default 4, translate's default)")
    parser.add_argument(
        "--work", type=Path, help="keep the model and its conversion here (default: a temporary folder)"
    )
    parser.add_argument(
        "--write", type=Path, metavar="PAGE", help="also write the table into this page (docs/speed.md)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        model = resolve_model(str(build_model(work / "opus-mt-shaped")))
        backend = CTranslate2Backend(model, DecodingSettings(beam=args.beam), cache_dir=work / "ct2")
        paragraphs = flores_paragraphs()[: args.paragraphs]
        Translator(backend, RealisticLengths(backend.max_positions)).translate(paragraphs[:4])  # warm-up, untimed
        pieces: dict[str, int] = {}
        tokens: dict[str, tuple[int, int]] = {}

        def run(unit: str) -> None:
            recording = Recording(backend)
            translator = Translator(recording, RealisticLengths(backend.max_positions), unit=unit)
            translator.translate(paragraphs)
            pieces[unit] = translator.stats.pieces
            tokens[unit] = recording.decoded_tokens(translator.policy)

        seconds = timed_rounds(UNITS, args.rounds, run)
    base = seconds["paragraph"]
    note = (
        f"{len(paragraphs)} FLORES paragraphs, beam {args.beam}, CTranslate2 float32 with {backend.workers} "
        f"workers, {OUTPUT_RATIO} decoded tokens per input token, median of {args.rounds} rounds."
    )
    with tables_into(args.write, "units.py", note):
        print("| unit | inputs | seconds | time vs paragraph | tokens decoded | tokens a real run needs |")
        print("|---|--:|--:|--:|--:|--:|")
        for unit in UNITS:
            decoded, needed = tokens[unit]
            ratio = seconds[unit] / base
            print(f"| {unit} | {pieces[unit]} | {seconds[unit]:.1f} | {ratio:.2f}x | {decoded} | {needed} |")


if __name__ == "__main__":
    main()
