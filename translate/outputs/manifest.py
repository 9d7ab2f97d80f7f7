"""``manifest.json``: what was run, on what, with which model, and what came out or failed.

A corpus is only as trustworthy as its provenance: the manifest names the exact model files
(fingerprint), the settings that shape the output, counts per bead type, every repair made to
the input, every document that failed and why, and documents that did not look French.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from typing import Iterable, Iterator, Mapping, Sequence

from aligned.beads import SentencePair
from translate import TOOL_NAME, __version__
from translate.documents import DocumentError, shown
from translate.model_files import ModelFiles
from translate.outputs.corpus_files import BELOW_MIN_SCORE, UNALIGNED, filter_pairs
from translate.pipeline import DocumentResult
from translate.translation import TranslationStats


def manifest_head(model: ModelFiles | None, backend: str | None, settings: dict, english: str | None = None) -> dict:
    """What the manifest says of the run before any document is done: the tool, the model (every
    field null when none ran), where the English came from with ``--english`` ("human" or
    "human+mt-assist"), and the settings. Review pages show it (``outputs.review.run_facts``)."""
    return {
        "tool": {"name": TOOL_NAME, "version": __version__},
        "model": {
            "id": model.requested if model else None,
            "revision": model.revision if model else None,
            "sha256": model.fingerprint if model else None,
            "backend": backend,
        },
        **({"english": english} if english else {}),
        "settings": settings,
    }


def document_record(
    result: DocumentResult,
    outputs: Sequence[str],
    *,
    simplified: int | None = None,
    xml_replacements: int = 0,
    min_score: float | None = None,
    english: Mapping | None = None,
) -> dict:
    """A written document's entry in the manifest, made as the document is written so that the
    run keeps this record rather than the document. ``simplified`` counts segments whose inline
    formatting its translated document could not carry (None when none was written);
    ``xml_replacements``, characters XML forbids that became U+FFFD; with ``min_score``, the
    pairs the filtered corpus keeps and drops; ``english``, what is known of its human English
    translation (``translate.english``: its path, SHA-256 ...)."""
    pairs = result.pairs
    return {
        "name": result.name,
        "source": result.source,
        "outputs": list(outputs),
        "paragraphs": len(result.paragraphs),
        "sentences": {"fr": sum(len(pair.src_ids) for pair in pairs), "en": sum(len(pair.tgt_ids) for pair in pairs)},
        "pairs": len(pairs),
        "pairs_by_bead_type": dict(sorted(Counter(pair.kind for pair in pairs).items())),
        **({"filtered": _filter_record(pairs, min_score)} if min_score is not None else {}),
        "format": _format_record(result, outputs, simplified),
        "input_repairs": result.notes,
        "xml_replacements": xml_replacements,
        "language_flag": result.language_flag,
        **({"english": dict(english)} if english is not None else {}),
    }


class DocumentRecords:
    """The manifest records of the documents written, in order, each kept as one compact JSON
    string and decoded again when read: a run keeps this, not its documents, to the end, and a
    string of about 1 KB holds a record in a fraction of the memory of its dicts and lists."""

    def __init__(self) -> None:
        self._lines: list[str] = []

    def append(self, record: Mapping) -> None:
        self._lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))

    def __iter__(self) -> Iterator[dict]:
        return (json.loads(line) for line in self._lines)

    def __len__(self) -> int:
        return len(self._lines)


def build_manifest(
    *,
    head: Mapping,
    documents: DocumentRecords,
    failures: Sequence[DocumentError],
    stats: TranslationStats,
    wall_seconds: float,
    corpus_outputs: Sequence[str] = (),
    stale_outputs: Sequence[str] = (),
    min_score: float | None = None,
) -> dict:
    """The manifest (``manifest_chunks`` writes it): ``head`` (``manifest_head``), the run's counts
    summed from the ``documents``' records (``document_record``), the model's work, what was
    written, and what failed and why."""
    totals: Counter[str] = Counter()
    bead_types: Counter[str] = Counter()
    for record in documents:
        bead_types.update(record["pairs_by_bead_type"])
        totals.update(paragraphs=record["paragraphs"], fr=record["sentences"]["fr"], en=record["sentences"]["en"])
        if min_score is not None:
            totals.update(kept=record["filtered"]["pairs_kept"], **record["filtered"]["pairs_dropped"])
    manifest = {
        **head,
        "counts": {
            "documents": len(documents),
            "failed_documents": len(failures),
            "paragraphs": totals["paragraphs"],
            "sentences": {"fr": totals["fr"], "en": totals["en"]},
            "pairs": sum(bead_types.values()),
            "pairs_by_bead_type": dict(sorted(bead_types.items())),
        },
        **({"filtered": _filtered_total(totals, min_score)} if min_score is not None else {}),
        "translation": asdict(stats),
        "documents": documents,
        "corpus_outputs": list(corpus_outputs),
        "stale_outputs": list(stale_outputs),
        "failed": [
            {"name": failure.name, "source": shown(failure.path), "reason": failure.reason} for failure in failures
        ],
        "wall_seconds": round(wall_seconds, 3),
    }
    return manifest


def manifest_chunks(manifest: Mapping) -> Iterator[str]:
    """The text of ``manifest.json``, as ``json.dumps(manifest, indent=2)`` lays it out, in pieces:
    the documents' records are decoded and written one at a time, never held together."""
    yield "{"
    for number, (key, value) in enumerate(manifest.items()):
        yield f"{',' if number else ''}\n  {json.dumps(key, ensure_ascii=False)}: "
        if isinstance(value, DocumentRecords):
            yield from _json_array(value, "  ")
        else:
            yield _json(value, "  ")
    yield "\n}\n"


def _json_array(items: Iterable, indent: str) -> Iterator[str]:
    empty = True
    for item in items:
        yield f"{'[' if empty else ','}\n{indent}  {_json(item, indent + '  ')}"
        empty = False
    yield "[]" if empty else f"\n{indent}]"


def _json(value: object, indent: str) -> str:
    """``value`` as JSON, indented by two spaces a level, its lines after the first by ``indent``
    more (JSON strings hold no raw line breaks, so only layout lines move)."""
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + indent)


def _filter_record(pairs: Sequence[SentencePair], min_score: float) -> dict:
    """What ``--min-score`` kept of ``pairs`` and why it dropped the rest."""
    kept, dropped = filter_pairs(pairs, min_score)
    return {
        "min_score": min_score,
        "pairs_kept": len(kept),
        "pairs_dropped": {reason: dropped[reason] for reason in (UNALIGNED, BELOW_MIN_SCORE)},
    }


def _filtered_total(totals: Counter[str], min_score: float) -> dict:
    """What ``--min-score`` kept and dropped over the whole run."""
    return {
        "min_score": min_score,
        "pairs_kept": totals["kept"],
        "pairs_dropped": {reason: totals[reason] for reason in (UNALIGNED, BELOW_MIN_SCORE)},
    }


def _format_record(result: DocumentResult, outputs: Sequence[str], simplified: int | None) -> dict:
    """Which kinds of segment a document had, and its translated document, if one was written."""
    kinds = Counter(paragraph.kind for paragraph in result.paragraphs)
    record: dict = {"segments_by_kind": dict(sorted(kinds.items()))}
    if simplified is not None:
        record["translated_document"] = next(name for name in outputs if name.endswith(result.output_suffix))
        record["simplified_segments"] = simplified
    return record
