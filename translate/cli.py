"""The ``translate`` command: French documents in, parallel corpus files and a manifest out.

Errors are one line on stderr prefixed with ``translate:``; a bad document never stops the
others; the exit status is 0 when every document was written, 1 when some failed, 2 for a
usage or model error before any work, and 130 when interrupted.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path
from typing import Sequence

from aligned.lexicon import DictionaryError, Lexicon
from translate.atomic import write_file_atomically, write_files_atomically
from translate.backends import DecodingSettings
from translate.backends.loading import BACKENDS, COMPUTE_TYPES, DEFAULT_COMPUTE_TYPE, load_backend
from translate.cache import TranslationCache
from translate.corpus_files import FORMATS, corpus_files, document_files
from translate.documents import Document, DocumentError, find_documents, read_document
from translate.length_policy import OUTPUT_BOUND, LengthPolicy
from translate.manifest import build_manifest
from translate.model_files import DEFAULT_MODEL, ModelError, resolve_model
from translate.pipeline import DocumentResult, translate_documents
from translate.progress import Progress
from translate.run_lock import FolderBusy, RunLock
from translate.translation import Translator

EXIT_OK, EXIT_DOCUMENT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _formats(value: str) -> list[str]:
    formats = [item.strip() for item in value.split(",") if item.strip()]
    unknown = [item for item in formats if item not in FORMATS]
    if unknown or not formats:
        raise argparse.ArgumentTypeError(f"unknown format(s) {', '.join(unknown) or '(none)'}; choose from {','.join(FORMATS)}")
    return formats


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="translate", description="Translate French documents to English and write sentence-aligned parallel corpora.")
    parser.add_argument("sources", nargs="+", type=Path, metavar="SRC", help="files or directories (walked for *.txt and *.md)")
    parser.add_argument("-o", "--output", type=Path, default=Path("corpus"), help="output folder (default: ./corpus)")
    parser.add_argument("--model", default=DEFAULT_MODEL, help=f"Marian model directory or hub id (default: {DEFAULT_MODEL})")
    parser.add_argument("--beam", type=_positive, default=4, help="beam size; 1 is greedy (default: 4, as the model card)")
    parser.add_argument("--batch-size", type=_positive, default=16, help="most inputs per batch (default: 16)")
    parser.add_argument("--max-batch-tokens", type=_positive, default=4096, help="most padded input tokens per batch (default: 4096)")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--backend", choices=BACKENDS, default="auto", help="translation engine; auto: ctranslate2 when installed, else transformers (default: auto)")
    parser.add_argument("--compute-type", choices=COMPUTE_TYPES, default=DEFAULT_COMPUTE_TYPE, help=f"CTranslate2 weight/compute type (default: {DEFAULT_COMPUTE_TYPE}, the converted model's own, float32)")
    parser.add_argument("--threads", type=_positive, default=None, help="CPU threads in all (default: every core with ctranslate2, shared out among up to 4 batches decoded side by side; torch's default with transformers)")
    parser.add_argument("--formats", type=_formats, default=list(FORMATS), help=f"comma-separated output formats (default: {','.join(FORMATS)})")
    parser.add_argument("--cache", type=Path, default=None, help="translation cache file (default: OUT/.cache.sqlite)")
    parser.add_argument("--no-cache", action="store_true", help="translate everything again and keep no cache")
    parser.add_argument("--reference", type=Path, default=None, metavar="REFDIR",
                        help="score each document against REFDIR/NAME.en (one paragraph or one sentence per line); writes report.md, report.json, bleu.png")
    parser.add_argument("--dictionary", metavar="freedict|FILE", default=None,
                        help="French-English dictionary as one more signal for the sentence aligner: 'freedict' "
                             "(apt-get install dict-freedict-fra-eng dict-freedict-eng-fra), a FreeDict .index file, "
                             "or a TSV of 'french<TAB>english' lines")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        return _run(args)
    except KeyboardInterrupt:
        _error("interrupted; finished batches are kept in the cache, run the same command again to resume")
        return EXIT_INTERRUPTED
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
    except (PermissionError, FileExistsError, NotADirectoryError):
        _error(f"cannot write to output folder {out_dir}; choose another with -o")
        return EXIT_USAGE
    try:
        with RunLock(out_dir):
            return _run_locked(args, out_dir, started)
    except FolderBusy as busy:
        _error(str(busy))
        return EXIT_USAGE
    except ModelError as error:
        _error(str(error))
        return EXIT_USAGE


def _run_locked(args: argparse.Namespace, out_dir: Path, started: float) -> int:
    if args.reference is not None and not args.reference.is_dir():
        _error(f"--reference {args.reference}: not a directory; pass the folder that holds NAME.en reference files")
        return EXIT_USAGE
    try:
        lexicon = None if args.dictionary is None else Lexicon.from_option(args.dictionary, "fr", "en")
    except DictionaryError as error:
        _error(f"--dictionary: {error}")
        return EXIT_USAGE
    settings = DecodingSettings(beam=args.beam)
    model = resolve_model(args.model)
    backend = load_backend(args.backend, model, settings, args.device, args.threads, args.compute_type)

    documents, failures = _read_documents(args.sources)

    cache_path = None if args.no_cache else args.cache or out_dir / ".cache.sqlite"
    # The engine is part of the key: int8 weights or another beam stopping rule give other output.
    compute_type = args.compute_type if backend.name == "ctranslate2" else None  # transformers ignores it
    engine = f"{backend.name}:{compute_type}" if compute_type else backend.name
    cache = TranslationCache(cache_path, model.fingerprint, f"{settings.key()};{engine}") if cache_path else None
    translator = Translator(backend, LengthPolicy(backend.max_positions), args.batch_size, args.max_batch_tokens, cache)
    with Progress("translating", enabled=not args.quiet) as progress:
        results = translate_documents(documents, translator, progress.advance, lexicon) if documents else []
    if cache:
        cache.close()

    written = _write_outputs(out_dir, results, failures, args.formats)
    stats = translator.stats
    settings_record = {
        "beam": args.beam, "batch_size": args.batch_size, "max_batch_tokens": args.max_batch_tokens, "device": args.device,
        "threads": args.threads, "compute_type": compute_type, "formats": args.formats, "max_input_tokens": translator.policy.max_input_tokens,
        "output_bound": OUTPUT_BOUND, "cache": str(cache_path) if cache_path else None, "dictionary": args.dictionary,
    }
    write_file_atomically(out_dir / "manifest.json", build_manifest(
        model=model, backend=backend.name, settings=settings_record,
        documents=written, failures=failures, stats=stats, wall_seconds=time.monotonic() - started,
    ))
    for result in written:
        if result.language_flag:
            _warn(f"{result.source}: {result.language_flag}; translated as is and flagged in the manifest")
    if stats.bounded_pieces:
        _warn(f"{len(stats.bounded_pieces)} input piece(s) reached the output length bound; see manifest.json")
    if args.reference is not None:
        _write_report(args.reference, written, out_dir)
    _summary(written, failures, stats, out_dir, time.monotonic() - started)
    return EXIT_DOCUMENT_FAILED if failures else EXIT_OK


def _read_documents(sources: list[Path]) -> tuple[list[Document], list[DocumentError]]:
    """Read every document; report repairs as warnings and unreadable inputs as errors."""
    paths, failures = find_documents(sources)
    documents: list[Document] = []
    for path in paths:
        document = read_document(path)
        if isinstance(document, DocumentError):
            failures.append(document)
            continue
        documents.append(document)
        for note in document.notes:
            _warn(f"{path}: {note}")
    for failure in failures:
        _error(failure.reason)
    return documents, failures


def _write_outputs(out_dir: Path, results: list[DocumentResult], failures: list[DocumentError], formats: list[str]) -> list[DocumentResult]:
    """Write each document's files as one atomic group; a failed write fails only that document."""
    written = []
    for result in results:
        try:
            write_files_atomically(document_files(out_dir, result, formats))
            written.append(result)
        except OSError as error:
            failure = DocumentError(result.name, Path(result.source), f"{result.source}: cannot write output to {out_dir} ({error.strerror}); free space or choose another -o")
            failures.append(failure)
            _error(failure.reason)
    if written:
        try:
            write_files_atomically(corpus_files(out_dir, written, formats))
        except OSError as error:
            failure = DocumentError("corpus", out_dir, f"cannot write corpus files to {out_dir} ({error.strerror}); free space or choose another -o")
            failures.append(failure)
            _error(failure.reason)
    return written


def _write_report(reference_dir: Path, written: list[DocumentResult], out_dir: Path) -> None:
    """Score every document that has a reference; the others are named in one warning."""
    from eval.report import DocumentForScoring, score_documents, write_report

    scorable = [
        DocumentForScoring(
            name=result.name,
            hypothesis_paragraphs=[paragraph.english for paragraph in result.paragraphs],
            hypothesis_sentences=[pair.en for pair in result.pairs],
            reference_path=reference_dir / f"{result.name}.en",
        )
        for result in written
    ]
    missing = [document.name for document in scorable if not document.reference_path.is_file()]
    if missing:
        _warn(f"no reference in {reference_dir} for {', '.join(missing)}; not scored")
    report = score_documents([document for document in scorable if document.reference_path.is_file()])
    for document in report.documents:
        if document.error:
            _warn(f"{document.name}: not scored: {document.error}")
    write_report(report, out_dir)


def _summary(written, failures, stats, out_dir: Path, seconds: float) -> None:
    pairs = sum(len(result.pairs) for result in written)
    if stats.pieces and not stats.translated_pieces:
        model_work = "all translations came from the cache: no model work"
    else:
        model_work = f"model translated {stats.translated_pieces} piece(s) in {stats.batches} batch(es), {stats.cached_pieces} from cache"
    failed = f", {len(failures)} failed" if failures else ""
    print(f"translate: {len(written)} document(s){failed}, {stats.paragraphs} paragraph(s), {pairs} sentence pair(s) in {out_dir}/ ({seconds:.1f}s); {model_work}", file=sys.stderr)


def _error(message: str) -> None:
    print(f"translate: error: {message}", file=sys.stderr)


def _warn(message: str) -> None:
    print(f"translate: warning: {message}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
