"""Locate a Marian model (local directory or Hugging Face hub id) and fingerprint it.

Both backends start from the same transformers model directory, so resolution happens once
here. The fingerprint (a hash of the weight and tokenizer files) identifies the model in the
manifest, keys the translation cache, and keys converted CTranslate2 models: a changed file is
a different model.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from translate.errors import StopRun, first_line

DEFAULT_MODEL = "Helsinki-NLP/opus-mt-fr-en"
MODEL_FILES = ("config.json", "source.spm", "target.spm", "vocab.json")
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
_HUB_PATTERNS = [
    *MODEL_FILES,
    "model.safetensors",
    "tokenizer_config.json",
    "generation_config.json",
    "target_vocab.json",
]


class ModelError(StopRun):
    """The model cannot be used; the message is one line that says what to do."""


@dataclass(frozen=True)
class ModelFiles:
    """A resolved model: what the user asked for, where its files are, and its fingerprint."""

    requested: str
    directory: Path
    revision: str | None
    fingerprint: str


def resolve_model(model: str) -> ModelFiles:
    """Find the model's files, from a local directory or the hub cache/network, and check them."""
    path = Path(model).expanduser()
    if path.exists():
        directory, revision = path, None
    elif model.count("/") == 1 and not model.startswith((".", "/", "~")):
        directory, revision = _download(model)
    else:
        raise ModelError(
            f"model '{model}' not found: pass --model with a Marian model directory or a hub id such as {DEFAULT_MODEL}"
        )
    _check_marian_directory(directory, model)
    return ModelFiles(model, directory, revision, fingerprint(directory))


def _download(repo_id: str) -> tuple[Path, str | None]:
    from huggingface_hub import snapshot_download

    try:
        local = snapshot_download(repo_id, allow_patterns=_HUB_PATTERNS, local_files_only=True)
    except Exception:
        try:
            local = snapshot_download(repo_id, allow_patterns=_HUB_PATTERNS)
        except Exception as error:
            raise ModelError(
                f"cannot load '{repo_id}': the Hugging Face hub is unreachable and the model is not cached "
                f"({type(error).__name__}: {first_line(error, 120)}); pass --model DIR with a local Marian model "
                "directory, or go online"
            ) from None
    directory = Path(local)
    return directory, directory.name


def _check_marian_directory(directory: Path, requested: str) -> None:
    if not directory.is_dir():
        raise ModelError(
            f"--model {requested}: not a directory; pass a Marian model directory (config.json, source.spm, "
            "target.spm, vocab.json, weights)"
        )
    missing = [name for name in MODEL_FILES if not (directory / name).is_file()]
    if not any((directory / name).is_file() for name in WEIGHT_FILES):
        missing.append("model.safetensors")
    if missing:
        raise ModelError(
            f"--model {requested}: not a Marian model directory (missing {', '.join(missing)}); pass a directory "
            "saved by MarianMTModel.save_pretrained"
        )
    try:
        model_type = json.loads((directory / "config.json").read_text(encoding="utf-8")).get("model_type")
    except (ValueError, UnicodeDecodeError):
        raise ModelError(
            f"--model {requested}: config.json is not valid JSON; the model directory is damaged"
        ) from None
    if model_type != "marian":
        raise ModelError(
            f"--model {requested}: config.json says model_type={model_type!r}, not 'marian'; pass a MarianMT model"
        )


def fingerprint(directory: Path) -> str:
    """SHA-256 over the files that decide what the model outputs (weights, config, tokenizer)."""
    digest = hashlib.sha256()
    for name in sorted(p.name for p in directory.iterdir() if p.is_file() and not p.name.startswith(".")):
        if name.endswith(".md") or name.startswith("README"):
            continue
        digest.update(name.encode())
        with open(directory / name, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()
