"""Bead scores from sentence embeddings, character n-grams, length and, when a
bilingual dictionary is given, dictionary translations.

Every signal is additive over sentences (sum of unit embeddings, sum of n-gram or
word counts, sum of characters), so the features of a span of sentences come from
prefix sums: each sentence is embedded once, never a concatenation.

Cosines are made comparable across sentences the way vecalign does it, by
comparing with random pairs: the mean cosine of a span with the sentences of the
other document is subtracted (a "hubness" correction, cheap because the mean of
cosines with a set is the cosine with the set's mean direction).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from .beads import BEAD_TYPES

MATCH_TYPES = tuple(t for t in BEAD_TYPES if t[0] and t[1])
RATIO_RANGE = (0.8, 1.25)
_WIDTHS = sorted({w for t in MATCH_TYPES for w in t})


@dataclass(frozen=True)
class Weights:
    """Scoring parameters, tuned on the Text+Berg dev set only (benchmarks/alignment.py)."""

    embedding: float = 1.0
    ngrams: float = 0.4
    length: float = 0.07
    length_variance: float = 4.5  # Gale-Church's s^2 (chars)
    skip: float = -0.32  # score of a 0-1 / 1-0 bead
    size_exponent: float = 1.0  # similarity is weighted by (sentences in bead / 2) ** this
    merge: float = -0.15  # added per sentence beyond two in a match bead (2-2: twice) ...
    long_merge: float = -0.2  # ... and this per sentence beyond four (a 1-5 bead: 2 x merge + long_merge)
    priors: dict[tuple[int, int], float] = field(
        default_factory=lambda: {(1, 3): -0.2, (3, 1): -0.2}
    )  # exceptions to `merge`
    paragraph: float = 0.3  # soft anchor: bonus when a bead starts a paragraph on both sides
    lexicon: float = 0.0  # weight of the dictionary signal (used only with a Lexicon)

    def prior(self, a: int, b: int) -> float:
        """Score added to every a-b match bead: a cost per merged sentence, so that larger
        beads must earn their place through similarity and length. Sentences beyond four
        cost more: nearly as much as leaving them out (`skip`), or long beads would become
        a cheap way to swallow a block of unaligned sentences."""
        size = a + b
        return self.priors.get((a, b), self.merge * (min(size, 4) - 2) + self.long_merge * max(size - 4, 0))


@dataclass
class Side:
    """Per-sentence features of one document side; pooling merges neighbours."""

    embeddings: np.ndarray  # (n, d) sums of unit sentence vectors
    grams: np.ndarray  # (n, buckets) n-gram counts
    chars: np.ndarray  # (n,) characters
    breaks: np.ndarray  # (n,) 1.0 where a paragraph starts, else 0.0
    lexical: np.ndarray | None = None  # (n, buckets) dictionary bags (see lexicon.py), if any

    def __len__(self) -> int:
        return len(self.chars)

    def signals(self) -> dict[str, np.ndarray]:
        """Similarity signals by their Weights field: vectors compared by cosine."""
        found = {"embedding": self.embeddings, "ngrams": self.grams}
        return found if self.lexical is None else found | {"lexicon": self.lexical}

    def pooled(self, k: int) -> Side:
        """Merge each run of k consecutive sentences into one unit (for coarse search)."""
        ends = np.arange(0, len(self), k)
        return Side(
            *(
                None if a is None else np.add.reduceat(a, ends, axis=0)
                for a in (self.embeddings, self.grams, self.chars, self.breaks, self.lexical)
            )
        )


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-8)


class SpanVectors(NamedTuple):
    """Spans of one width for a run of span ends, in one signal."""

    unit: np.ndarray  # (ends, dims) unit span vectors
    hub: np.ndarray  # (ends,) their cosine with the other side's mean direction


class Spans:
    """Features of spans of every width a match bead uses (1 to 5 sentences), by span end (0..n).

    Span vectors are made per block of span ends from prefix sums, when the search asks
    for them: kept for the whole text, every width of every signal took 6,656 floats x 5
    widths per sentence with a dictionary (10,000 sentences peaked at 3.5 GB, now 1.5 GB).
    """

    def __init__(self, side: Side, other: Side):
        self.n = len(side)
        theirs = other.signals()
        self.prefix = {name: _prefix(vectors) for name, vectors in side.signals().items()}
        # The other side's sentences stand in for random sentences.
        self.mean_other = {name: _unit(_unit(theirs[name]).sum(0)) for name in self.prefix}
        chars, every_end = _prefix(side.chars), np.arange(self.n + 1)
        self.chars = {w: _span_sums(chars, w, every_end) for w in _WIDTHS}
        self.starts = side.breaks
        self._last: tuple[tuple[int, int], dict[str, dict[int, SpanVectors]]] | None = None

    def vectors(self, ends: slice) -> dict[str, dict[int, SpanVectors]]:
        """[signal][width]: the spans ending at `ends` (zero vectors where end < width).
        The last answer is kept: in a full table every block reads the same columns."""
        key = (ends.start, ends.stop)
        if self._last is None or self._last[0] != key:
            end = np.arange(ends.start, ends.stop)
            found: dict[str, dict[int, SpanVectors]] = {}
            for name, prefix in self.prefix.items():
                found[name] = {}
                for w in _WIDTHS:
                    unit = _unit(_span_sums(prefix, w, end))
                    found[name][w] = SpanVectors(unit, unit @ self.mean_other[name])
            self._last = (key, found)
        return self._last[1]


def _prefix(a: np.ndarray) -> np.ndarray:
    return np.concatenate([np.zeros((1,) + a.shape[1:], a.dtype), np.cumsum(a, 0)])


def _span_sums(prefix: np.ndarray, w: int, end: np.ndarray) -> np.ndarray:
    """Sum over the span [end - w, end) for each of the ends `end`; zero where end < w."""
    sums = prefix[end] - prefix[np.maximum(end - w, 0)]
    sums[end < w] = 0
    return sums


def length_ratio(src_chars: float, tgt_chars: float) -> float:
    """Target characters per source character, kept within the range of real
    language pairs: unaligned sentences (one side much longer than the other)
    would otherwise make every true match look badly matched in length."""
    return float(np.clip(tgt_chars / max(src_chars, 1.0), *RATIO_RANGE))


class Scorer:
    """Scores of all match beads ending in a block of DP cells."""

    def __init__(self, src: Side, tgt: Side, weights: Weights, ratio: float):
        """`ratio`: target characters per source character (see length_ratio)."""
        self.src, self.tgt, self.w, self.ratio = Spans(src, tgt), Spans(tgt, src), weights, ratio
        self.use_breaks = bool(src.breaks[1:].any() and tgt.breaks[1:].any())

    def block(self, rows: slice, cols: slice) -> dict[tuple[int, int], np.ndarray]:
        """For each match type (a, b): scores of beads covering source [i-a, i) and
        target [j-b, j), for i in `rows` and j in `cols` (-inf where impossible)."""
        w, s, t = self.w, self.src, self.tgt
        i = np.arange(rows.start, rows.stop)[:, None]
        j = np.arange(cols.start, cols.stop)[None, :]
        src, tgt = s.vectors(rows), t.vectors(cols)
        out = {}
        for a, b in MATCH_TYPES:
            similarity = sum(
                getattr(w, name)
                * (
                    src[name][a].unit @ tgt[name][b].unit.T
                    - (src[name][a].hub[:, None] + tgt[name][b].hub[None, :]) / 2
                )
                for name in src
            )
            la, lb = s.chars[a][rows][:, None], t.chars[b][cols][None, :]
            delta2 = (lb - self.ratio * la) ** 2 / (w.length_variance * (self.ratio * la + lb) / 2 + 1.0)
            score = ((a + b) / 2) ** w.size_exponent * similarity
            score += w.prior(a, b) - w.length * np.minimum(delta2, 50.0) / 2
            if self.use_breaks:
                score += w.paragraph * self._anchor(i - a, j - b)
            out[(a, b)] = np.where((i >= a) & (j >= b), score, -np.inf)
        return out

    def _anchor(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """+1 when a bead starts a paragraph on both sides, -1 on one side only."""
        ps = np.minimum(self.src.starts[np.minimum(i, self.src.n - 1)], 1)
        pt = np.minimum(self.tgt.starts[np.minimum(j, self.tgt.n - 1)], 1)
        return ps * pt - np.abs(ps - pt)
