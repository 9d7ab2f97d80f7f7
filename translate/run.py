"""What every ``translate`` run shares, translated or aligned with human translations
(``translate.english``): the names its files may not take, its translator and the settings the
manifest records of it, and its end (review index, earlier files retired, manifest, warnings,
the summary line).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Callable, Mapping, Sequence

from aligned.textio import write_files_atomically
from eval.report import REPORT_FILES
from translate.backends import Backend, DecodingSettings, available_cores
from translate.cache import TranslationCache
from translate.documents import PLAIN_TEXT_OUTPUT, DocumentError, shown
from translate.errors import EXIT_DOCUMENT_FAILED, EXIT_OK, WriteFailed, reason
from translate.formats import TRANSLATED_SUFFIXES
from translate.length_policy import OUTPUT_BOUND, LengthPolicy
from translate.messages import report_error, warn
from translate.model_files import ModelFiles
from translate.outputs.corpus_files import CORPUS_FILES, DOCUMENT_SUFFIXES, REVIEW
from translate.outputs.folder import MANIFEST, EarlierRun, retire
from translate.outputs.manifest import build_manifest, manifest_chunks
from translate.outputs.publish import OutputOptions, Published, publish_index
from translate.run_lock import LOCK_FILE
from translate.translation import TranslationStats, Translator

# Every file of the run's own besides the documents' files: no document may be named onto one.
RUN_FILES = (MANIFEST, LOCK_FILE, *CORPUS_FILES, *REPORT_FILES)
# Every ending a document's own files may have: corpus files, translated documents, and its
# review page (review/NAME.html, beside review/index.html, which no document may be named onto).
OUTPUT_SUFFIXES = (*DOCUMENT_SUFFIXES, *TRANSLATED_SUFFIXES, PLAIN_TEXT_OUTPUT, ".html")
RESERVED_NAMES = (*RUN_FILES, "index.html")


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
    batch_size = args.batch_size or default_batch_size(compute_type, args.device)
    translator = Translator(
        backend,
        LengthPolicy(backend.max_positions),
        batch_size,
        args.max_batch_tokens,
        cache,
        unit=args.unit,
        max_batch_cost=max_batch_cost(backend, settings.beam, args.device),
    )
    return translator, cache_path, engine


def failure_reporter(failures: list[DocumentError]) -> Callable[[DocumentError], None]:
    """A run's ``fail``: keeps a document's failure for the manifest and says it in one line now,
    while the other documents go on."""

    def fail(failure: DocumentError) -> None:
        failures.append(failure)
        report_error(failure.reason)

    return fail


def decoding_record(
    args: argparse.Namespace, translator: Translator, threads: int | None, cache_path: Path | None
) -> dict:
    """How the model ran, as manifest.json's settings record it."""
    return {
        "beam": args.beam,
        "unit": args.unit,
        "batch_size": translator.batch_size,
        "max_batch_tokens": args.max_batch_tokens,
        "max_batch_cost": translator.max_batch_cost,
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
        write_files_atomically({out_dir / MANIFEST: manifest_chunks(final)})
    except OSError as error:
        raise WriteFailed(
            f"cannot write {shown(out_dir / MANIFEST)} ({reason(error)}); free space and run the same command again "
            "(translations come from the cache)"
        ) from None
    _report_outcome(published.documents, stats, removed, stale, options.formats)
    _summary(final["counts"], failures, stats, engine, out_dir, time.monotonic() - started)
    return EXIT_DOCUMENT_FAILED if failures else EXIT_OK


BATCH_SIZE = 16
# int8 decoding on 2 CPU workers measured best at 8 inputs per batch (762 tokens/s against 693 at
# 16; float32 was best at 16): docs/speed.md.
INT8_BATCH_SIZE = 8


def default_batch_size(compute_type: str | None, device: str) -> int:
    """The most inputs per batch when ``--batch-size`` is not given, for the compute type that runs."""
    return INT8_BATCH_SIZE if device == "cpu" and (compute_type or "").startswith("int8") else BATCH_SIZE


# The attention caches one batch may fill on a CPU, estimated from the model's shape (measured
# memory ran about 1.2x the estimate): with opus-mt-fr-en at beam 4, batches of 8 stay whole up to
# inputs of 200 tokens; longer ones are cut smaller (4 inputs of the longest, 334 tokens, instead
# of 8: about 0.4 GB per worker instead of 0.8), see docs/speed.md. On a GPU the caches take the
# device's memory, not the process's: no cap there.
BATCH_CACHE_BYTES = 384 * 2**20


def max_batch_cost(backend: Backend, beam: int, device: str) -> int | None:
    """The most token steps (inputs x (input + output bound)) one batch may cost, or None."""
    if device != "cpu":
        return None
    return BATCH_CACHE_BYTES // (beam * backend.cache_bytes_per_token)


def capped_threads(requested: int | None) -> int | None:
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
        warn(f"{stats.bounded_pieces} input piece(s) reached the output length bound; see manifest.json")
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
