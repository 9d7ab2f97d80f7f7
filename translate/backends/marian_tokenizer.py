"""The model's Marian tokenizer without transformers, for the CTranslate2 backend and the Ray driver.

Importing transformers (and the torch and sacremoses it pulls in) took about 2 s of a 15 s
``translate`` run on 2 cores, for a tokenizer that is sentencepiece plus a vocabulary. This
module reads the same files as transformers' ``MarianTokenizer`` (``vocab.json``, ``source.spm``,
``target.spm``, ``tokenizer_config.json``, ``special_tokens_map.json``) and does what it does,
step for step, for the calls the backends make: the same token ids (the text split around the
special tokens, a leading ``>>xx<<`` language code kept whole, the rest cut by the source
sentencepiece model, pieces the vocabulary lacks read as ``<unk>``, ``</s>`` appended) and the same
decoded text (special tokens skipped, pieces joined by the sentencepiece model that transformers
decodes with, which for a shared vocabulary is the source one, then stripped).
tests/test_marian_tokenizer.py compares both on real and hostile text.

A model directory laid out in any way this module does not reproduce exactly (separate source and
target vocabularies, added tokens beyond ``</s>``, ``<unk>`` and ``<pad>``, sentencepiece options,
lower-casing ...) gets transformers' own ``MarianTokenizer`` instead, so the tokens never differ.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Sequence

from translate.errors import first_line
from translate.model_files import ModelError, ModelFiles

SPIECE_UNDERLINE = "\u2581"
_DEFAULTS = {"unk_token": "<unk>", "eos_token": "</s>", "pad_token": "<pad>"}
# tokenizer_config.json keys that change nothing in what this module does (or are checked below).
_INERT_KEYS = {
    "added_tokens_decoder",
    "backend",
    "clean_up_tokenization_spaces",
    "eos_token",
    "model_max_length",
    "name_or_path",
    "pad_token",
    "separate_vocabs",
    "source_lang",
    "sp_model_kwargs",
    "special_tokens_map_file",
    "target_lang",
    "target_vocab_file",
    "tokenizer_class",
    "tokenizer_file",
    "transformers_version",
    "unk_token",
    "additional_special_tokens",
    "extra_special_tokens",
    "split_special_tokens",
}


class Unsupported(Exception):
    """The model's tokenizer files ask for something this module does not reproduce."""


def load_tokenizer(model: ModelFiles) -> Any:
    """The model's tokenizer: ``MarianSentencePiece`` where it is exact, else transformers' own.

    Raises ``ModelError`` with one line when the files cannot be read as a Marian tokenizer.
    """
    try:
        return MarianSentencePiece(Path(model.directory))
    except Unsupported:
        pass
    except Exception as error:  # a missing, truncated or damaged file
        raise _unreadable(model, error) from None
    import transformers
    from transformers import MarianTokenizer

    transformers.logging.set_verbosity_error()
    try:
        return MarianTokenizer.from_pretrained(model.directory)
    except Exception as error:  # transformers raises many types for damaged files
        raise _unreadable(model, error) from None


def _unreadable(model: ModelFiles, error: Exception) -> ModelError:
    return ModelError(
        f"--model {model.requested}: cannot load the Marian tokenizer ({first_line(error)}); the files may be "
        "damaged, re-download or re-save them"
    )


class MarianSentencePiece:
    """transformers' ``MarianTokenizer`` (shared vocabulary) on sentencepiece alone.

    Offers the part of its interface the backends use, with the same names and results:
    ``__call__`` (``input_ids``), ``convert_ids_to_tokens``, ``batch_decode`` with
    ``skip_special_tokens=True``, ``get_vocab`` and ``unk_token_id``.
    """

    def __init__(self, directory: Path):
        import sentencepiece

        config = _read_json(directory / "tokenizer_config.json", {})
        special_map = _read_json(directory / "special_tokens_map.json", {})
        if (directory / "added_tokens.json").exists() or (directory / "target_vocab.json").exists():
            raise Unsupported("added_tokens.json or target_vocab.json")
        if set(config) - _INERT_KEYS or config.get("separate_vocabs") or config.get("sp_model_kwargs"):
            raise Unsupported("tokenizer_config.json options")
        if config.get("split_special_tokens") or config.get("additional_special_tokens"):
            raise Unsupported("special token options")
        if config.get("extra_special_tokens") or set(special_map) - set(_DEFAULTS):
            raise Unsupported("extra special tokens")
        names = {}
        for name, default in _DEFAULTS.items():
            given = {_content(source[name]) for source in (config, special_map) if source.get(name) is not None}
            if len(given) > 1:
                raise Unsupported(f"two values for {name}")
            names[name] = given.pop() if given else default
        self.encoder: dict[str, int] = _read_json(directory / "vocab.json", None)
        if not isinstance(self.encoder, dict) or not all(type(i) is int for i in self.encoder.values()):
            raise ValueError("vocab.json is not a mapping of pieces to ids")
        if names["unk_token"] not in self.encoder:
            raise KeyError("<unk> token must be in the vocab")  # transformers' words
        specials = list(names.values())
        if any(token not in self.encoder for token in specials):
            raise Unsupported("a special token outside the vocabulary")  # transformers would add it
        if any(a != b and a in b for a in specials for b in specials):
            raise Unsupported("special tokens that contain one another")
        for entry in config.get("added_tokens_decoder", {}).values():
            flags = ("lstrip", "rstrip", "single_word")
            if entry.get("content") not in specials or any(entry.get(flag) for flag in flags):
                raise Unsupported("added tokens")
        self.decoder = {index: token for token, index in self.encoder.items()}
        self.source = sentencepiece.SentencePieceProcessor()
        self.source.Load(str(directory / "source.spm"))
        # Never used to decode a shared vocabulary (see ``decode``), but loaded as transformers loads
        # it, so that a damaged target model stops the run here as it did, not a later fallback.
        sentencepiece.SentencePieceProcessor().Load(str(directory / "target.spm"))
        self.special_tokens = set(specials)
        self.special_ids = {self.encoder[token] for token in specials}
        self.unk_token = names["unk_token"]
        self.unk_token_id = self.encoder[self.unk_token]
        self.eos_token_id = self.encoder[names["eos_token"]]
        self.pad_token_id = self.encoder[names["pad_token"]]
        self.clean_up_tokenization_spaces = bool(config.get("clean_up_tokenization_spaces", False))
        # transformers cuts the text around special tokens (a trie); for tokens that do not
        # contain one another, leftmost-first alternation finds the same places.
        self._special_split = re.compile("(" + "|".join(map(re.escape, sorted(self.special_tokens))) + ")")

    def __call__(self, texts: Sequence[str]) -> dict[str, list[list[int]]]:
        """``{"input_ids": [...]}``: each text's ids, ``</s>`` last, as ``MarianTokenizer(texts)``."""
        return {"input_ids": [self.encode(text) for text in texts]}

    def encode(self, text: str) -> list[int]:
        ids = [self.encoder.get(token, self.unk_token_id) for token in self.tokenize(text)]
        return ids + [self.eos_token_id]

    def tokenize(self, text: str) -> list[str]:
        """Special tokens kept whole; in the text between them a leading ``>>xx<<`` code is one
        token and the rest is cut into pieces by the source model (MarianTokenizer._tokenize)."""
        tokens: list[str] = []
        for chunk in self._special_split.split(text):
            if not chunk:
                continue
            if chunk in self.special_tokens:
                tokens.append(chunk)
                continue
            if chunk.startswith(">>") and (end := chunk.find("<<")) != -1:
                tokens.append(chunk[: end + 2])
                chunk = chunk[end + 2 :]
            tokens.extend(self.source.encode(chunk, out_type=str))
        return tokens

    def convert_ids_to_tokens(self, ids: Sequence[int], skip_special_tokens: bool = False) -> list[str]:
        return [
            self._piece(index) for index in map(int, ids) if not (skip_special_tokens and index in self.special_ids)
        ]

    def _piece(self, index: int) -> str:
        if index in self.decoder:
            return self.decoder[index]
        return self.source.IdToPiece(index) or self.unk_token  # transformers' fallback, source model

    def batch_decode(self, sequences: Sequence[Sequence[int]], skip_special_tokens: bool = False) -> list[str]:
        return [self.decode(ids, skip_special_tokens=skip_special_tokens) for ids in sequences]

    def decode(self, ids: Sequence[int], skip_special_tokens: bool = False) -> str:
        """Pieces joined by the source model between special tokens (MarianTokenizer decodes a
        shared vocabulary with its source model), ``▁`` as spaces, stripped."""
        text, run = "", []
        for token in self.convert_ids_to_tokens(ids, skip_special_tokens=skip_special_tokens):
            if token in self.special_tokens:
                text += self.source.decode_pieces(run) + token + " "
                run = []
            else:
                run.append(token)
        text = (text + self.source.decode_pieces(run)).replace(SPIECE_UNDERLINE, " ").strip()
        return _clean_up(text) if self.clean_up_tokenization_spaces else text

    def get_vocab(self) -> dict[str, int]:
        return dict(self.encoder)


def _content(value: Any) -> str:
    """A special token as tokenizer_config.json gives it: a string or ``{"content": ...}``."""
    return value["content"] if isinstance(value, dict) else str(value)


def _read_json(path: Path, missing: Any) -> Any:
    if missing is not None and not path.exists():
        return missing
    return json.loads(path.read_text(encoding="utf-8"))


def _clean_up(text: str) -> str:
    """transformers' ``clean_up_tokenization``, for models whose configuration turns it on."""
    for before, after in (
        (" .", "."),
        (" ?", "?"),
        (" !", "!"),
        (" ,", ","),
        (" ' ", "'"),
        (" n't", "n't"),
        (" 'm", "'m"),
        (" 's", "'s"),
        (" 've", "'ve"),
        (" 're", "'re"),
    ):
        text = text.replace(before, after)
    return text
