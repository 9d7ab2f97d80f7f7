"""The files a run keeps beside the corpus (cache, lock, manifest, temp files, earlier outputs)
under hostile conditions: damaged, in the way, on a full disk. Each case ends in its documented
exit status and one line, and leaves only complete files behind."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.cli_helpers import assert_complete, assert_files_parse, fill_disk_when, lines, manifest, run_translate
from translate import cache, run_lock
from translate.backends import available_cores

TEXT = "Le chat dort sur le tapis. Il fait beau aujourd'hui.\n\nLe chien court dans le jardin."
OTHER = "La souris danse. Le fromage attend."


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(TEXT, encoding="utf-8")
    (folder / "other.txt").write_text(OTHER, encoding="utf-8")
    return folder


def translate_into(capsys, out_dir: Path, model: Path, *sources: object, extra: tuple = ()):
    return run_translate(capsys, *sources, "-o", out_dir, "--model", model, "--beam", "1", *extra)


def assert_untouched(out_dir: Path) -> None:
    """Nothing but the lock (and what the test put there) in the folder: no corpus file, no temp."""
    assert not [
        p.name
        for p in out_dir.iterdir()
        if p.is_file() and p.suffix in (".fr", ".en", ".tsv", ".jsonl", ".tmx", ".tmp")
    ]


def test_damaged_cache_is_moved_aside_and_rebuilt(inputs: Path, tmp_path: Path, tiny_model: Path, capsys) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / ".cache.sqlite").write_bytes(bytes(range(256)) * 20)
    result = translate_into(capsys, out_dir, tiny_model, inputs)
    assert result.status == 0, result.stderr
    assert (
        f"translate: warning: the translation cache {out_dir / '.cache.sqlite'} was damaged (file is not a database); "
        "moved it to .cache.sqlite.damaged and started a new one"
    ) in result.stderr.splitlines()
    assert (out_dir / ".cache.sqlite.damaged").read_bytes() == bytes(range(256)) * 20
    assert_complete(out_dir, "good", TEXT)
    again = translate_into(capsys, out_dir, tiny_model, inputs)
    assert again.status == 0 and "no model work" in again.stderr


def test_cache_that_is_a_folder(inputs: Path, tmp_path: Path, tiny_model: Path, capsys) -> None:
    folder = tmp_path / "cache-folder"
    folder.mkdir()
    result = translate_into(capsys, tmp_path / "out", tiny_model, inputs, extra=("--cache", folder))
    assert result.status == 2
    assert result.error_lines == [
        f"translate: error: --cache {folder}: is a folder; pass a file path such as {folder / 'cache.sqlite'}, or "
        "--no-cache"
    ]
    assert_untouched(tmp_path / "out")


def test_cache_in_a_read_only_place(inputs: Path, tmp_path: Path, tiny_model: Path, capsys, monkeypatch) -> None:
    # Tests run as root in CI, where chmod cannot take write permission away: SQLite says it instead.
    def read_only(*args, **kwargs):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(cache.sqlite3, "connect", read_only)
    result = translate_into(capsys, tmp_path / "out", tiny_model, inputs)
    assert result.status == 2
    assert result.error_lines == [
        f"translate: error: cannot use the translation cache {tmp_path / 'out' / '.cache.sqlite'} "
        "(attempt to write a readonly database); make it writable, pass --cache FILE elsewhere, or --no-cache"
    ]
    assert_untouched(tmp_path / "out")


class _FullDisk:
    """A SQLite connection whose writes fail as on a full disk; reads pass through."""

    def __init__(self, connection: sqlite3.Connection):
        self._connection = connection

    def __getattr__(self, name):
        return getattr(self._connection, name)

    def __enter__(self):
        return self._connection.__enter__()

    def __exit__(self, *exc):
        return self._connection.__exit__(*exc)

    def executemany(self, *args):
        raise sqlite3.OperationalError("database or disk is full")


def test_disk_full_in_the_cache(inputs: Path, tmp_path: Path, tiny_model: Path, capsys, monkeypatch) -> None:
    real_open = cache._open
    monkeypatch.setattr(cache, "_open", lambda path: _FullDisk(real_open(path)))
    out_dir = tmp_path / "out"
    result = translate_into(capsys, out_dir, tiny_model, inputs)
    assert result.status == 3
    assert result.error_lines == [
        f"translate: error: cannot write the translation cache {out_dir / '.cache.sqlite'} (database or disk is full); "
        "free space (or pass --no-cache) and run the same command again: finished batches are kept"
    ]
    assert_untouched(out_dir)
    assert not (out_dir / "manifest.json").exists()


def test_disk_full_on_the_lock_file(inputs: Path, tmp_path: Path, tiny_model: Path, capsys, monkeypatch) -> None:
    class FullFile:
        def __init__(self, path, mode):
            self._handle = open(path, mode)

        def __getattr__(self, name):
            return getattr(self._handle, name)

        def fileno(self):
            return self._handle.fileno()

        def write(self, text):
            raise OSError(28, "No space left on device")

    monkeypatch.setattr(run_lock, "open", FullFile, raising=False)
    out_dir = tmp_path / "out"
    result = translate_into(capsys, out_dir, tiny_model, inputs)
    assert result.status == 2
    assert result.error_lines == [
        f"translate: error: cannot write the lock file {out_dir / '.lock'} (No space left on device); free space or "
        "choose another -o"
    ]
    assert_untouched(out_dir)


def test_disk_full_on_the_manifest(inputs: Path, tmp_path: Path, tiny_model: Path, capsys, monkeypatch) -> None:
    fill_disk_when(monkeypatch, lambda file, text: file.path.name == "manifest.json")
    out_dir = tmp_path / "out"
    result = translate_into(capsys, out_dir, tiny_model, inputs)
    assert result.status == 3
    assert result.error_lines == [
        f"translate: error: cannot write {out_dir / 'manifest.json'} (No space left on device); "
        "free space and run the same command again (translations come from the cache)"
    ]
    assert not (out_dir / "manifest.json").exists()
    assert not list(out_dir.glob(".*.tmp"))
    assert_files_parse(out_dir)  # what was written is complete


def test_disk_full_on_the_corpus_files(inputs: Path, tmp_path: Path, tiny_model: Path, capsys, monkeypatch) -> None:
    fill_disk_when(monkeypatch, lambda file, text: file.path.name == "corpus.tmx" and "<tu>" in text)  # appending
    out_dir = tmp_path / "out"
    result = translate_into(capsys, out_dir, tiny_model, inputs)
    assert result.status == 1
    assert result.error_lines == [
        f"translate: error: cannot write corpus files to {out_dir} (No space left on device); free space or "
        "choose another -o"
    ]
    assert not list(out_dir.glob("corpus.*")) and not list(out_dir.glob(".*.tmp"))
    assert_complete(out_dir, "good", TEXT)  # the documents' own files are all there
    assert [document["name"] for document in manifest(out_dir)["documents"]] == ["good", "other"]
    assert [failure["name"] for failure in manifest(out_dir)["failed"]] == ["corpus"]


@pytest.mark.parametrize("name", ["manifest.json", ".lock", "corpus.fr"])
def test_folder_where_a_run_file_goes(name: str, inputs: Path, tmp_path: Path, tiny_model: Path, capsys) -> None:
    out_dir = tmp_path / "out"
    (out_dir / name).mkdir(parents=True)
    result = translate_into(capsys, out_dir, tiny_model, inputs)
    assert result.status == 2
    assert result.error_lines == [
        f"translate: error: {out_dir / name} is a folder, where this run writes a file; remove it or choose another -o"
    ]
    assert_untouched(out_dir)


def test_folder_where_a_document_file_goes_fails_that_document_only(
    inputs: Path, tmp_path: Path, tiny_model: Path, capsys
) -> None:
    out_dir = tmp_path / "out"
    (out_dir / "good.jsonl").mkdir(parents=True)
    result = translate_into(capsys, out_dir, tiny_model, inputs)
    assert result.status == 1
    assert result.error_lines == [
        f"translate: error: {inputs / 'good.txt'}: cannot write output to {out_dir} "
        f"(a folder has that name: {out_dir / 'good.jsonl'}); free space or choose another -o"
    ]
    assert sorted(p.name for p in out_dir.iterdir() if p.name.startswith(("good", ".good"))) == ["good.jsonl"]
    assert_complete(out_dir, "other", OTHER)
    assert lines(out_dir / "corpus.fr") == lines(out_dir / "other.fr")
    assert [failure["name"] for failure in manifest(out_dir)["failed"]] == ["good"]


def test_temp_files_of_a_killed_run_are_removed(inputs: Path, tmp_path: Path, tiny_model: Path, capsys) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    debris = [out_dir / ".good.fr.a1b2c3d4.tmp", out_dir / ".manifest.json.zz_9yx8w.tmp"]
    for path in debris:
        path.write_text("half a file")
    mine = out_dir / ".notes.tmp"  # not of our shape: never touched
    mine.write_text("the user's own")
    result = translate_into(capsys, out_dir, tiny_model, inputs)
    assert result.status == 0
    assert (
        f"translate: warning: removed 2 temporary file(s) that an interrupted run left in {out_dir}"
        in result.stderr.splitlines()
    )
    assert not any(path.exists() for path in debris) and mine.exists()


def test_rerun_with_fewer_formats_removes_what_it_no_longer_writes(
    inputs: Path, tmp_path: Path, tiny_model: Path, capsys
) -> None:
    out_dir = tmp_path / "out"
    assert translate_into(capsys, out_dir, tiny_model, inputs).status == 0
    (inputs / "good.txt").write_text("Le texte a changé depuis.", encoding="utf-8")
    result = translate_into(capsys, out_dir, tiny_model, inputs / "good.txt", extra=("--formats", "tsv"))
    assert result.status == 0, result.stderr
    assert sorted(p.name for p in out_dir.glob("good.*")) == ["good.fr-en.tsv", "good.paragraphs.fr-en.tsv"]
    assert not list(out_dir.glob("corpus.*"))
    assert not (out_dir / "review" / "good.html").exists() and not (out_dir / "review" / "index.html").exists()
    assert (
        "translate: warning: removed 9 file(s) of an earlier run that this run no longer writes (good.fr, good.en, "
        "good.jsonl ...)" in result.stderr.splitlines()
    )
    # other.txt was not part of this run: its files stay, flagged, and stay flagged on the next run.
    stale = ["other.paragraphs.fr-en.tsv", "other.fr-en.tsv", "other.fr", "other.en", "other.jsonl", "other.tmx"]
    stale.append("review/other.html")
    assert manifest(out_dir)["stale_outputs"] == stale
    assert all((out_dir / name).exists() for name in stale)
    assert (
        "translate: warning: 7 file(s) of earlier runs were not refreshed by this run (other.paragraphs.fr-en.tsv, "
        "other.fr-en.tsv, other.fr ...); listed as stale_outputs in manifest.json" in result.stderr.splitlines()
    )
    assert translate_into(capsys, out_dir, tiny_model, inputs / "good.txt", extra=("--formats", "tsv")).status == 0
    assert manifest(out_dir)["stale_outputs"] == stale
    assert manifest(out_dir)["documents"][0]["outputs"] == ["good.paragraphs.fr-en.tsv", "good.fr-en.tsv"]


def test_a_manifest_never_makes_a_run_delete_elsewhere(inputs: Path, tmp_path: Path, tiny_model: Path, capsys) -> None:
    out_dir = tmp_path / "out"
    assert translate_into(capsys, out_dir, tiny_model, inputs).status == 0
    victim = tmp_path / "precious.txt"
    victim.write_text("keep me")
    text = (out_dir / "manifest.json").read_text(encoding="utf-8")
    (out_dir / "manifest.json").write_text(
        text.replace('"corpus.tmx"', '"corpus.tmx", "../precious.txt", ".cache.sqlite"'), encoding="utf-8"
    )
    assert translate_into(capsys, out_dir, tiny_model, inputs, extra=("--formats", "tsv")).status == 0
    assert victim.exists() and (out_dir / ".cache.sqlite").exists()


def test_threads_beyond_the_cores_are_capped(inputs: Path, tmp_path: Path, tiny_model: Path, capsys) -> None:
    out_dir = tmp_path / "out"
    result = translate_into(capsys, out_dir, tiny_model, inputs, extra=("--threads", "10000"))
    cores = available_cores()
    assert result.status == 0
    assert (
        f"translate: warning: --threads 10000 is more than the {cores} CPU core(s) available; using {cores}"
        in result.stderr.splitlines()
    )
    assert manifest(out_dir)["settings"]["threads"] == cores


def test_damaged_ctranslate2_conversion_is_rebuilt(
    inputs: Path, tmp_path: Path, tiny_model: Path, capsys, monkeypatch
) -> None:
    conversions = tmp_path / "ct2"
    monkeypatch.setenv("TRANSLATE_CT2_CACHE", str(conversions))
    args = ("--backend", "ctranslate2")
    assert translate_into(capsys, tmp_path / "out1", tiny_model, inputs, extra=args).status == 0
    (model_bin,) = conversions.glob("*/model.bin")
    model_bin.write_bytes(model_bin.read_bytes()[:1000])
    result = translate_into(capsys, tmp_path / "out2", tiny_model, inputs, extra=args)
    assert result.status == 0, result.stderr
    assert any(
        line.startswith(f"translate: warning: the CTranslate2 conversion {model_bin.parent} cannot be loaded (")
        and line.endswith("; converting the model again")
        for line in result.stderr.splitlines()
    ), result.stderr
    assert manifest(tmp_path / "out2")["model"]["backend"] == "ctranslate2"
    assert model_bin.stat().st_size > 1000
    assert (tmp_path / "out1" / "good.en").read_text() == (tmp_path / "out2" / "good.en").read_text()


def test_a_bug_is_one_line_with_its_own_status(
    inputs: Path, tmp_path: Path, tiny_model: Path, capsys, monkeypatch
) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("something unforeseen\nsecond line")

    monkeypatch.delenv("TRANSLATE_DEBUG", raising=False)
    monkeypatch.setattr("translate.cli.translate_documents", broken)
    result = translate_into(capsys, tmp_path / "out", tiny_model, inputs)
    assert result.status == 70
    assert result.error_lines == [
        "translate: error: internal error (RuntimeError: something unforeseen); this is a bug, please report it "
        "with the command line (TRANSLATE_DEBUG=1 shows the traceback)"
    ]
    assert "Traceback" not in result.stderr
