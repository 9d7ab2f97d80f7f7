"""``manifest.json``: what was run, on what, with which model, and what came out or failed.

A corpus is only as trustworthy as its provenance: the manifest names the exact model files
(fingerprint), the settings that shape the output, counts per bead type, every repair made to
the input, every document that failed and why, and documents that did not look French.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from typing import Sequence

from translate import TOOL_NAME, __version__
from translate.documents import DocumentError
from translate.model_files import ModelFiles
from translate.pipeline import DocumentResult
from translate.translation import TranslationStats


def build_manifest(
    *,
    model: ModelFiles,
    backend: str,
    settings: dict,
    documents: Sequence[DocumentResult],
    failures: Sequence[DocumentError],
    stats: TranslationStats,
    wall_seconds: float,
) -> str:
    bead_types = Counter(pair.kind for document in documents for pair in document.pairs)
    manifest = {
        "tool": {"name": TOOL_NAME, "version": __version__},
        "model": {"id": model.requested, "revision": model.revision, "sha256": model.fingerprint, "backend": backend},
        "settings": settings,
        "counts": {
            "documents": len(documents),
            "failed_documents": len(failures),
            "paragraphs": sum(len(document.paragraphs) for document in documents),
            "sentences": {
                "fr": sum(len(pair.src_ids) for document in documents for pair in document.pairs),
                "en": sum(len(pair.tgt_ids) for document in documents for pair in document.pairs),
            },
            "pairs": sum(bead_types.values()),
            "pairs_by_bead_type": dict(sorted(bead_types.items())),
        },
        "translation": {**asdict(stats), "bounded_pieces": len(stats.bounded_pieces)},
        "documents": [
            {
                "name": document.name,
                "source": document.source,
                "paragraphs": len(document.paragraphs),
                "pairs": len(document.pairs),
                "input_repairs": document.notes,
                "language_flag": document.language_flag,
            }
            for document in documents
        ],
        "failed": [{"name": failure.name, "source": str(failure.path), "reason": failure.reason} for failure in failures],
        "wall_seconds": round(wall_seconds, 3),
    }
    return json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
