"""Sentence splitting and sentence alignment for any two parallel texts.

>>> from aligned import align
>>> [b.to_vecalign() for b in align(["Bonjour.", "Ça va ?"], ["Hello.", "How are you?"])]  # doctest: +SKIP
['[0]:[0]:0.9..', '[1]:[1]:0.9..']
"""

from .aligner import align
from .beads import BEAD_TYPES, Bead
from .lexicon import Lexicon

__all__ = ["align", "Bead", "BEAD_TYPES", "Lexicon", "split_sentences", "sentence_spans"]


def __getattr__(name: str):
    """`split_sentences`/`sentence_spans` come from aligned.splitter, imported on first
    use so that the aligner works (and imports stay cheap) without it."""
    if name in ("split_sentences", "sentence_spans"):
        from . import splitter

        return getattr(splitter, name)
    raise AttributeError(f"module 'aligned' has no attribute {name!r}")
