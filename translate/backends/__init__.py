"""Translation engines behind one small interface, so the pipeline does not care which runs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, NamedTuple, Protocol, Sequence


def available_cores() -> int:
    """CPU cores this process may run on (its affinity mask, which containers and taskset narrow)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class DecodingSettings:
    """Settings that change the output; they are part of every cache key."""

    beam: int = 4

    def key(self) -> str:
        return f"beam={self.beam}"


def cache_bytes_per_token(decoder_layers: int, d_model: int) -> int:
    """Bytes of attention cache one hypothesis holds per token of its input and of its output while
    it decodes: keys and values of every decoder layer (self- and cross-attention), in float32."""
    return 2 * decoder_layers * d_model * 4


class Output(NamedTuple):
    """One translation; ``complete`` is False when decoding stopped at the length bound.

    ``steps`` is how many of the ``max_new_tokens`` the output used, counted as the engine counts
    them: the output would come out the same under any bound above ``steps``, and ``complete``
    is ``steps < max_new_tokens``. 0 where unknown (a cache entry, a stand-in engine).
    """

    text: str
    complete: bool
    steps: int = 0


class MarianTokenCounts:
    """Token counting for backends that hold the model's Marian tokenizer (transformers' or ``MarianSentencePiece``)."""

    tokenizer: Any

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(ids) for ids in self.tokenizer(list(texts))["input_ids"]]


BatchRequest = tuple[Sequence[str], int]  # texts of one batch, and max_new_tokens for each


class OneBatchAtATime:
    """``translate_batches`` for engines that gain nothing from having several batches in flight."""

    workers = 1

    translate_batch: Callable[[Sequence[str], int], list[Output]]

    def translate_batches(self, requests: Iterable[BatchRequest]) -> Iterator[list[Output]]:
        for texts, max_new_tokens in requests:
            yield self.translate_batch(texts, max_new_tokens)


class Backend(Protocol):
    """A loaded model that counts tokens and translates batches."""

    name: str
    max_positions: int  # the model's positions per side; the length policy is derived from it
    cache_bytes_per_token: int  # see cache_bytes_per_token(): what bounds a batch's memory
    workers: int  # batches decoded side by side; the batch plan keeps this many busy

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Input length of each text in model tokens, end-of-sentence token included."""
        ...

    def translate_batch(self, texts: Sequence[str], max_new_tokens: int) -> list[Output]:
        """Translate ``texts`` in one batch, producing at most ``max_new_tokens`` tokens each."""
        ...

    def translate_batches(self, requests: Iterable[BatchRequest]) -> Iterator[list[Output]]:
        """The outputs of each request, in order; the engine may work on several batches at once."""
        ...
