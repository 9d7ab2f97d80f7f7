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
from typing import Callable, Mapping, Sequence

from aligned.lexicon import DictionaryError, Lexicon
from aligned.textio import remove_leftovers, write_file_atomically
from eval.report import REPORT_FILES
from translate.backends import Backend, DecodingSettings, available_cores
from translate.backends.loading import BACKENDS, COMPUTE_TYPES, DEFAULT_COMPUTE_TYPE, load_backend
from translate.cache import TranslationCache
from translate.documents import (
    INPUT_SUFFIXES,
    PLAIN_TEXT_OUTPUT,
    DocumentError,
    shown,
)
from translate.engines import ENGINES
from translate.errors import (
    EXIT_BUG,
    EXIT_DOCUMENT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    StopRun,
    WriteFailed,
    first_line,
    reason,
)
from translate.formats import TRANSLATED_SUFFIXES
from translate.inputs import find_inputs, in_groups, read_inputs
from translate.length_policy import OUTPUT_BOUND, LengthPolicy
from translate.messages import report_error, warn
from translate.model_files import DEFAULT_MODEL, ModelFiles, resolve_model
from translate.outputs.corpus_files import (
    CORPUS_FILES,
    DEFAULT_FORMATS,
    DOCUMENT,
    DOCUMENT_SUFFIXES,
    FORMATS,
    REVIEW,
)
from translate.outputs.folder import MANIFEST, EarlierRun, check_run_files, earlier_run, retire
from translate.outputs.manifest import build_manifest, manifest_head, manifest_text
from translate.outputs.publish import OutputOptions, Published, Publisher, publish_index
from translate.outputs.review import run_facts
from translate.pipeline import AlignMap, translate_documents
from translate.progress import Progress
from translate.run_lock import LOCK_FILE, RunLock
from translate.translation import UNITS, TranslationStats, Translator

# Every file of the run's own besides the documents' files: no document may be named onto one.
RUN_FILES = (MANIFEST, LOCK_FILE, *CORPUS_FILES, *REPORT_FILES)
# Every ending a document's own files may have: corpus files, translated documents, and its
# review page (review/NAME.html, beside review/index.html, which no document may be named onto).
OUTPUT_SUFFIXES = (*DOCUMENT_SUFFIXES, *TRANSLATED_SUFFIXES, PLAIN_TEXT_OUTPUT, ".html")
RESERVED_NAMES = (*RUN_FILES, "index.html")


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
    threads = _threads(args.threads) if args.engine == "local" else args.threads or max(1, math.ceil(_actor_cpus(args)))
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

    def fail(failure: DocumentError) -> None:
        failures.append(failure)
        report_error(failure.reason)

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


def open_translator(
    args: argparse.Namespace, out_dir: Path, model: ModelFiles, backend: Backend, settings: DecodingSettings
) -> tuple[Translator, Path | None, str]:
    """The run's Translator over ``backend``, with its cache (whose notes are warned); returns
    it, the cache's path (None with --no-cache) and the engine's name (backend and compute type)."""
    cache_path = None if args.no_cache else args.cache or out_dir / ".cache.sqlite"
    # The engine is part of the key: int8 weights or another beam stopping rule give other output.
    compute_type = getattr(backend, "compute_type", None)  # the type that runs; transformers has none
    engine = f"{backend.name}:{compute_type}" if compute_type else backend.name
    cache = TranslationCache(cache_path, model.fingerprint, f"{settings.key()};{engine}") if cache_path else None
    for note in cache.notes if cache else ():
        warn(note)
    batch_size = args.batch_size or _batch_size(compute_type, args.device)
    translator = Translator(
        backend, LengthPolicy(backend.max_positions), batch_size, args.max_batch_tokens, cache, unit=args.unit
    )
    return translator, cache_path, engine


def decoding_record(
    args: argparse.Namespace, translator: Translator, threads: int | None, cache_path: Path | None
) -> dict:
    """How the model ran, as manifest.json's settings record it."""
    return {
        "beam": args.beam,
        "unit": args.unit,
        "batch_size": translator.batch_size,
        "max_batch_tokens": args.max_batch_tokens,
        "device": args.device,
        "threads": threads,
        "compute_type": getattr(translator.backend, "compute_type", None),
        "max_input_tokens": translator.policy.max_input_tokens,
        "output_bound": OUTPUT_BOUND,
        "cache": str(cache_path) if cache_path else None,
    }


def finish_run(
    out_dir: Path,
    earlier: EarlierRun,
    published: Published,
    options: OutputOptions,
    failures: list[DocumentError],
    fail: Callable[[DocumentError], None],
    head: Mapping,
    stats: TranslationStats,
    engine: str | None,
    started: float,
) -> int:
    """What every run does once its documents' files are written, translated or aligned with
    human translations (``translate.english``): the review index, retiring an earlier run's
    files, the manifest, warnings about what came out, the summary line; returns the exit
    status. ``head`` is what the manifest says of the run itself (``manifest_head``); ``engine``
    is None when no model ran."""

    def manifest(stale: Sequence[str]) -> dict:
        return build_manifest(
            head=head,
            documents=published.documents,
            failures=failures,
            stats=stats,
            wall_seconds=time.monotonic() - started,
            corpus_outputs=published.corpus or [],
            stale_outputs=stale,
            min_score=options.min_score,
        )

    if REVIEW in options.formats and published.corpus is not None:
        published.corpus += publish_index(out_dir, published, manifest(()), fail)
    removed, stale = retire(
        out_dir, earlier, {record["source"]: record["outputs"] for record in published.documents}, published.corpus
    )
    final = manifest(stale)
    try:
        write_file_atomically(out_dir / MANIFEST, manifest_text(final))
    except OSError as error:
        raise WriteFailed(
            f"cannot write {shown(out_dir / MANIFEST)} ({reason(error)}); free space and run the same command again "
            "(translations come from the cache)"
        ) from None
    _report_outcome(published.documents, stats, removed, stale, options.formats)
    _summary(final["counts"], failures, stats, engine, out_dir, time.monotonic() - started)
    return EXIT_DOCUMENT_FAILED if failures else EXIT_OK


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


BATCH_SIZE = 16
# int8 decoding on 2 CPU workers measured best at 8 inputs per batch (762 tokens/s against 693 at
# 16; float32 was best at 16): docs/speed.md.
INT8_BATCH_SIZE = 8


def _batch_size(compute_type: str | None, device: str) -> int:
    return INT8_BATCH_SIZE if device == "cpu" and (compute_type or "").startswith("int8") else BATCH_SIZE


def _threads(requested: int | None) -> int | None:
    """``--threads``, capped at the cores this process may use: more threads than cores only
    make them wait for each other (10,000 made a run 45 times slower)."""
    cores = available_cores()
    if requested is not None and requested > cores:
        warn(f"--threads {requested} is more than the {cores} CPU core(s) available; using {cores}")
        return cores
    return requested


def _report_outcome(
    documents: Sequence[Mapping],
    stats: TranslationStats,
    removed: list[str],
    stale: list[str],
    formats: Sequence[str],
) -> None:
    """Warnings about what came out (from the documents' manifest records): flags, simplified
    formatting, bounded pieces, replaced characters, retired files."""
    for record in documents:
        if record["language_flag"]:
            warn(f"{record['source']}: {record['language_flag']}; translated as is and flagged in the manifest")
        simplified = record["format"].get("simplified_segments")
        if simplified:
            warn(
                f"{record['source']}: inline formatting simplified in {simplified} segment(s) of the "
                f"translated document (README: what each format keeps); counted in manifest.json"
            )
    xml_files = " and ".join(label for fmt, label in (("tmx", "TMX files"), ("xlsx", "workbook")) if fmt in formats)
    for record in documents:
        if record["xml_replacements"]:
            warn(
                f"{record['name']}: {record['xml_replacements']} character(s) that XML forbids (such as U+FFFE) "
                f"written as U+FFFD in the {xml_files}; counted in manifest.json"
            )
    if stats.bounded_pieces:
        warn(f"{len(stats.bounded_pieces)} input piece(s) reached the output length bound; see manifest.json")
    if removed:
        warn(
            f"removed {len(removed)} file(s) of an earlier run that this run no longer writes "
            f"({', '.join(removed[:3])}{' ...' if len(removed) > 3 else ''})"
        )
    if stale:
        warn(
            f"{len(stale)} file(s) of earlier runs were not refreshed by this run "
            f"({', '.join(stale[:3])}{' ...' if len(stale) > 3 else ''}); "
            "listed as stale_outputs in manifest.json"
        )


def _summary(
    counts: Mapping,
    failures: list[DocumentError],
    stats: TranslationStats,
    engine: str | None,
    out_dir: Path,
    seconds: float,
) -> None:
    if engine is None:
        model_work = "aligned with human English translations: no model work"
    elif stats.pieces and not stats.translated_pieces:
        model_work = "all translations came from the cache: no model work"
    else:
        model_work = (
            f"model ({engine.replace(':', ' ')}) translated {stats.translated_pieces} piece(s) in "
            f"{stats.batches} batch(es), {stats.cached_pieces} from cache"
        )
    failed = f", {len(failures)} failed" if failures else ""
    print(
        f"translate: {counts['documents']} document(s){failed}, {counts['paragraphs']} paragraph(s), "
        f"{counts['pairs']} sentence pair(s) in "
        f"{shown(out_dir)}/ ({seconds:.1f}s); {model_work}",
        file=sys.stderr,
    )


if __name__ == "__main__":
    sys.exit(main())
