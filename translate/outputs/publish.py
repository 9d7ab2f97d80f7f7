"""Write everything a run produces, in the order that keeps the folder consistent.

Each document's files are one atomic group (a failed write fails that document alone), then the
corpus files of all documents written, the score report, and the review pages (which show the
manifest's facts and the report's scores). A failure is reported through ``on_failure`` as it
happens and the run goes on; what was written is returned for the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

from aligned.textio import write_files_atomically
from translate.documents import DocumentError, shown
from translate.errors import first_line, reason
from translate.formats import Rebuilt
from translate.outputs.corpus_files import DOCUMENT, corpus_files, document_files
from translate.outputs.folder import REVIEW_FOLDER
from translate.pipeline import DocumentResult

Warn = Callable[[str], None]
Fail = Callable[[DocumentError], None]


@dataclass(frozen=True)
class OutputOptions:
    """What to write: ``--formats``, whether a plain text gets its ``NAME.en.txt``, the
    ``--reference`` folder and ``--min-score``."""

    formats: Sequence[str]
    plain_text_document: bool = False
    reference: Path | None = None
    min_score: float | None = None


@dataclass
class Published:
    """What was written: documents with their file names, the run's own files (None when the
    corpus files could not be written), segments simplified per document, scores per document."""

    documents: list[tuple[DocumentResult, list[str]]] = field(default_factory=list)
    corpus: list[str] | None = None
    simplified: dict[str, int] = field(default_factory=dict)
    scores: dict[str, dict[str, float]] = field(default_factory=dict)


def publish_documents(
    out_dir: Path,
    results: Sequence[DocumentResult],
    options: OutputOptions,
    on_failure: Fail,
    on_warning: Warn,
    on_written: Callable[[int, int], None],
) -> Published:
    """Each document's files, then the corpus files, then the score report (with --reference)."""
    published = Published()
    for result in results:
        files = _document_files(out_dir, result, options, published, on_failure)
        if files is not None:
            try:
                write_files_atomically(files)
                published.documents.append((result, [path.name for path in files]))
            except OSError as error:
                on_failure(
                    DocumentError(
                        result.name,
                        Path(result.source),
                        f"{result.source}: cannot write output to {shown(out_dir)} ({_detail(error)}); free space or "
                        "choose another -o",
                    )
                )
        on_written(1, len(results))
    if not published.documents:
        return published
    files = corpus_files(out_dir, [result for result, _ in published.documents], options.formats, options.min_score)
    try:
        write_files_atomically(files)
    except OSError as error:
        on_failure(_run_file_failure("corpus", "corpus files", out_dir, error))
        return published
    published.corpus = [path.name for path in files]
    if options.reference is not None:
        published.corpus += _write_report(options.reference, published, out_dir, on_failure, on_warning)
    return published


def publish_review(out_dir: Path, published: Published, manifest: Mapping, on_failure: Fail) -> list[str]:
    """``review/NAME.html`` for every document written, added to that document's files (so a
    later run treats it like the document's other files), and ``review/index.html``, whose name
    is returned (none when the pages could not be written)."""
    from translate.outputs.review import INDEX_PAGE, page_name, review_files

    pages = review_files(out_dir, [result for result, _ in published.documents], manifest, published.scores)
    try:
        (out_dir / REVIEW_FOLDER).mkdir(exist_ok=True)
        write_files_atomically({path: (page,) for path, page in pages.items()})
    except OSError as error:
        on_failure(_run_file_failure("review", "review pages", out_dir / REVIEW_FOLDER, error))
        return []
    for result, outputs in published.documents:
        outputs.append(f"{REVIEW_FOLDER}/{page_name(result.name)}")
    return [f"{REVIEW_FOLDER}/{INDEX_PAGE}"]


def _document_files(
    out_dir: Path, result: DocumentResult, options: OutputOptions, published: Published, on_failure: Fail
) -> dict | None:
    """The document's files, with its translated document when asked for; None when that
    cannot be made (the document then fails whole, so that a rerun redoes it)."""
    translated = None
    if DOCUMENT in options.formats and (result.formatted or options.plain_text_document):
        translated = _translated_document(result, on_failure)
        if translated is None:
            return None
        published.simplified[result.name] = translated.simplified
    return document_files(out_dir, result, options.formats, translated, options.min_score)


def _translated_document(result: DocumentResult, on_failure: Fail) -> Rebuilt | None:
    """The document rebuilt in English; None, with the document failed, when its format's
    library cannot write it."""
    try:
        return result.translated_document()
    except Exception as error:  # a format library's own failure on a structure it produced
        on_failure(
            DocumentError(
                result.name,
                Path(result.source),
                f"{result.source}: cannot write the translated document ({type(error).__name__}: "
                f"{first_line(error)}); this is a bug, please report it with the file if you can",
            )
        )
        return None


def _write_report(
    reference_dir: Path, published: Published, out_dir: Path, on_failure: Fail, on_warning: Warn
) -> list[str]:
    """Score every document that has a reference; the others are named in one warning. Keeps
    each document's scores in ``published``; returns the report's file names (none when it
    could not be written)."""
    from eval.report import DocumentForScoring, score_documents, write_report

    scorable = [
        DocumentForScoring(
            name=result.name,
            hypothesis_paragraphs=[paragraph.english for paragraph in result.paragraphs],
            hypothesis_sentences=[pair.en for pair in result.pairs],
            reference_path=reference_dir / f"{result.name}.en",
        )
        for result, _ in published.documents
    ]
    missing = [document.name for document in scorable if not document.reference_path.is_file()]
    if missing:
        on_warning(f"no reference in {shown(reference_dir)} for {', '.join(missing)}; not scored")
    report = score_documents([document for document in scorable if document.reference_path.is_file()])
    for document in report.documents:
        if document.error:
            on_warning(f"{document.name}: not scored: {document.error}")
        else:
            published.scores[document.name] = {metric.name: metric.score for metric in document.scores.values()}
    try:
        return [path.name for path in write_report(report, out_dir)]
    except OSError as error:
        on_failure(_run_file_failure("report", "the score report", out_dir, error))
        return []


def _run_file_failure(name: str, what: str, where: Path, error: OSError) -> DocumentError:
    """The failure of a file of the whole run (``name`` in the manifest's failures)."""
    return DocumentError(
        name, where, f"cannot write {what} to {shown(where)} ({reason(error)}); free space or choose another -o"
    )


def _detail(error: OSError) -> str:
    """The OS's reason, and the file it concerns when it says which."""
    return f"{reason(error)}: {shown(error.filename)}" if error.filename else reason(error)
