"""Locate a Marian model (local directory or Hugging Face hub id) and fingerprint it.

Both backends start from the same transformers model directory, so resolution happens once
here. The fingerprint (a hash of the weight and tokenizer files) identifies the model in the
manifest, keys the translation cache, and keys converted CTranslate2 models: a changed file is
a different model.

Hashing ~300 MB on every run costs about a third of a second, so the fingerprint is memoised by
the files' stat signature, the way git's index and ccache do: one small JSON record per model
directory in ``$XDG_CACHE_HOME/fr-en-translate/fingerprints/`` (``~/.cache`` when XDG_CACHE_HOME is
unset). It is trusted only while the list of hashed files and every file's size, mtime, ctime,
inode and device are exactly what they were when it was written; anything else hashes again. The
memo is a cache, never a requirement: one that cannot be read, parsed or written is ignored
silently.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from aligned.distribution import user_cache
from aligned.textio import write_files_atomically
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
    """SHA-256 over the files that decide what the model outputs (weights, config, tokenizer).

    Memoised by the files' stat signature (see the module docstring): the memo is reused only while
    no hashed file's stat has changed, so the result is what hashing the files now would give.
    """
    names = _hashed_names(directory)
    signature = _stat_signature(directory, names)
    location = _memo_location(directory) if signature is not None else None
    if location is not None:
        remembered = _read_memo(*location, signature)
        if remembered is not None:
            return remembered
    result = _hash_files(directory, names)
    if location is not None and _stat_signature(directory, names) == signature and not _is_racy(signature):
        _write_memo(*location, signature, result)
    return result


def _hashed_names(directory: Path) -> list[str]:
    """The files the fingerprint covers, sorted: every plain file except hidden ones and the docs."""
    names = sorted(p.name for p in directory.iterdir() if p.is_file() and not p.name.startswith("."))
    return [name for name in names if not (name.endswith(".md") or name.startswith("README"))]


def _hash_files(directory: Path, names: list[str]) -> str:
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode())
        with open(directory / name, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


_MEMO_VERSION = 1
_RACY_WINDOW_NS = 2_000_000_000
"""A file whose mtime or ctime is this close to the memo's writing could still change without
changing its stat (the timestamps' granularity): git's "racy clean" problem. No memo is written then."""


def _stat_signature(directory: Path, names: list[str]) -> list[list[str | int]] | None:
    """(name, size, mtime_ns, inode, device, ctime_ns) of each file, through symlinks (the hub's
    snapshots link to blobs); None when a file cannot be stat'ed (hashing then says why)."""
    signature: list[list[str | int]] = []
    for name in names:
        try:
            info = os.stat(directory / name)
        except OSError:
            return None
        signature.append([name, info.st_size, info.st_mtime_ns, info.st_ino, info.st_dev, info.st_ctime_ns])
    return signature


def _is_racy(signature: list[list[str | int]]) -> bool:
    """Whether any file was modified (mtime) or changed (ctime) within the racy window of now, or in the future."""
    threshold = _memo_clock_ns() - _RACY_WINDOW_NS
    return any(entry[2] > threshold or entry[5] > threshold for entry in signature)


def _memo_clock_ns() -> int:
    return time.time_ns()


def _memo_location(directory: Path) -> tuple[Path, str] | None:
    """``<tool cache>/fingerprints/<sha256 of the resolved directory>.json`` and that resolved directory;
    None if there is no home or the path cannot be resolved."""
    try:
        resolved = str(directory.resolve())
        folder = user_cache() / "fingerprints"
        key = hashlib.sha256(os.fsencode(resolved)).hexdigest()
    except (OSError, RuntimeError, ValueError):  # no home directory, a symlink loop, an unencodable path
        return None
    return folder / f"{key}.json", resolved


def _read_memo(memo: Path, resolved: str, signature: list[list[str | int]]) -> str | None:
    """The remembered fingerprint if the memo is readable, well formed and its signature matches exactly."""
    try:
        record = json.loads(memo.read_bytes())
    except (OSError, ValueError, RecursionError):  # missing, unreadable or corrupt: hash instead
        return None
    if not isinstance(record, dict) or record.get("version") != _MEMO_VERSION:
        return None
    remembered = record.get("fingerprint")
    if record.get("directory") != resolved or record.get("files") != signature:
        return None
    if not isinstance(remembered, str) or len(remembered) != 64 or not all(c in "0123456789abcdef" for c in remembered):
        return None
    return remembered


def _write_memo(memo: Path, resolved: str, signature: list[list[str | int]], result: str) -> None:
    """Write the memo atomically, as every file is written; give up silently on error."""
    record = {"version": _MEMO_VERSION, "directory": resolved, "files": signature, "fingerprint": result}
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        write_files_atomically({memo: json.dumps(record, separators=(",", ":")).encode("ascii")})
    except (OSError, ValueError):  # a read-only or full cache: the memo is only a cache
        pass
