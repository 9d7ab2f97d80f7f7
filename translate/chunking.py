"""Cut paragraphs that exceed the model's input limit into pieces that fit, losing nothing.

A paragraph that fits is one piece. A longer one is cut between sentences, packing as many
whole sentences per piece as fit; a single sentence longer than the limit is cut between
words, and a single "word" longer than the limit (a URL, a run of characters with no spaces)
between characters. Pieces are exact slices of the paragraph, so joining them with the
whitespace that separated them gives the paragraph back.
"""

from __future__ import annotations

import re
from typing import Callable, Sequence

from aligned.splitter import sentence_spans

CountTokens = Callable[[Sequence[str]], list[int]]
_WORD = re.compile(r"\S+")


def chunk_paragraph(paragraph: str, count_tokens: CountTokens, max_tokens: int, lang: str = "fr") -> list[str]:
    """Pieces of ``paragraph`` in order, each at most ``max_tokens`` tokens long."""
    if count_tokens([paragraph])[0] <= max_tokens:
        return [paragraph]
    spans = sentence_spans(paragraph, lang)
    lengths = count_tokens([paragraph[start:end] for start, end in spans])
    pieces: list[str] = []
    group: list[tuple[int, int]] = []
    for span, length in zip(spans, lengths):
        if length > max_tokens:
            pieces.extend(_flush(paragraph, group))
            group = []
            pieces.extend(_split_long_sentence(paragraph[span[0] : span[1]], count_tokens, max_tokens))
            continue
        candidate = group + [span]
        if group and count_tokens([paragraph[candidate[0][0] : span[1]]])[0] > max_tokens:
            pieces.extend(_flush(paragraph, group))
            candidate = [span]
        group = candidate
    pieces.extend(_flush(paragraph, group))
    return pieces


def _flush(paragraph: str, group: list[tuple[int, int]]) -> list[str]:
    return [paragraph[group[0][0] : group[-1][1]]] if group else []


def _split_long_sentence(sentence: str, count_tokens: CountTokens, max_tokens: int) -> list[str]:
    """Cut between words: pack words by their token counts, then check each piece for real."""
    words = [match.span() for match in _WORD.finditer(sentence)]
    # Each word alone counts its end-of-sentence token too; inside a piece it does not.
    word_tokens = [count - 1 for count in count_tokens([sentence[start:end] for start, end in words])]
    pieces: list[str] = []
    start_word, budget = 0, 0
    for index, tokens in enumerate(word_tokens):
        if index > start_word and budget + tokens > max_tokens - 1:
            pieces.append(sentence[words[start_word][0] : words[index - 1][1]])
            start_word, budget = index, 0
        budget += tokens
    pieces.append(sentence[words[start_word][0] : words[-1][1]])
    return [fitted for piece in pieces for fitted in _fit(piece, count_tokens, max_tokens)]


def _fit(piece: str, count_tokens: CountTokens, max_tokens: int) -> list[str]:
    """Halve ``piece`` (at a space when there is one) until every part fits."""
    if count_tokens([piece])[0] <= max_tokens:
        return [piece]
    middle = len(piece) // 2
    space = piece.rfind(" ", 0, middle)
    cut = space if space > 0 else max(middle, 1)
    left, right = piece[:cut].rstrip(), piece[cut:].lstrip()
    return _fit(left, count_tokens, max_tokens) + _fit(right, count_tokens, max_tokens)
