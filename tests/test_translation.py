"""Chunking of over-long paragraphs, batching, order restoration and the translation cache."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from translate.backends import DecodingSettings, OneBatchAtATime, Output, cache_bytes_per_token
from translate.backends.transformers_backend import TransformersBackend
from translate.batching import plan_batches
from translate.cache import TranslationCache
from translate.chunking import chunk_paragraph
from translate.length_policy import LengthPolicy
from translate.model_files import resolve_model
from translate.run import max_batch_cost
from translate.translation import Translator


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


class MarkingBackend(OneBatchAtATime):
    """Translates by tagging the input, so order and completeness are checkable; counts calls."""

    name = "marking"

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(text.split()) + 1 for text in texts]

    def translate_batch(self, texts: Sequence[str], max_new_tokens: int) -> list[Output]:
        self.batches.append(list(texts))
        return [Output(f"<{text}>", True) for text in texts]


@pytest.fixture(scope="module")
def tiny_backend(tiny_model: Path) -> TransformersBackend:
    return TransformersBackend(resolve_model(str(tiny_model)), DecodingSettings(beam=1))


def test_length_policy_output_bound_fits_decoder() -> None:
    policy = LengthPolicy(max_positions=512)
    assert policy.max_input_tokens == 334
    assert policy.max_new_tokens(policy.max_input_tokens) <= policy.max_output_tokens
    assert policy.max_new_tokens(10) == 25


def test_paragraph_that_fits_is_one_piece(tiny_backend: TransformersBackend) -> None:
    paragraph = "Le chat dort. Il fait beau."
    assert chunk_paragraph(paragraph, tiny_backend.count_tokens, 334) == [paragraph]


def test_long_paragraph_is_cut_between_sentences_and_nothing_is_lost(
    tiny_backend: TransformersBackend, shared_data: Path
) -> None:
    french = (shared_data / "flores200-devtest" / "fra.devtest").read_text(encoding="utf-8").splitlines()[:40]
    paragraph = " ".join(french)
    limit = max(tiny_backend.count_tokens(french)) + 10  # every sentence fits alone, not all together
    pieces = chunk_paragraph(paragraph, tiny_backend.count_tokens, limit)
    assert len(pieces) > 3
    assert all(count <= limit for count in tiny_backend.count_tokens(pieces))
    assert squeeze("".join(pieces)) == squeeze(paragraph)
    # Pieces end where sentences end: every piece but the last closes with terminal punctuation.
    assert all(piece.rstrip("»” ")[-1] in ".!?…" for piece in pieces[:-1])


def test_overlong_sentence_without_punctuation_is_cut_between_words(tiny_backend: TransformersBackend) -> None:
    sentence = " ".join(f"mot{i % 97} bonjour" for i in range(3000))
    pieces = chunk_paragraph(sentence, tiny_backend.count_tokens, 334)
    assert all(count <= 334 for count in tiny_backend.count_tokens(pieces))
    assert " ".join(pieces) == sentence


def test_giant_word_is_cut_between_characters(tiny_backend: TransformersBackend) -> None:
    word = "anticonstitutionnellement" * 200
    pieces = chunk_paragraph(word, tiny_backend.count_tokens, 100)
    assert len(pieces) > 1 and "".join(pieces) == word
    assert all(count <= 100 for count in tiny_backend.count_tokens(pieces))


def test_batches_cover_every_input_once_within_budget() -> None:
    lengths = [5, 300, 12, 12, 80, 1, 300, 40, 7]
    batches = plan_batches(lengths, max_batch_size=3, max_batch_tokens=400)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) <= 3
        assert len(batch) == 1 or max(lengths[i] for i in batch) * len(batch) <= 400
    assert [lengths[batch[0]] for batch in batches] == sorted((lengths[batch[0]] for batch in batches), reverse=True)


def test_order_is_restored_after_length_sorting() -> None:
    backend = MarkingBackend()
    paragraphs = ["un", "deux mots ici et là", "trois", "quatre mots seulement", "cinq"]
    result = Translator(backend, LengthPolicy(), batch_size=2).translate(paragraphs)
    assert result == [f"<{text}>" for text in paragraphs]
    assert backend.batches[0] == ["deux mots ici et là", "quatre mots seulement"], "longest inputs go first"


def test_identical_paragraphs_are_translated_once() -> None:
    backend = MarkingBackend()
    translator = Translator(backend, LengthPolicy())
    result = translator.translate(["Bonjour.", "Merci.", "Bonjour.", "Bonjour."])
    assert result == ["<Bonjour.>", "<Merci.>", "<Bonjour.>", "<Bonjour.>"]
    assert sorted(text for batch in backend.batches for text in batch) == ["Bonjour.", "Merci."]


def test_long_paragraph_translation_joins_all_pieces_in_order() -> None:
    backend = MarkingBackend()
    sentences = [f"Phrase numéro {i} avec quelques mots." for i in range(30)]
    translator = Translator(backend, LengthPolicy(max_positions=40))
    [english] = translator.translate([" ".join(sentences)])
    pieces = re.findall(r"<([^>]*)>", english)
    assert len(pieces) > 1 and " ".join(pieces) == " ".join(sentences)
    assert translator.stats.split_paragraphs == 1


def test_cache_makes_a_second_run_free(tmp_path: Path) -> None:
    first_backend, second_backend = MarkingBackend(), MarkingBackend()
    cache = TranslationCache(tmp_path / "cache.sqlite", "model-a", "beam=4")
    first = Translator(first_backend, LengthPolicy(), cache=cache).translate(["Un.", "Deux."])
    second = Translator(second_backend, LengthPolicy(), cache=cache).translate(["Deux.", "Un."])
    assert second == first[::-1] and second_backend.batches == []


def test_cache_keys_on_model_and_settings(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite"
    TranslationCache(path, "model-a", "beam=4").store([("Un.", Output("One.", True))])
    assert TranslationCache(path, "model-a", "beam=4").lookup(["Un."]) == {"Un.": Output("One.", True)}
    assert TranslationCache(path, "model-b", "beam=4").lookup(["Un."]) == {}
    assert TranslationCache(path, "model-a", "beam=1").lookup(["Un."]) == {}


def test_real_model_translates_in_batches_and_reports_bounded_output(tiny_backend: TransformersBackend) -> None:
    translator = Translator(tiny_backend, LengthPolicy(tiny_backend.max_positions), batch_size=2)
    paragraphs = ["Le chat dort.", "Paris est une grande ville de France.", "Bonjour."]
    english = translator.translate(paragraphs)
    assert len(english) == 3 and all(isinstance(text, str) for text in english)
    # Two batches, then the pieces that ran past their own bound in a batch with a longer one,
    # again under their own bound: each piece is counted once.
    assert translator.stats.batches >= 2 and translator.stats.translated_pieces == 3
    # A random model never chooses to stop: every output is cut by the documented bound.
    assert translator.stats.bounded_pieces == len(paragraphs)


def test_a_translation_does_not_depend_on_its_batch(tiny_backend: TransformersBackend) -> None:
    """The output bound is each piece's own, whatever it is batched with: the random model's
    outputs all run to their bound, and still come out the same at batch sizes 1 and 16."""
    paragraphs = [
        "Le chat dort.",
        "Paris est une grande ville de France, au bord de la Seine.",
        "Bonjour.",
        "Oui, merci.",
    ]
    alone = Translator(tiny_backend, LengthPolicy(tiny_backend.max_positions), batch_size=1).translate(paragraphs)
    together = Translator(tiny_backend, LengthPolicy(tiny_backend.max_positions), batch_size=16)
    assert together.translate(paragraphs) == alone
    assert together.stats.batches > 1  # the shorter pieces went again, under their own bounds


def test_sentence_unit_sends_each_sentence_alone_and_joins_them_back() -> None:
    paragraphs = [
        "Le Dr Ur a parlé. « Nous avons des souris », a-t-il dit. Fin.",
        "Un seul paragraphe d'une phrase.",
        "Le Dr Ur a parlé. Une autre suite.",
    ]
    backend = MarkingBackend()
    translator = Translator(backend, LengthPolicy(), unit="sentence")
    result = translator.translate(paragraphs)
    sent = [text for batch in backend.batches for text in batch]
    assert sorted(sent) == sorted(
        [
            "Le Dr Ur a parlé.",
            "« Nous avons des souris », a-t-il dit.",
            "Fin.",
            "Un seul paragraphe d'une phrase.",
            "Une autre suite.",
        ]
    )  # each distinct sentence once, the repeated one included
    assert result == [
        "<Le Dr Ur a parlé.> <« Nous avons des souris », a-t-il dit.> <Fin.>",
        "<Un seul paragraphe d'une phrase.>",
        "<Le Dr Ur a parlé.> <Une autre suite.>",
    ]
    assert (translator.stats.paragraphs, translator.stats.pieces, translator.stats.unique_pieces) == (3, 6, 5)


def test_sentence_unit_still_cuts_an_over_long_sentence() -> None:
    sentence = " ".join(f"mot{i}" for i in range(50)) + "."
    backend = MarkingBackend()
    result = Translator(backend, LengthPolicy(max_positions=40), unit="sentence").translate([f"Court. {sentence}"])
    pieces = [text for batch in backend.batches for text in batch]
    assert len(pieces) > 2 and all(
        len(piece.split()) + 1 <= LengthPolicy(max_positions=40).max_input_tokens for piece in pieces
    )
    assert result[0].replace("<", "").replace(">", "").split() == f"Court. {sentence}".split()


def _cost(batch: list[int], lengths: list[int]) -> int:
    return len(batch) * 2 * max(lengths[i] for i in batch)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 400), max_size=40), st.integers(1, 4))
def test_batches_for_several_workers_are_balanced_and_keep_the_budget(lengths: list[int], workers: int) -> None:
    batches = plan_batches(lengths, 16, 4096, workers=workers, weight=lambda length: 2 * length)
    greedy = plan_batches(lengths, 16, 4096)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) <= 16 and (len(batch) == 1 or max(lengths[i] for i in batch) * len(batch) <= 4096)
    if workers > 1 and lengths:
        assert len(batches) >= min(workers, len(lengths))
        assert max(_cost(b, lengths) for b in batches) <= max(_cost(b, lengths) for b in greedy)
    else:
        assert batches == greedy


def test_sixteen_paragraphs_on_two_workers_are_split_evenly() -> None:
    """The case that left one worker idle: the budget alone made batches of 13 and 3."""
    lengths = [300, 280, 260, 250, 240, 230, 220, 210, 200, 190, 180, 170, 160, 150, 140, 30]
    assert [len(batch) for batch in plan_batches(lengths, 16, 4096)] == [13, 3]
    batches = plan_batches(lengths, 16, 4096, workers=2, weight=lambda length: 2 * length)
    best = min(max(cut * 2 * lengths[0], (16 - cut) * 2 * lengths[cut]) for cut in range(1, 14))
    assert len(batches) == 2 and max(_cost(batch, lengths) for batch in batches) == best


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 400), max_size=40), st.integers(1, 4), st.integers(100, 6000))
def test_batches_keep_the_cost_cap_that_bounds_their_memory(lengths: list[int], workers: int, cap: int) -> None:
    batches = plan_batches(lengths, 16, 4096, workers=workers, weight=lambda length: 2 * length, max_batch_cost=cap)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) == 1 or _cost(batch, lengths) <= cap
    if workers > 1 and lengths:
        assert len(batches) >= min(workers, len(lengths))


def test_long_inputs_are_batched_fewer_at_a_time_under_the_cost_cap() -> None:
    """Eight inputs of 334 tokens with their 511-token bounds cost 8 x 845 steps: over a cap of
    4096 (the CPU cap for opus-mt-fr-en at beam 4) they go four at a time; short ones stay 8."""
    weight = LengthPolicy().max_new_tokens
    long, short = [334] * 8, [110] * 8
    for lengths, sizes in ((long, [4, 4]), (short, [8])):
        batches = plan_batches(lengths, 8, 4096, weight=lambda n: n + weight(n), max_batch_cost=4096)
        assert [len(batch) for batch in batches] == sizes


def test_translations_do_not_depend_on_the_cost_cap(tiny_backend: TransformersBackend) -> None:
    paragraphs = ["Le chat dort sur le canapé du salon.", "Bonjour.", "Paris est une grande ville.", "Oui."]
    policy = LengthPolicy(tiny_backend.max_positions)
    free = Translator(tiny_backend, policy)
    capped = Translator(tiny_backend, policy, max_batch_cost=1)
    assert capped.translate(paragraphs) == free.translate(paragraphs)
    assert capped.stats.batches == len(paragraphs)  # each piece alone: none fits the cap with another


def test_the_cpu_cost_cap_for_opus_mt_fr_en_at_beam_4_keeps_batches_of_8_to_200_tokens() -> None:
    backend = SimpleNamespace(cache_bytes_per_token=cache_bytes_per_token(decoder_layers=6, d_model=512))
    cap = max_batch_cost(backend, beam=4, device="cpu")
    weight = LengthPolicy().max_new_tokens
    assert 8 * (200 + weight(200)) <= cap < 8 * (210 + weight(210))
    assert max_batch_cost(backend, beam=4, device="cuda") is None
