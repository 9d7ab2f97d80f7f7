"""What the decoding benchmarks share: the opus-mt-fr-en-shaped model, realistic output
lengths, a backend that records its batches, timed rounds, and their command-line options.

The model has random weights and ``</s>`` suppressed (``throughput.build_model``), so an input
decodes exactly as many tokens as its bound allows; ``RealisticLengths`` sets that bound to what a
real translation of it would use. ``units.py``, ``balance.py`` and ``compute_types.py`` use it.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from throughput import build_model

from translate.backends.ctranslate2_backend import CTranslate2Backend
from translate.length_policy import LengthPolicy
from translate.model_files import ModelFiles, resolve_model

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


def shaped_model(work: Path) -> ModelFiles:
    """The opus-mt-fr-en-shaped model in ``work`` (built there once, then reused)."""
    return resolve_model(str(build_model(work / "opus-mt-shaped")))


def parser(doc: str, paragraphs: int) -> argparse.ArgumentParser:
    """The options every decoding benchmark takes."""
    options = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--paragraphs", type=int, default=paragraphs, help=f"FLORES paragraphs (default {paragraphs})")
    options.add_argument("--rounds", type=int, default=3, help="timed rounds per variant; their median is kept")
    options.add_argument(
        "--work", type=Path, help="keep the model and its conversions here (default: a temporary folder)"
    )
    options.add_argument("--write", type=Path, metavar="PAGE", help="also write the table into this Markdown page")
    return options
