"""Translate many paragraphs efficiently: chunk, deduplicate, reuse the cache, batch, reassemble.

Paragraphs of all documents are pooled so batches are full and sorted by length; each
distinct piece of text is translated once per run (and once ever, with the cache); results go
back to the paragraphs in their original order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from aligned.splitter import sentence_spans
from translate.backends import Backend, Output
from translate.batching import plan_batches
from translate.cache import TranslationCache
from translate.chunking import chunk_paragraph
from translate.length_policy import LengthPolicy


@dataclass
class TranslationStats:
    """What the model actually had to do; the summary and the manifest report it."""

    paragraphs: int = 0
    pieces: int = 0
    unique_pieces: int = 0
    cached_pieces: int = 0
    translated_pieces: int = 0
    split_paragraphs: int = 0
    batches: int = 0
    bounded_pieces: int = 0  # pieces whose output reached the length bound (a count: a run keeps no texts)


UNITS = ("paragraph", "sentence")


class Translator:
    """Turns French paragraphs into English ones with a backend, a length policy and a cache.

    ``unit`` is what the model sees as one input: a whole ``paragraph`` (context across its
    sentences; cut between sentences only when it exceeds the input limit), or each ``sentence``
    on its own, as Marian models were trained (a long multi-sentence input risks a dropped
    sentence). Either way the paragraph's English is its pieces' translations joined by spaces.
    """

    def __init__(
        self,
        backend: Backend,
        policy: LengthPolicy,
        batch_size: int = 16,
        max_batch_tokens: int = 4096,
        cache: TranslationCache | None = None,
        unit: str = "paragraph",
        max_batch_cost: int | None = None,
    ):
        """``max_batch_cost``: the most token steps (inputs x (input + output bound) of the longest)
        a batch may cost, which bounds its memory (see ``batching``); None for no bound."""
        if unit not in UNITS:
            raise ValueError(f"unknown unit {unit!r}; choose from {', '.join(UNITS)}")
        self.backend = backend
        self.policy = policy
        self.batch_size = batch_size
        self.max_batch_tokens = max_batch_tokens
        self.cache = cache
        self.unit = unit
        self.max_batch_cost = max_batch_cost
        self.stats = TranslationStats()

    def translate(
        self,
        paragraphs: Sequence[str],
        on_pieces_done: Callable[[int, int], None] = lambda done, total: None,
        before_decoding: Callable[[], None] = lambda: None,
    ) -> list[str]:
        """English for each paragraph, in order: each unit (the paragraph, or each sentence) is
        translated whole if it fits the model's input limit, else piece by piece.
        ``before_decoding`` is called once, just before the engine starts, if anything is not cached."""
        # One tokenizer call counts every distinct unit (paragraph or sentence); only over-long
        # ones are chunked, and only their pieces are counted again.
        distinct = list(dict.fromkeys(paragraphs))
        units_of = {text: [text] if self.unit == "paragraph" else _sentences(text) for text in distinct}
        units = list(dict.fromkeys(unit for units in units_of.values() for unit in units))
        tokens = dict(zip(units, self.backend.count_tokens(units))) if units else {}
        limit = self.policy.max_input_tokens
        pieces_of = {
            text: [
                piece
                for unit in units_of[text]
                for piece in (
                    [unit] if tokens[unit] <= limit else chunk_paragraph(unit, self.backend.count_tokens, limit)
                )
            ]
            for text in distinct
        }
        unique_pieces = list(dict.fromkeys(piece for pieces in pieces_of.values() for piece in pieces))
        done = self.cache.lookup(unique_pieces) if self.cache else {}
        self.stats.paragraphs += len(paragraphs)
        self.stats.pieces += sum(len(pieces_of[text]) for text in paragraphs)
        self.stats.split_paragraphs += sum(len(pieces_of[text]) > 1 for text in paragraphs)
        self.stats.unique_pieces += len(unique_pieces)
        self.stats.cached_pieces += len(done)
        on_pieces_done(len(done), len(unique_pieces))
        todo = [piece for piece in unique_pieces if piece not in done]
        uncounted = [piece for piece in todo if piece not in tokens]
        tokens.update(zip(uncounted, self.backend.count_tokens(uncounted)) if uncounted else ())
        # Every piece gets its own output bound. A batch decodes under its longest piece's bound,
        # so a piece that ran past its own bound there goes once more, with pieces of the same
        # bound only: its output then depends on its text and the settings alone, never on the
        # batch plan (and so does what the cache keeps).
        bound = {piece: self.policy.max_new_tokens(tokens[piece]) for piece in todo}
        if todo:
            before_decoding()

        def progress(count: int) -> None:
            on_pieces_done(count, len(unique_pieces))

        again = self._decode(self._plan(todo, tokens), bound, done, progress)
        by_bound: dict[int, list[str]] = {}
        for piece in again:
            by_bound.setdefault(bound[piece], []).append(piece)
        self._decode(
            [batch for group in by_bound.values() for batch in self._plan(group, tokens)], bound, done, progress
        )
        self.stats.bounded_pieces += sum(not done[piece].complete for piece in unique_pieces)
        return [" ".join(done[piece].text for piece in pieces_of[text]) for text in paragraphs]

    def _plan(self, pieces: list[str], tokens: dict[str, int]) -> list[list[str]]:
        lengths = [tokens[piece] for piece in pieces]
        plan = plan_batches(
            lengths,
            self.batch_size,
            self.max_batch_tokens,
            workers=self.backend.workers,
            weight=lambda length: length + self.policy.max_new_tokens(length),
            max_batch_cost=self.max_batch_cost,
        )
        return [[pieces[index] for index in batch] for batch in plan]

    def _decode(
        self, batches: list[list[str]], bound: dict[str, int], done: dict[str, Output], progress: Callable[[int], None]
    ) -> list[str]:
        """Translate ``batches`` into ``done`` (and the cache); returns the pieces whose output ran
        past their own bound under their batch's longer one, to be translated again."""
        again = []
        requests = [(texts, max(bound[text] for text in texts)) for texts in batches]
        for (texts, batch_bound), outputs in zip(requests, self.backend.translate_batches(requests)):
            self.stats.batches += 1
            final = []
            for text, output in zip(texts, outputs):
                # Under its own bound the output is the same if it used fewer steps than that bound.
                if output.steps < bound[text] or batch_bound == bound[text]:
                    final.append((text, output))
                else:
                    again.append(text)
            self.stats.translated_pieces += len(final)
            done.update(final)
            if self.cache:
                self.cache.store(final)
            progress(len(final))
        return again


def _sentences(paragraph: str) -> list[str]:
    """The paragraph's sentences, exact slices of it, as the aligner splits them."""
    return [paragraph[start:end] for start, end in sentence_spans(paragraph, "fr")]
