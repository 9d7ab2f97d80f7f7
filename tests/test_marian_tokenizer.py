"""The sentencepiece-only Marian tokenizer gives exactly transformers' MarianTokenizer ids and text."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
from transformers import MarianTokenizer

from translate.backends.marian_tokenizer import MarianSentencePiece, load_tokenizer
from translate.model_files import ModelError, resolve_model

HOSTILE = [
    "",
    " ",
    "\n\t  \r",
    "😀🇫🇷 emoji 👩‍👩‍👧",
    "contrôle \x00\x01\x07\x1b[31m rouge \x7f\u200b\u200e\ufeff",
    ">>fr<< Bonjour",
    ">>fr<<",
    ">>en<<>>fr<< deux codes",
    "texte >>fr<< au milieu",
    ">>pas de fin",
    "<< >> <<>>",
    "a</s>b <unk> c<pad>",
    "</s></s><unk><pad>",
    "<<unk>> </s</s>> <pad<pad>>",
    ">>fr<<</s>>>en<< x",
    "</s>>>fr<< après un spécial",
    "\u2581 déjà \u2581\u2581 des soulignés",
    "Ὅμηρος 中文 日本語 العربية עברית",
    "l'été, « guillemets » — tirets… points ?!",
    "x" * 3000,
    "mot " * 800,
    "ǅ ﬁ ｆｕｌｌ ｗｉｄｔｈ ①②",
]


def _lines(shared_data: Path, name: str) -> list[str]:
    return (shared_data / "flores200-devtest" / name).read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def reference(tiny_model: Path) -> MarianTokenizer:
    return MarianTokenizer.from_pretrained(tiny_model)


@pytest.fixture(scope="module")
def light(tiny_model: Path) -> MarianSentencePiece:
    tokenizer = load_tokenizer(resolve_model(str(tiny_model)))
    assert isinstance(tokenizer, MarianSentencePiece)
    return tokenizer


def _texts(shared_data: Path) -> list[str]:
    french, english = _lines(shared_data, "fra.devtest"), _lines(shared_data, "eng.devtest")
    paragraphs = [" ".join(french[start : start + 4]) for start in range(0, len(french), 4)]
    return french + english + paragraphs + HOSTILE


def test_same_ids_and_source_tokens(reference, light, shared_data) -> None:
    texts = _texts(shared_data)
    expected = reference(texts)["input_ids"]
    assert light(texts)["input_ids"] == expected
    assert [light.convert_ids_to_tokens(ids) for ids in expected] == [
        reference.convert_ids_to_tokens(ids) for ids in expected
    ]
    assert light.unk_token_id == reference.unk_token_id and light.get_vocab() == reference.get_vocab()


def test_same_decoded_text(reference, light, shared_data) -> None:
    """What the CTranslate2 backend decodes: target-side pieces mapped through the vocabulary
    (unknown ones to <unk>), special tokens among them, and arbitrary id sequences."""
    vocab = reference.get_vocab()
    english = _lines(shared_data, "eng.devtest")
    sequences = [
        [vocab.get(piece, reference.unk_token_id) for piece in reference.spm_target.encode(line, out_type=str)]
        for line in english + HOSTILE
    ]
    sequences += reference(_texts(shared_data))["input_ids"]
    generator = random.Random(15)
    sequences += [[generator.randrange(len(vocab)) for _ in range(generator.randrange(0, 60))] for _ in range(500)]
    sequences += [[], [reference.eos_token_id], [reference.pad_token_id, reference.unk_token_id]]
    for skip in (True, False):
        assert light.batch_decode(sequences, skip_special_tokens=skip) == reference.batch_decode(
            sequences, skip_special_tokens=skip
        )


def test_hub_layout_without_added_tokens(reference, tiny_model: Path, tmp_path: Path) -> None:
    """OPUS-MT models on the hub carry a two-key tokenizer_config.json and a special_tokens_map.json."""
    model = tmp_path / "hub-layout"
    shutil.copytree(tiny_model, model)
    (model / "tokenizer_config.json").write_text(json.dumps({"source_lang": "fr", "target_lang": "en"}))
    special = {"eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>"}
    (model / "special_tokens_map.json").write_text(json.dumps(special))
    light = load_tokenizer(resolve_model(str(model)))
    assert isinstance(light, MarianSentencePiece)
    hub = MarianTokenizer.from_pretrained(model)
    assert light(HOSTILE)["input_ids"] == hub(HOSTILE)["input_ids"] == reference(HOSTILE)["input_ids"]


def test_other_layouts_get_transformers_tokenizer(tiny_model: Path, tmp_path: Path) -> None:
    model = tmp_path / "added-token"
    shutil.copytree(tiny_model, model)
    config = json.loads((model / "tokenizer_config.json").read_text())
    config["additional_special_tokens"] = ["<eop>"]
    (model / "tokenizer_config.json").write_text(json.dumps(config))
    tokenizer = load_tokenizer(resolve_model(str(model)))
    assert isinstance(tokenizer, MarianTokenizer)
    assert tokenizer(["a <eop> b"])["input_ids"] == MarianTokenizer.from_pretrained(model)(["a <eop> b"])["input_ids"]


@pytest.mark.parametrize("damaged", ["vocab.json", "source.spm", "target.spm"])
def test_damaged_files_are_one_clear_error(tiny_model: Path, tmp_path: Path, damaged: str) -> None:
    model = tmp_path / "damaged"
    shutil.copytree(tiny_model, model)
    (model / damaged).write_bytes(b"\x00not what it should be")
    with pytest.raises(ModelError, match="cannot load the Marian tokenizer .*re-download or re-save them"):
        load_tokenizer(resolve_model(str(model)))


@pytest.mark.parametrize("generation_file", [True, False])
def test_generation_settings_read_as_transformers_reads_them(tiny_model: Path, tmp_path: Path, generation_file) -> None:
    """The CTranslate2 backend reads its search settings from the JSON files; transformers agrees."""
    from transformers import GenerationConfig, MarianConfig

    from translate.backends.ctranslate2_backend import _model_settings

    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    if not generation_file:
        (model / "generation_config.json").unlink()
    config, generation = _model_settings(resolve_model(str(model)))
    marian = MarianConfig.from_pretrained(model)
    expected = (
        GenerationConfig.from_pretrained(model) if generation_file else GenerationConfig.from_model_config(marian)
    )
    assert config.get("max_position_embeddings", 1024) == marian.max_position_embeddings
    # The backend reads them through the same ``None`` -> default expressions on both sides.
    for key in ("forced_eos_token_id", "eos_token_id", "length_penalty", "repetition_penalty", "no_repeat_ngram_size"):
        assert generation.get(key) == getattr(expected, key), key
