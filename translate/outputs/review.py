"""``review/NAME.html`` for each document and ``review/index.html``: the run's pages for people.

The pages themselves are drawn by ``aligned.review`` (the aligner's own CLI gives the same page);
this module only says what a translation run shows on them: the pairs of each document, the
run's provenance from the manifest (model, revision, backend, compute type, beam, unit), what
was repaired in the input or looked wrong about it, and the scores when references were given.
Everything shown comes from the manifest and the results, so the pages never disagree with it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Mapping, Sequence
from urllib.parse import quote

from aligned.review import IndexEntry, render_index, render_page
from translate.outputs.folder import REVIEW_FOLDER
from translate.pipeline import DocumentResult

INDEX_PAGE = "index.html"  # a document called "index" is renamed by ``outputs.names`` (reserved)


def review_page(
    out_dir: Path, document: DocumentResult, record: Mapping, run: Sequence[tuple[str, str]]
) -> tuple[Path, str, IndexEntry]:
    """A document's page (path and HTML), written with its other files, and its entry in the
    index (without scores: those come at the end of the run). ``record`` is the document's entry
    in the manifest, ``run`` the run's facts (``run_facts``)."""
    rows = document.pairs
    facts = [("source", document.source), *run, *_document_facts(record)]
    page = render_page(document.name, rows, facts, document_notes(document, record), back_link=INDEX_PAGE)
    entry = IndexEntry.of(document.name, page_href(document.name), rows)
    return out_dir / REVIEW_FOLDER / page_name(document.name), page, entry


def review_index(
    out_dir: Path, entries: Sequence[IndexEntry], manifest: Mapping, scores: Mapping[str, Mapping[str, float]]
) -> tuple[Path, str]:
    """``review/index.html`` (path and HTML): every document's entry, with its scores when it
    has some (``scores`` by document name, empty without --reference), and the failures."""
    entries = [replace(entry, scores=dict(scores.get(entry.name, {}))) for entry in entries]
    page = render_index("Review: " + _title(manifest), entries, run_facts(manifest), _failures(manifest))
    return out_dir / REVIEW_FOLDER / INDEX_PAGE, page


def page_name(name: str) -> str:
    return f"{name}.html"


def page_href(name: str) -> str:
    """The page's address relative to the index: the name percent-encoded, so that a name with
    ``#``, ``?``, ``%`` or ``:`` still links to its own file (and can never be a scheme)."""
    return quote(page_name(name), safe="")


_ENGLISH = {
    "human": "human translation (--english)",
    "human+mt-assist": "human translation (--english), machine translation as an aligner signal",
}


def run_facts(manifest: Mapping) -> list[tuple[str, str]]:
    """What made the pairs: where the English came from when it is a human translation, the
    model (revision, backend, compute type, beam, unit) when one ran, dictionary and --min-score
    when set, and the tool's version."""
    model = manifest.get("model", {})
    settings = manifest.get("settings", {})
    tool = manifest.get("tool", {})
    facts = [("english", _ENGLISH[manifest["english"]])] if manifest.get("english") in _ENGLISH else []
    if model.get("id"):  # a run aligned with human translations and no --mt-assist loads no model
        facts += [
            ("model", str(model["id"])),
            ("revision", str(model.get("revision") or "local files")),
            ("backend", str(model.get("backend", "?"))),
            ("compute type", str(settings.get("compute_type") or "float32 (transformers)")),
            ("beam", str(settings.get("beam", "?"))),
            ("unit", str(settings.get("unit", "?"))),
        ]
    if settings.get("dictionary"):
        facts.append(("dictionary", str(settings["dictionary"])))
    if settings.get("min_score") is not None:
        facts.append(("min score", str(settings["min_score"])))
    if tool:
        facts.append(("made by", f"{tool.get('name', '?')} {tool.get('version', '')}".strip()))
    return facts


def document_notes(document: DocumentResult, record: Mapping) -> list[str]:
    """What the reader must know before trusting the pairs: repairs made to the input, a text
    that did not look French, characters replaced in the XML files."""
    notes = [f"input repaired: {note}" for note in record.get("input_repairs", document.notes)]
    flag = record.get("language_flag", document.language_flag)
    if flag:
        notes.append(f"language: {flag}")
    if record.get("xml_replacements"):
        notes.append(
            f"{record['xml_replacements']} character(s) that XML forbids were written as U+FFFD in the TMX/XLSX files"
        )
    return notes


def _document_facts(record: Mapping) -> list[tuple[str, str]]:
    facts = []
    if "paragraphs" in record:
        facts.append(("paragraphs", str(record["paragraphs"])))
    segments = record.get("format", {}).get("segments_by_kind", {})
    if len(segments) > 1 or set(segments) - {"paragraph"}:
        facts.append(("segments", ", ".join(f"{kind} {count}" for kind, count in segments.items())))
    return facts


def _title(manifest: Mapping) -> str:
    counts = manifest.get("counts", {})
    return f"{counts.get('documents', 0)} document(s), {counts.get('pairs', 0)} pairs"


def _failures(manifest: Mapping) -> list[str]:
    return [f"not translated: {failure.get('reason', failure.get('name'))}" for failure in manifest.get("failed", [])]
