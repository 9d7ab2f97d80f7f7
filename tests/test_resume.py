"""Interrupted runs resume from the translation cache and end with the same bytes as an
uninterrupted run; a second identical run does no model work; one run per output folder."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli_helpers import cached_rows, lines, run_translate, run_translate_process
from translate.outputs.corpus_files import DEFAULT_FORMATS, document_suffixes
from translate.run_lock import RunLock


@pytest.fixture(scope="module")
def documents(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two documents of FLORES devtest French, one paragraph per pair of lines."""
    folder = tmp_path_factory.mktemp("docs")
    french = lines(shared_data / "flores200-devtest" / "fra.devtest")[:28]
    paragraphs = [" ".join(french[i : i + 2]) for i in range(0, len(french), 2)]
    (folder / "a.txt").write_text("\n\n".join(paragraphs[:7]), encoding="utf-8")
    (folder / "b.txt").write_text("\n\n".join(paragraphs[7:]), encoding="utf-8")
    return folder


def corpus_bytes(out_dir: Path) -> dict[str, bytes]:
    """Every corpus file and review page (not the manifest, which records wall time and cache use)."""
    names = [f"{stem}{suffix}" for stem in ("a", "b") for suffix in document_suffixes(DEFAULT_FORMATS)] + [
        "corpus.fr",
        "corpus.en",
        "corpus.tmx",
        "review/a.html",
        "review/b.html",
        "review/index.html",
    ]
    return {name: (out_dir / name).read_bytes() for name in names}


def command(documents: Path, out_dir: Path, model: Path) -> list[str]:
    # One input per batch: a resumed run then translates each piece exactly as an uninterrupted one.
    return [
        sys.executable,
        "-m",
        "translate",
        str(documents),
        "-o",
        str(out_dir),
        "--model",
        str(model),
        "--beam",
        "1",
        "--batch-size",
        "1",
        "--backend",
        "transformers",
        "--quiet",
    ]


def start_and_stop_midway(documents: Path, out_dir: Path, model: Path, stop_signal: int) -> subprocess.CompletedProcess:
    """Start a run, wait until some batches are cached, then send ``stop_signal``."""
    process = subprocess.Popen(command(documents, out_dir, model), stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while cached_rows(out_dir / ".cache.sqlite") < 3 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, "the run finished before it could be interrupted"
    process.send_signal(stop_signal)
    _, stderr = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, "", stderr)


@pytest.fixture(scope="module")
def uninterrupted(documents: Path, tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out_dir = tmp_path_factory.mktemp("uninterrupted")
    subprocess.run(command(documents, out_dir, tiny_model), check=True, capture_output=True)
    return out_dir


def test_killed_run_resumes_to_identical_files(
    documents: Path, tiny_model: Path, uninterrupted: Path, tmp_path: Path
) -> None:
    killed = start_and_stop_midway(documents, tmp_path, tiny_model, signal.SIGKILL)
    assert killed.returncode == -signal.SIGKILL
    done_before = cached_rows(tmp_path / ".cache.sqlite")
    assert 3 <= done_before < 14
    assert not (tmp_path / "corpus.fr").exists() and not list(tmp_path.glob(".*.tmp"))
    resumed = subprocess.run(command(documents, tmp_path, tiny_model), capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{done_before} from cache" in resumed.stderr
    assert corpus_bytes(tmp_path) == corpus_bytes(uninterrupted)


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupt_ends_cleanly_with_one_line(
    documents: Path, tiny_model: Path, tmp_path: Path, stop_signal: int
) -> None:
    stopped = start_and_stop_midway(documents, tmp_path, tiny_model, stop_signal)
    assert stopped.returncode == 130
    assert stopped.stderr.splitlines() == [
        "translate: error: interrupted; finished batches are kept in the cache, run the same command again to resume"
    ]
    assert not list(tmp_path.glob(".*.tmp")) and not (tmp_path / "corpus.fr").exists()


def test_second_identical_run_does_no_model_work(
    documents: Path, tiny_model: Path, uninterrupted: Path, tmp_path: Path, capsys
) -> None:
    (tmp_path / ".cache.sqlite").write_bytes((uninterrupted / ".cache.sqlite").read_bytes())
    result = run_translate(
        capsys,
        documents,
        "-o",
        tmp_path,
        "--model",
        tiny_model,
        "--beam",
        "1",
        "--batch-size",
        "1",
        "--backend",
        "transformers",
    )
    assert result.status == 0
    assert "all translations came from the cache: no model work" in result.stderr
    assert corpus_bytes(tmp_path) == corpus_bytes(uninterrupted)


def test_no_cache_keeps_no_cache_and_custom_cache_path(
    documents: Path, tiny_model: Path, tmp_path: Path, capsys
) -> None:
    assert (
        run_translate(
            capsys, documents, "-o", tmp_path / "a", "--model", tiny_model, "--beam", "1", "--no-cache"
        ).status
        == 0
    )
    assert not (tmp_path / "a" / ".cache.sqlite").exists()
    assert (
        run_translate(
            capsys,
            documents,
            "-o",
            tmp_path / "b",
            "--model",
            tiny_model,
            "--beam",
            "1",
            "--cache",
            tmp_path / "shared.sqlite",
        ).status
        == 0
    )
    assert cached_rows(tmp_path / "shared.sqlite") >= 14 and not (tmp_path / "b" / ".cache.sqlite").exists()


def test_second_run_on_the_same_folder_refuses(documents: Path, tiny_model: Path, tmp_path: Path) -> None:
    with RunLock(tmp_path):
        process = run_translate_process(documents, "-o", tmp_path, "--model", tiny_model)
    assert process.returncode == 2
    assert process.stderr.strip().splitlines() == [
        f"translate: error: output folder {tmp_path} is in use by another translate run (pid "
        f"{__import__('os').getpid()}); wait for it to finish or pass another -o"
    ]
