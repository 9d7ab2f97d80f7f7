"""The documents of a run: found, named, then read one by one as the run needs them.

A run reads its documents lazily and translates them in groups of about ``GROUP_SEGMENTS``
paragraphs (``in_groups``): enough for full, balanced batches, few enough that memory does not
grow with the number of documents (a group's documents are written, and dropped, before the
next group is read). Repairs made while reading are warnings; unreadable inputs are errors, and
the other documents go on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from translate.documents import Document, DocumentError, find_documents, read_document, shown
from translate.messages import report_error, warn
from translate.outputs.names import output_names

# Paragraphs per group: batches of 8-16 inputs need a few hundred inputs to balance across workers
# and sort by length; 2,048 FLORES paragraphs take about 3 MB of text and results.
GROUP_SEGMENTS = 2048


def find_inputs(
    sources: list[Path], output_suffixes: Iterable[str], reserved_names: Iterable[str]
) -> tuple[list[tuple[Path, str]], list[DocumentError]]:
    """Every document under ``sources`` with its output name; sources that hold none are errors
    (reported now and returned)."""
    paths, failures = find_documents(sources)
    for failure in failures:
        report_error(failure.reason)
    return list(zip(paths, output_names(paths, tuple(output_suffixes), tuple(reserved_names)))), failures


def read_inputs(inputs: Iterable[tuple[Path, str]], failures: list[DocumentError]) -> Iterator[Document]:
    """Each readable document in turn; an unreadable one is reported and added to ``failures``."""
    for path, name in inputs:
        document = read_document(path, name)
        if isinstance(document, DocumentError):
            failures.append(document)
            report_error(document.reason)
            continue
        for note in document.notes:
            warn(f"{shown(path)}: {note}")
        yield document


def in_groups(documents: Iterable[Document], segments: int | None = None) -> Iterator[list[Document]]:
    """Documents in input order, in groups of at least ``segments`` paragraphs (default
    ``GROUP_SEGMENTS``; the last group may hold fewer); a document is never cut."""
    limit = segments or GROUP_SEGMENTS
    group: list[Document] = []
    count = 0
    for document in documents:
        group.append(document)
        count += len(document.segments)
        if count >= limit:
            yield group
            group, count = [], 0
    if group:
        yield group
