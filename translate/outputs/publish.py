"""Write everything a run produces, as its documents come, in the order that keeps the folder consistent.

Each document's files (its review page included) are one atomic group, written as soon as the
document is done (a failed write fails that document alone); its pairs are then appended to the
corpus files, which are put in place at the end of the run, followed by the score report and the
review index (which show the manifest's facts and the report's scores). So a run keeps, per
document, only its manifest record, never its text: memory does not grow with the corpus. A
failure is reported through ``on_failure`` as it happens and the run goes on; what was written
is returned for the manifest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from aligned.review import IndexEntry
from aligned.textio import write_files_atomically
from translate.documents import DocumentError, shown
from translate.errors import first_line, reason
from translate.formats import Rebuilt
from translate.outputs.corpus_files import DOCUMENT, REVIEW, CorpusFiles, document_files
from translate.outputs.folder import REVIEW_FOLDER
from translate.outputs.manifest import DocumentRecords, document_record
from translate.outputs.review import page_name, review_index, review_page
from translate.outputs.xml_text import count_forbidden
from translate.pipeline import DocumentResult

if TYPE_CHECKING:
    from eval.report import DocumentForScoring

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
    """What was written: each document's manifest record (its file names included), the run's
    own files (None when the corpus files could not be written), each document's review index
    entry, and its scores (with --reference)."""

    documents: DocumentRecords = field(default_factory=DocumentRecords)
    corpus: list[str] | None = None
    review_entries: list[IndexEntry] = field(default_factory=list)
    scores: dict[str, dict[str, float]] = field(default_factory=dict)


class Publisher:
    """Writes each document's files as it comes (``add``), then the run's (``finish``).

    ``run_facts`` is what every review page says of the run (``outputs.review.run_facts``);
    ``english_sources``, by document name, what the manifest says of each one's human English
    translation (``translate.english``)."""

    def __init__(
        self,
        out_dir: Path,
        options: OutputOptions,
        on_failure: Fail,
        on_warning: Warn,
        run_facts: Sequence[tuple[str, str]] = (),
        english_sources: Mapping[str, Mapping] | None = None,
    ):
        self.out_dir = out_dir
        self.options = options
        self.published = Published()
        self._fail = on_failure
        self._warn = on_warning
        self._run_facts = run_facts
        self._english = english_sources or {}
        self._scorable: list[DocumentForScoring] = []
        self._unreferenced: list[str] = []
        self._review = REVIEW in options.formats and self._review_folder()
        self._corpus: CorpusFiles | None = CorpusFiles(out_dir, options.formats, options.min_score)

    def add(self, result: DocumentResult) -> None:
        """Write the document's files together, then append its pairs to the corpus files."""
        made = self._document_files(result)
        if made is None:
            return
        files, record, entry = made
        try:
            write_files_atomically(files)
        except OSError as error:
            self._fail(
                DocumentError(
                    result.name,
                    Path(result.source),
                    f"{result.source}: cannot write output to {shown(self.out_dir)} ({_detail(error)}); free space or "
                    "choose another -o",
                )
            )
            return
        self.published.documents.append(record)
        if entry is not None:
            self.published.review_entries.append(entry)
        if self._corpus is not None:
            try:
                self._corpus.append(result.pairs)
            except OSError as error:
                self._drop_corpus(error)
        if self.options.reference is not None:
            self._keep_for_scoring(result)

    def finish(self) -> Published:
        """Put the corpus files in place (when any document was written), then the score report
        (with --reference)."""
        if self._corpus is not None and not self.published.documents:
            self._corpus.discard()
        elif self._corpus is not None:
            try:
                self.published.corpus = self._corpus.commit()
            except OSError as error:
                self._drop_corpus(error)
                return self.published
            if self.options.reference is not None:
                self.published.corpus += self._write_report()
        return self.published

    def __enter__(self) -> Publisher:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is not None and self._corpus is not None:  # interrupted: no half corpus is left behind
            self._corpus.discard()

    def _document_files(self, result: DocumentResult) -> tuple[dict, dict, IndexEntry | None] | None:
        """The document's files with its review page, its manifest record and its review index
        entry; None when its translated document cannot be made (it then fails whole, so that a
        rerun redoes it)."""
        options = self.options
        translated = None
        if DOCUMENT in options.formats and (result.formatted or options.plain_text_document):
            translated = _translated_document(result, self._fail)
            if translated is None:
                return None
        files = document_files(self.out_dir, result, options.formats, translated, options.min_score)
        outputs = [path.name for path in files]
        if self._review:
            outputs.append(f"{REVIEW_FOLDER}/{page_name(result.name)}")
        record = document_record(
            result,
            outputs,
            simplified=translated.simplified if translated is not None else None,
            xml_replacements=_xml_replacements(result, options.formats),
            min_score=options.min_score,
            english=self._english.get(result.name),
        )
        entry = None
        if self._review:
            path, page, entry = review_page(self.out_dir, result, record, self._run_facts)
            files[path] = (page,)
        return files, record, entry

    def _review_folder(self) -> bool:
        try:
            (self.out_dir / REVIEW_FOLDER).mkdir(exist_ok=True)
        except OSError as error:
            self._fail(_run_file_failure("review", "review pages", self.out_dir / REVIEW_FOLDER, error))
            return False
        return True

    def _drop_corpus(self, error: OSError) -> None:
        assert self._corpus is not None
        self._corpus.discard()
        self._corpus = None
        self._fail(_run_file_failure("corpus", "corpus files", self.out_dir, error))

    def _keep_for_scoring(self, result: DocumentResult) -> None:
        """The document's English as the score report needs it, when it has a reference (only
        then is its text kept to the end of the run: corpus-level scores need all of it)."""
        from eval.report import DocumentForScoring

        assert self.options.reference is not None
        reference = self.options.reference / f"{result.name}.en"
        if not reference.is_file():
            self._unreferenced.append(result.name)
            return
        self._scorable.append(
            DocumentForScoring(
                name=result.name,
                hypothesis_paragraphs=[paragraph.english for paragraph in result.paragraphs],
                hypothesis_sentences=[pair.en for pair in result.pairs],
                reference_path=reference,
            )
        )

    def _write_report(self) -> list[str]:
        """Score every document that has a reference; the others are named in one warning. Keeps
        each document's scores in ``published``; returns the report's file names (none when it
        could not be written)."""
        from eval.report import score_documents, write_report

        assert self.options.reference is not None
        if self._unreferenced:
            self._warn(
                f"no reference in {shown(self.options.reference)} for {', '.join(self._unreferenced)}; not scored"
            )
        report = score_documents(self._scorable)
        for document in report.documents:
            if document.error:
                self._warn(f"{document.name}: not scored: {document.error}")
            else:
                self.published.scores[document.name] = {
                    metric.name: metric.score for metric in document.scores.values()
                }
        try:
            return [path.name for path in write_report(report, self.out_dir)]
        except OSError as error:
            self._fail(_run_file_failure("report", "the score report", self.out_dir, error))
            return []


def publish_index(out_dir: Path, published: Published, manifest: Mapping, on_failure: Fail) -> list[str]:
    """``review/index.html``, whose name is returned (none when it could not be written)."""
    path, page = review_index(out_dir, published.review_entries, manifest, published.scores)
    try:
        write_files_atomically({path: (page,)})
    except OSError as error:
        on_failure(_run_file_failure("review", "review pages", out_dir / REVIEW_FOLDER, error))
        return []
    return [f"{REVIEW_FOLDER}/{path.name}"]


def _xml_replacements(result: DocumentResult, formats: Sequence[str]) -> int:
    """Characters XML forbids in a document's pairs, when it has an XML file (TMX, XLSX) for them."""
    if "tmx" not in formats and "xlsx" not in formats:
        return 0
    return count_forbidden(text for pair in result.pairs for text in (pair.fr, pair.en))


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


def _run_file_failure(name: str, what: str, where: Path, error: OSError) -> DocumentError:
    """The failure of a file of the whole run (``name`` in the manifest's failures)."""
    return DocumentError(
        name, where, f"cannot write {what} to {shown(where)} ({reason(error)}); free space or choose another -o"
    )


def _detail(error: OSError) -> str:
    """The OS's reason, and the file it concerns when it says which."""
    return f"{reason(error)}: {shown(error.filename)}" if error.filename else reason(error)
