"""int8 against float32 weights at the defaults people run: the question behind ``--compute-type auto``.

16 FLORES-200 devtest paragraphs, opus-mt-fr-en's shape with random weights and ``</s>``
suppressed (``throughput.build_model``), each input decoding 1.1x its tokens as a real
translation would (``units.RealisticLengths``), CTranslate2 at beam 4 with two one-thread
workers, each type at its default batch size (float32 16, int8 8), through the pipeline's
``Translator``. Speed only: int8's translation quality needs the real weights
(``tests/test_real_model.py``).

Run (after ``pip install -e .``; a few minutes on 2 cores, most of it building the model once):
    python benchmarks/compute_types.py [--paragraphs 16] [--rounds 3] [--work DIR] [--write docs/speed.md]
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
from translate.run import default_batch_size  # noqa: E402
from translate.translation import Translator  # noqa: E402

BATCH_SIZES = {kind: default_batch_size(kind, "cpu") for kind in ("float32", "int8")}


def main() -> None:
    args = parser(__doc__, paragraphs=16).parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        model = shaped_model(work)
        backends = {
            kind: CTranslate2Backend(model, DecodingSettings(beam=4), compute_type=kind, cache_dir=work / "ct2")
            for kind in BATCH_SIZES
        }
        paragraphs = flores_paragraphs()[: args.paragraphs]

        def run(kind: str) -> None:
            backend = backends[kind]
            policy = RealisticLengths(backend.max_positions)
            Translator(Recording(backend), policy, batch_size=BATCH_SIZES[kind]).translate(paragraphs)

        for kind in BATCH_SIZES:  # warm-up, untimed
            Translator(backends[kind], RealisticLengths(512)).translate(paragraphs[:2])
        seconds = timed_rounds(list(BATCH_SIZES), args.rounds, run)
    note = f"{len(paragraphs)} FLORES paragraphs, beam 4, 2 workers, median of {args.rounds} rounds."
    with tables_into(args.write, "compute_types.py", note):
        print("| weights | batch size | seconds | time vs float32 |")
        print("|---|--:|--:|--:|")
        for kind, size in BATCH_SIZES.items():
            print(f"| {kind} | {size} | {seconds[kind]:.1f} | {seconds[kind] / seconds['float32']:.2f}x |")


if __name__ == "__main__":
    main()
