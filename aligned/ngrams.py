"""Hashed character n-gram profiles: the signal for cognates, names and numbers.

Text is lower-cased, stripped of accents and reduced to letters, digits and single
spaces, so "Évêque" and "eveque" share n-grams. Each sentence becomes a vector of
n-gram counts hashed into a fixed number of buckets; counts add up, so the profile
of several sentences is the sum of their profiles (no re-tokenising of spans).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np

BUCKETS = 2048  # hashed n-gram dimensions: collisions are rare enough at this size
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, without accents ("Évêque" -> "eveque"): how both sides' words are compared."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise(text: str) -> str:
    """Lower-case ASCII letters and digits, words separated by single spaces."""
    return " " + _NON_WORD.sub(" ", fold(text)).strip() + " "


def profiles(sentences: Sequence[str], n: int = 3, buckets: int = BUCKETS) -> np.ndarray:
    """(len(sentences), buckets) float32 counts of each sentence's character n-grams.

    Vectorised over the whole text: n-gram codes are computed on one byte array
    with a rolling polynomial hash (deterministic, unlike Python's `hash`).
    """
    texts = [normalise(s).encode("ascii", "ignore") for s in sentences]
    sizes = np.array([max(len(t) - n + 1, 0) for t in texts])
    if not sizes.sum():
        return np.zeros((len(sentences), buckets), dtype=np.float32)
    data = np.frombuffer(b"".join(texts), dtype=np.uint8).astype(np.int64)
    starts = np.concatenate([[0], np.cumsum([len(t) for t in texts])[:-1]])
    # Start offset of every n-gram, sentence by sentence (n-grams never cross sentences).
    owner = np.repeat(np.arange(len(texts)), sizes)
    offsets = np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes) + starts[owner]
    code = np.zeros(len(offsets), dtype=np.int64)
    for k in range(n):
        code = (code * 1000003 + data[offsets + k]) % 2147483647
    counts = np.bincount(owner * buckets + code % buckets, minlength=len(texts) * buckets)
    return counts.reshape(len(texts), buckets).astype(np.float32)
