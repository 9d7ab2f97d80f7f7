"""The batch plan for two workers: balanced against greedy, on the case that left a worker idle.

16 FLORES-200 devtest paragraphs (one per URL), opus-mt-fr-en's shape with random weights and
``</s>`` suppressed (``throughput.build_model``), each input decoding 1.1x its tokens as a real
translation would (``units.RealisticLengths``), CTranslate2 float32 at beam 4 with two one-thread
workers, through the pipeline's ``Translator``. *greedy* is the plan before: batches filled as
the budget allows (16 inputs, 4,096 padded tokens), which cut these paragraphs into two uneven
batches; *balanced* is today's: as many batches as workers at least, the costliest as cheap as
possible. The engine is the same; only the plan differs (and translations do not depend on it).

Run (after ``pip install -e .``; a few minutes on 2 cores, most of it building the model once):
    python benchmarks/balance.py [--paragraphs 16] [--rounds 3] [--work DIR] [--write docs/speed.md]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from docs_table import tables_into  # noqa: E402  (beside this script; pysbd installs a package named "benchmarks")
from harness import RealisticLengths, Recording, parser, shaped_model, timed_rounds  # noqa: E402
from throughput import flores_paragraphs  # noqa: E402

from translate.backends import DecodingSettings  # noqa: E402
from translate.backends.ctranslate2_backend import CTranslate2Backend  # noqa: E402
from translate.translation import Translator  # noqa: E402


class GreedyPlan(Recording):
    """The same engine, planned as if it had one worker: the greedy plan of before."""

    workers = 1


def main() -> None:
    args = parser(__doc__, paragraphs=16).parse_args()
    plans = {"greedy": GreedyPlan, "balanced": Recording}
    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        model = shaped_model(work)
        backend = CTranslate2Backend(model, DecodingSettings(beam=4), cache_dir=work / "ct2")
        paragraphs = flores_paragraphs()[: args.paragraphs]
        policy = RealisticLengths(backend.max_positions)
        Translator(backend, policy).translate(paragraphs[:2])  # warm-up, untimed
        batches: dict[str, list[int]] = {}

        def run(name: str) -> None:
            recording = plans[name](backend)
            Translator(recording, policy).translate(paragraphs)
            batches[name] = [len(texts) for texts, _ in recording.requests]

        seconds = timed_rounds(list(plans), args.rounds, run)
    base = seconds["greedy"]
    note = (
        f"{len(paragraphs)} FLORES paragraphs, beam 4, CTranslate2 float32 with {backend.workers} workers, "
        f"1.1 decoded tokens per input token, median of {args.rounds} rounds."
    )
    with tables_into(args.write, "balance.py", note):
        print("| plan | batches (inputs each) | seconds | time vs greedy |")
        print("|---|---|--:|--:|")
        for name in plans:
            cells = f"{', '.join(map(str, batches[name]))} | {seconds[name]:.1f} | {seconds[name] / base:.2f}x"
            print(f"| {name} | {cells} |")


if __name__ == "__main__":
    main()
