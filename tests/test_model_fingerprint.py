"""The model fingerprint's memo: reused only while every hashed file's stat is unchanged, never a failure."""

from __future__ import annotations

import builtins
import errno
import hashlib
import json
import os
import stat
import time
from pathlib import Path

import pytest

from translate import model_files
from translate.model_files import fingerprint

OLD_NS = 1_600_000_000 * 10**9  # September 2020: far outside the racy window


def fresh_hash(directory: Path) -> str:
    """The fingerprint as it was computed before the memo: hash every file, every time."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith(".")):
        if path.name.endswith(".md") or path.name.startswith("README"):
            continue
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def memos(cache: Path) -> list[Path]:
    folder = cache / "fr-en-translate" / "fingerprints"
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """XDG_CACHE_HOME in tmp_path, and the memo's clock a minute ahead so that files made now are not racy."""
    folder = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    monkeypatch.setattr(model_files, "_memo_clock_ns", lambda: time.time_ns() + 60 * 10**9)
    return folder


@pytest.fixture
def model(tmp_path: Path) -> Path:
    directory = tmp_path / "model"
    directory.mkdir()
    (directory / "config.json").write_text('{"model_type": "marian"}', encoding="utf-8")
    (directory / "model.safetensors").write_bytes(bytes(range(256)) * 8)
    (directory / "source.spm").write_bytes(b"source pieces")
    (directory / "README.md").write_text("not hashed", encoding="utf-8")
    for path in directory.iterdir():
        os.utime(path, ns=(OLD_NS, OLD_NS))
    return directory


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file opened through open() from now on."""
    seen: list[Path] = []
    real_open = builtins.open

    def spy(file, *args, **kwargs):
        if isinstance(file, (str, os.PathLike)):
            seen.append(Path(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    return seen


def test_same_fingerprint_as_a_fresh_hash_and_the_memo_is_written(model: Path, cache: Path, capsys) -> None:
    assert fingerprint(model) == fresh_hash(model)
    assert fingerprint(model) == fresh_hash(model)
    [memo] = memos(cache)
    assert memo.name == hashlib.sha256(os.fsencode(str(model.resolve()))).hexdigest() + ".json"
    record = json.loads(memo.read_text(encoding="utf-8"))
    assert record["fingerprint"] == fresh_hash(model)
    assert [entry[0] for entry in record["files"]] == ["config.json", "model.safetensors", "source.spm"]
    assert not list(memo.parent.glob("*.tmp"))
    assert capsys.readouterr() == ("", "")


def test_second_call_does_not_read_the_model_files(model: Path, cache: Path, opened: list[Path]) -> None:
    expected = fingerprint(model)
    assert model / "model.safetensors" in opened
    opened.clear()
    assert fingerprint(model) == expected
    assert not [path for path in opened if path.parent == model], "the memo was not used: the weights were read again"


def test_the_home_cache_is_used_when_xdg_cache_home_is_unset(
    model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(model_files, "_memo_clock_ns", lambda: time.time_ns() + 60 * 10**9)
    assert fingerprint(model) == fresh_hash(model)
    assert len(memos(tmp_path / "home" / ".cache")) == 1


def test_same_size_edit_in_place_with_the_old_mtime_is_seen(model: Path, cache: Path) -> None:
    before = fingerprint(model)
    weights = model / "model.safetensors"
    old = os.stat(weights)
    with open(weights, "r+b") as handle:
        handle.write(b"\xff")  # same size, same inode
    os.utime(weights, ns=(OLD_NS, OLD_NS))
    while os.stat(weights).st_ctime_ns == old.st_ctime_ns:  # a coarse clock: wait for the next tick
        time.sleep(0.01)
        os.utime(weights, ns=(OLD_NS, OLD_NS))
    new = os.stat(weights)
    assert (new.st_size, new.st_mtime_ns, new.st_ino) == (old.st_size, old.st_mtime_ns, old.st_ino)
    assert fingerprint(model) == fresh_hash(model) != before


def test_same_size_file_replaced_with_the_old_mtime_is_seen(model: Path, cache: Path) -> None:
    before = fingerprint(model)
    weights = model / "model.safetensors"
    old = os.stat(weights)
    replacement = model / ".incoming"
    replacement.write_bytes(b"\x00" * old.st_size)
    os.utime(replacement, ns=(OLD_NS, OLD_NS))
    os.replace(replacement, weights)  # a new inode, same size and mtime
    assert os.stat(weights).st_mtime_ns == old.st_mtime_ns
    assert os.stat(weights).st_ino != old.st_ino
    assert fingerprint(model) == fresh_hash(model) != before


def test_adding_or_removing_a_hashed_file_changes_it(model: Path, cache: Path) -> None:
    before = fingerprint(model)
    extra = model / "target.spm"
    extra.write_bytes(b"target pieces")
    os.utime(extra, ns=(OLD_NS, OLD_NS))
    added = fingerprint(model)
    assert added == fresh_hash(model) != before
    extra.unlink()
    assert fingerprint(model) == before
    (model / "source.spm").unlink()
    assert fingerprint(model) == fresh_hash(model) not in (before, added)


def test_files_that_are_not_hashed_do_not_matter(model: Path, cache: Path, opened: list[Path]) -> None:
    before = fingerprint(model)
    (model / "README.md").write_text("edited", encoding="utf-8")
    (model / ".hidden").write_text("ignored", encoding="utf-8")
    opened.clear()
    assert fingerprint(model) == before
    assert not [path for path in opened if path.parent == model]


@pytest.mark.parametrize(
    "content",
    [b"", b"{not json", b"\xff\xfe", b"[]", b'{"version": 1}', b"null", b"[" * 100_000],
    ids=["empty", "truncated", "not-utf8", "a-list", "no-files", "null", "deeply-nested"],
)
def test_corrupt_memo_is_ignored_silently(model: Path, cache: Path, content: bytes, capsys) -> None:
    expected = fingerprint(model)
    [memo] = memos(cache)
    memo.write_bytes(content)
    assert fingerprint(model) == expected
    assert json.loads(memo.read_text(encoding="utf-8"))["fingerprint"] == expected  # rewritten
    assert capsys.readouterr() == ("", "")


def test_a_memo_with_a_wrong_fingerprint_for_other_files_is_not_trusted(model: Path, cache: Path) -> None:
    expected = fingerprint(model)
    [memo] = memos(cache)
    record = json.loads(memo.read_text(encoding="utf-8"))
    record["fingerprint"] = "0" * 64
    record["files"][0][1] += 1  # the size no longer matches the file
    memo.write_text(json.dumps(record), encoding="utf-8")
    assert fingerprint(model) == expected


def test_unreadable_memo_is_ignored_silently(model: Path, cache: Path, capsys) -> None:
    expected = fingerprint(model)
    [memo] = memos(cache)
    memo.unlink()
    memo.mkdir()  # reading it fails with an OSError whoever runs the test, root included
    assert fingerprint(model) == expected
    assert memo.is_dir()
    assert capsys.readouterr() == ("", "")


def test_read_only_cache_folder_still_gives_the_right_fingerprint(
    model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))  # mkdir fails, as on a read-only home
    monkeypatch.setattr(model_files, "_memo_clock_ns", lambda: time.time_ns() + 60 * 10**9)
    assert fingerprint(model) == fresh_hash(model)
    assert fingerprint(model) == fresh_hash(model)
    assert capsys.readouterr() == ("", "")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes through permissions")
def test_write_protected_cache_folder_still_gives_the_right_fingerprint(model: Path, cache: Path, capsys) -> None:
    folder = cache / "fr-en-translate" / "fingerprints"
    folder.mkdir(parents=True)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        assert fingerprint(model) == fresh_hash(model)
        assert fingerprint(model) == fresh_hash(model)
    finally:
        folder.chmod(stat.S_IRWXU)
    assert not list(folder.glob(".*.tmp"))
    assert capsys.readouterr() == ("", "")


def test_full_disk_leaves_no_memo_and_no_temporary_file(model: Path, cache: Path, monkeypatch, capsys) -> None:
    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(model_files.os, "fsync", no_space)
    assert fingerprint(model) == fresh_hash(model)
    folder = cache / "fr-en-translate" / "fingerprints"
    assert folder.is_dir() and list(folder.iterdir()) == []
    assert capsys.readouterr() == ("", "")


def test_no_memo_for_files_modified_within_the_racy_window(model: Path, cache: Path, monkeypatch) -> None:
    monkeypatch.setattr(model_files, "_memo_clock_ns", time.time_ns)  # the real clock
    weights = model / "model.safetensors"
    weights.write_bytes(b"just written")
    assert fingerprint(model) == fresh_hash(model)
    assert memos(cache) == []


def test_no_memo_for_files_whose_mtime_was_set_back_just_now(model: Path, cache: Path, monkeypatch) -> None:
    monkeypatch.setattr(model_files, "_memo_clock_ns", time.time_ns)
    weights = model / "model.safetensors"
    weights.write_bytes(b"just written")
    os.utime(weights, ns=(OLD_NS, OLD_NS))  # an old mtime, but the ctime says the file changed now
    assert fingerprint(model) == fresh_hash(model)
    assert memos(cache) == []


def test_the_memo_is_written_by_the_first_run_after_the_racy_window(model: Path, cache: Path, monkeypatch) -> None:
    now = time.time_ns()
    monkeypatch.setattr(model_files, "_memo_clock_ns", lambda: now)
    (model / "model.safetensors").write_bytes(b"just written")
    expected = fingerprint(model)
    assert memos(cache) == []
    monkeypatch.setattr(model_files, "_memo_clock_ns", lambda: now + model_files._RACY_WINDOW_NS + 10**8)
    assert fingerprint(model) == expected == fresh_hash(model)
    assert len(memos(cache)) == 1
