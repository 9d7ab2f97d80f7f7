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

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from docs_table import tables_into  # noqa: E402  (beside this script; pysbd installs a package named "benchmarks")
from harness import OUTPUT_RATIO, RealisticLengths, Recording, parser, shaped_model, timed_rounds  # noqa: E402
from throughput import flores_paragraphs  # noqa: E402

from translate.backends import DecodingSettings  # noqa: E402
from translate.backends.ctranslate2_backend import CTranslate2Backend  # noqa: E402
from translate.translation import UNITS, Translator  # noqa: E402


def main() -> None:
    options = parser(__doc__, paragraphs=32)
    options.add_argument("--beam", type=int, default=4, help="beam size (default 4, translate's default)")
    args = options.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        model = shaped_model(work)
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
