"""The ``translate`` command: French documents in, parallel corpus files and a manifest out.

Errors are one line on stderr prefixed with ``translate: error:``; a bad document never stops
the others. Exit statuses are listed in ``translate.errors``: 0 all written, 1 some documents
failed, 2 the run could not start, 3 a file could not be written mid-run, 70 a bug, 130
interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Sequence

from aligned.lexicon import DictionaryError, Lexicon
from aligned.textio import remove_leftovers
from translate.backends import Backend, DecodingSettings
from translate.backends.loading import BACKENDS, COMPUTE_TYPES, DEFAULT_COMPUTE_TYPE, load_backend
from translate.documents import (
    INPUT_SUFFIXES,
    shown,
)
from translate.engines import ENGINES
from translate.errors import (
    EXIT_BUG,
    EXIT_INTERRUPTED,
    StopRun,
    first_line,
)
from translate.inputs import find_inputs, in_groups, read_inputs
from translate.messages import report_error, warn
from translate.model_files import DEFAULT_MODEL, ModelFiles, resolve_model
from translate.outputs.corpus_files import (
    DEFAULT_FORMATS,
    DOCUMENT,
    FORMATS,
)
from translate.outputs.folder import check_run_files, earlier_run
from translate.outputs.manifest import manifest_head
from translate.outputs.publish import OutputOptions, Publisher
from translate.outputs.review import run_facts
from translate.pipeline import AlignMap, translate_documents
from translate.progress import Progress
from translate.run import (
    BATCH_SIZE,
    INT8_BATCH_SIZE,
    OUTPUT_SUFFIXES,
    RESERVED_NAMES,
    RUN_FILES,
    capped_threads,
    decoding_record,
    failure_reporter,
    finish_run,
    open_translator,
)
from translate.run_lock import RunLock
from translate.translation import UNITS


def _formats(value: str) -> list[str]:
    formats = [item.strip() for item in value.split(",") if item.strip()]
    unknown = [item for item in formats if item not in FORMATS]
    if unknown or not formats:
        raise argparse.ArgumentTypeError(
            f"unknown format(s) {', '.join(unknown) or '(none)'}; choose from {','.join(FORMATS)}"
        )
    return formats


def _score(value: str) -> float:
    try:
        score = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0.0 <= score <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (pair scores are confidences), got {value}")
    return score


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def _amount(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0 <= number < math.inf:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="translate",
        description="Translate French documents to English and write sentence-aligned parallel corpora.",
    )
    parser.add_argument(
        "sources",
        nargs="+",
        type=Path,
        metavar="SRC",
        help=f"files or directories (walked for {', '.join(INPUT_SUFFIXES)})",
    )
    parser.add_argument("-o", "--output", type=Path, default=Path("corpus"), help="output folder (default: ./corpus)")
    parser.add_argument(
        "--model", default=DEFAULT_MODEL, help=f"Marian model directory or hub id (default: {DEFAULT_MODEL})"
    )
    parser.add_argument(
        "--beam", type=_positive, default=4, help="beam size; 1 is greedy (default: 4, as the model card)"
    )
    parser.add_argument(
        "--unit",
        choices=UNITS,
        default="paragraph",
        help="one model input: a whole paragraph (context across sentences) or each sentence (default: paragraph)",
    )
    parser.add_argument(
        "--batch-size",
        type=_positive,
        default=None,
        help=f"most inputs per batch (default: {INT8_BATCH_SIZE} with int8 weights on a CPU, else {BATCH_SIZE})",
    )
    parser.add_argument(
        "--max-batch-tokens", type=_positive, default=4096, help="most padded input tokens per batch (default: 4096)"
    )
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument(
        "--backend",
        choices=BACKENDS,
        default="auto",
        help="translation engine; auto: ctranslate2 when installed, else transformers (default: auto)",
    )
    parser.add_argument(
        "--compute-type",
        choices=COMPUTE_TYPES,
        default=DEFAULT_COMPUTE_TYPE,
        help="CTranslate2 weight/compute type (default: auto, int8 on a CPU that supports it, int8_float16 or "
        "float16 on CUDA, else float32; float32 gives exactly transformers' translations)",
    )
    parser.add_argument(
        "--threads",
        type=_positive,
        default=None,
        help=(
            "CPU threads in all (default: every core with ctranslate2, shared out among up to 4 batches decoded side "
            "by side; torch's default with transformers)"
        ),
    )
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="local",
        help="where the model work runs: in this process, or on a Ray cluster (local or remote); the files, cache "
        "and resume are the same (default: local; docs/ray.md)",
    )
    parser.add_argument(
        "--ray-address",
        metavar="ADDR",
        default=None,
        help="with --engine ray: the cluster's head, HOST:PORT (default: RAY_ADDRESS if set, else a local Ray "
        "started for the run)",
    )
    parser.add_argument(
        "--actors",
        type=_positive,
        default=None,
        help="with --engine ray: workers, each loading the model once (default: as many as the cluster's CPUs, or "
        "GPUs with --actor-gpus, hold)",
    )
    parser.add_argument(
        "--actor-cpus",
        type=_amount,
        default=None,
        help="with --engine ray: CPUs per worker, its decoding threads unless --threads (default: 1)",
    )
    parser.add_argument(
        "--actor-gpus",
        type=_amount,
        default=None,
        help="with --engine ray: GPUs per worker (default: 1 with --device cuda, else 0)",
    )
    parser.add_argument(
        "--formats",
        type=_formats,
        default=None,
        help=f"comma-separated outputs from {','.join(FORMATS)}; doc: the translated document in the input's "
        "format (for .txt inputs only when named); review: review/NAME.html pages; xlsx: NAME.review.xlsx "
        f"(default: {','.join(DEFAULT_FORMATS)})",
    )
    parser.add_argument(
        "--min-score",
        type=_score,
        default=None,
        metavar="S",
        help="also write corpus.filtered.fr/.en/.tmx (and NAME.filtered.fr-en.tsv) with only the matched pairs "
        "scoring at least S (0..1); the manifest counts pairs kept and dropped",
    )
    parser.add_argument("--cache", type=Path, default=None, help="translation cache file (default: OUT/.cache.sqlite)")
    parser.add_argument("--no-cache", action="store_true", help="translate everything again and keep no cache")
    parser.add_argument(
        "--reference",
        type=Path,
        default=None,
        metavar="REFDIR",
        help=(
            "score each document against REFDIR/NAME.en (one paragraph or one sentence per line); writes report.md, "
            "report.json, bleu.png"
        ),
    )
    parser.add_argument(
        "--dictionary",
        metavar="freedict|FILE",
        default=None,
        help="French-English dictionary as one more signal for the sentence aligner: 'freedict' "
        "(apt-get install dict-freedict-fra-eng dict-freedict-eng-fra), a FreeDict .index file, "
        "or a TSV of 'french<TAB>english' lines",
    )
    parser.add_argument(
        "--english",
        type=Path,
        default=None,
        metavar="PATH",
        help="align with existing human English translations instead of translating: a file (with one SRC file) "
        "or a folder holding NAME.* in English for each French NAME.*; no model is loaded (docs/english.md)",
    )
    parser.add_argument(
        "--mt-assist",
        action="store_true",
        help="with --english: translate the French sentences with --model and give the aligner these "
        "translations as one more signal",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        return _run(args)
    except KeyboardInterrupt:
        report_error("interrupted; finished batches are kept in the cache, run the same command again to resume")
        return EXIT_INTERRUPTED
    except StopRun as stop:
        report_error(str(stop))
        return stop.status
    except Exception as bug:  # every expected failure has its own message; this is not one
        if os.environ.get("TRANSLATE_DEBUG"):
            traceback.print_exc()
        report_error(
            f"internal error ({type(bug).__name__}: {first_line(bug)}); this is a bug, please report it "
            "with the command line (TRANSLATE_DEBUG=1 shows the traceback)"
        )
        return EXIT_BUG
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    out_dir: Path = args.output
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        if not os.access(out_dir, os.W_OK | os.X_OK):
            raise PermissionError
    except OSError:
        raise StopRun(f"cannot write to output folder {shown(out_dir)}; choose another with -o") from None
    check_run_files(out_dir, RUN_FILES)
    with RunLock(out_dir), contextlib.ExitStack() as closing:
        return _run_locked(args, out_dir, started, closing)


def _run_locked(args: argparse.Namespace, out_dir: Path, started: float, closing: contextlib.ExitStack) -> int:
    leftovers = remove_leftovers(out_dir)
    if leftovers:
        warn(f"removed {leftovers} temporary file(s) that an interrupted run left in {shown(out_dir)}")
    if args.reference is not None and not args.reference.is_dir():
        raise StopRun(
            f"--reference {shown(args.reference)}: not a directory; pass the folder that holds NAME.en reference files"
        )
    try:
        lexicon = None if args.dictionary is None else Lexicon.from_option(args.dictionary, "fr", "en")
    except DictionaryError as error:
        raise StopRun(f"--dictionary: {error}") from None
    ray_options = [option for option in ("ray_address", "actors", "actor_cpus", "actor_gpus") if getattr(args, option)]
    if ray_options and args.engine != "ray":
        raise StopRun(f"--{ray_options[0].replace('_', '-')} needs --engine ray")
    if args.english is not None or args.mt_assist:
        from translate.english import run_english  # aligns human translations: no model unless --mt-assist

        return run_english(args, out_dir, started, lexicon)
    if args.engine == "local":
        threads = capped_threads(args.threads)
    else:
        threads = args.threads or max(1, math.ceil(_actor_cpus(args)))
    settings = DecodingSettings(beam=args.beam)
    model = resolve_model(args.model)
    backend, map_alignments = _engine(args, model, settings, threads, lexicon, closing)

    options = OutputOptions(
        formats=args.formats or list(DEFAULT_FORMATS),
        plain_text_document=args.formats is not None and DOCUMENT in args.formats,
        reference=args.reference,
        min_score=args.min_score,
    )
    inputs, failures = find_inputs(args.sources, OUTPUT_SUFFIXES, RESERVED_NAMES)

    fail = failure_reporter(failures)
    translator, cache_path, engine = open_translator(args, out_dir, model, backend, settings)
    settings_record = {
        **decoding_record(args, translator, threads, cache_path),
        "formats": list(options.formats),
        "min_score": args.min_score,
        "dictionary": args.dictionary,
        "engine": args.engine,
    }
    head = manifest_head(model, backend.name, settings_record)
    earlier = earlier_run(out_dir)
    try:
        with (
            Progress(enabled=not args.quiet) as progress,
            Publisher(out_dir, options, fail, warn, run_facts(head)) as publisher,
        ):
            read = 0
            for group in in_groups(read_inputs(inputs, failures)):
                part = f" (documents {read + 1}-{read + len(group)} of {len(inputs)})"
                read += len(group)
                results = translate_documents(
                    group,
                    translator,
                    progress.stage(f"translating{part}", "piece"),
                    lexicon,
                    progress.stage(f"aligning{part}", "paragraph"),
                    map_alignments,
                )
                written = progress.stage(f"writing{part}", "document")
                for result in results:
                    publisher.add(result)
                    written(1, len(results))
            published = publisher.finish()
    finally:
        if translator.cache:
            translator.cache.close()
    return finish_run(out_dir, earlier, published, options, failures, fail, head, translator.stats, engine, started)


def _engine(
    args: argparse.Namespace,
    model: ModelFiles,
    settings: DecodingSettings,
    threads: int | None,
    lexicon: Lexicon | None,
    closing: contextlib.ExitStack,
) -> tuple[Backend, AlignMap | None]:
    """The backend and the alignment map (None: the pipeline's own) of ``--engine``: this
    process's, or a Ray cluster's workers, which ``closing`` stops with the run."""
    if args.engine == "local":
        return load_backend(args.backend, model, settings, args.device, threads, args.compute_type), None
    from translate.engines.ray_engine import RayEngine, WorkerSpec

    spec = WorkerSpec(model, args.backend, settings, args.device, threads, args.compute_type, lexicon)
    gpus = args.actor_gpus if args.actor_gpus is not None else float(args.device == "cuda")
    engine = RayEngine(args.ray_address, spec, args.actors, _actor_cpus(args), gpus, warn)
    closing.callback(engine.close)
    return engine.backend, engine.map_alignments


def _actor_cpus(args: argparse.Namespace) -> float:
    return 1.0 if args.actor_cpus is None else args.actor_cpus


if __name__ == "__main__":
    sys.exit(main())
