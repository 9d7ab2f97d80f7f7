"""``manifest.json``: what was run, on what, with which model, and what came out or failed.

A corpus is only as trustworthy as its provenance: the manifest names the exact model files
(fingerprint), the settings that shape the output, counts per bead type, every repair made to
the input, every document that failed and why, and documents that did not look French.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from typing import Mapping, Sequence

from aligned.beads import SentencePair
from translate import TOOL_NAME, __version__
from translate.documents import DocumentError, shown
from translate.model_files import ModelFiles
from translate.outputs.corpus_files import BELOW_MIN_SCORE, UNALIGNED, filter_pairs
from translate.pipeline import DocumentResult
from translate.translation import TranslationStats


def build_manifest(
    *,
    model: ModelFiles | None,
    backend: str | None,
    settings: dict,
    documents: Sequence[tuple[DocumentResult, list[str]]],
    failures: Sequence[DocumentError],
    stats: TranslationStats,
    wall_seconds: float,
    corpus_outputs: Sequence[str] = (),
    stale_outputs: Sequence[str] = (),
    xml_replacements: Mapping[str, int] | None = None,
    simplified: Mapping[str, int] | None = None,
    min_score: float | None = None,
    english: str | None = None,
    english_sources: Mapping[str, Mapping] | None = None,
) -> dict:
    """The manifest (``manifest_text`` writes it). ``documents`` pairs each written document with
    its file names; ``xml_replacements`` counts, by document name, characters XML forbids that
    became U+FFFD; ``simplified``, segments whose inline formatting the translated document could
    not carry (only documents whose translated document was written are in it); with
    ``min_score``, the pairs the filtered corpus keeps and drops are counted, overall and per
    document. A run aligned with human translations (``translate.english``) has ``english``
    ("human" or "human+mt-assist") and, by document name, what is known of each English file
    (``english_sources``: its path, SHA-256 ...); without a model every model field is null."""
    results = [result for result, _ in documents]
    all_pairs = [pair for result in results for pair in result.pairs]
    bead_types = Counter(pair.kind for pair in all_pairs)
    manifest = {
        "tool": {"name": TOOL_NAME, "version": __version__},
        "model": {
            "id": model.requested if model else None,
            "revision": model.revision if model else None,
            "sha256": model.fingerprint if model else None,
            "backend": backend,
        },
        **({"english": english} if english else {}),
        "settings": settings,
        "counts": {
            "documents": len(results),
            "failed_documents": len(failures),
            "paragraphs": sum(len(result.paragraphs) for result in results),
            "sentences": {
                "fr": sum(len(pair.src_ids) for pair in all_pairs),
                "en": sum(len(pair.tgt_ids) for pair in all_pairs),
            },
            "pairs": sum(bead_types.values()),
            "pairs_by_bead_type": dict(sorted(bead_types.items())),
        },
        **({"filtered": _filter_record(all_pairs, min_score)} if min_score is not None else {}),
        "translation": {**asdict(stats), "bounded_pieces": len(stats.bounded_pieces)},
        "documents": [
            {
                "name": result.name,
                "source": result.source,
                "outputs": outputs,
                "paragraphs": len(result.paragraphs),
                "pairs": len(result.pairs),
                "pairs_by_bead_type": dict(sorted(Counter(pair.kind for pair in result.pairs).items())),
                **({"filtered": _filter_record(result.pairs, min_score)} if min_score is not None else {}),
                "format": _format_record(result, outputs, (simplified or {}).get(result.name)),
                "input_repairs": result.notes,
                "xml_replacements": (xml_replacements or {}).get(result.name, 0),
                "language_flag": result.language_flag,
                **({"english": dict(english_sources[result.name])} if result.name in (english_sources or {}) else {}),
            }
            for result, outputs in documents
        ],
        "corpus_outputs": list(corpus_outputs),
        "stale_outputs": list(stale_outputs),
        "failed": [
            {"name": failure.name, "source": shown(failure.path), "reason": failure.reason} for failure in failures
        ],
        "wall_seconds": round(wall_seconds, 3),
    }
    return manifest


def manifest_text(manifest: dict) -> str:
    return json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"


def _filter_record(pairs: Sequence[SentencePair], min_score: float) -> dict:
    """What ``--min-score`` kept of ``pairs`` and why it dropped the rest."""
    kept, dropped = filter_pairs(pairs, min_score)
    return {
        "min_score": min_score,
        "pairs_kept": len(kept),
        "pairs_dropped": {reason: dropped[reason] for reason in (UNALIGNED, BELOW_MIN_SCORE)},
    }


def _format_record(result: DocumentResult, outputs: Sequence[str], simplified: int | None) -> dict:
    """Which kinds of segment a document had, and its translated document, if one was written."""
    kinds = Counter(paragraph.kind for paragraph in result.paragraphs)
    record: dict = {"segments_by_kind": dict(sorted(kinds.items()))}
    if simplified is not None:
        record["translated_document"] = next(name for name in outputs if name.endswith(result.output_suffix))
        record["simplified_segments"] = simplified
    return record
