"""``translate --engine ray``: the same files as a local run, resume after a killed driver, a
cached rerun with no model work, an actor lost mid-batch, and one-line errors for no cluster and
no Ray.

All Ray runs share one local cluster of 2 CPUs started by this module (a run in this process uses
its connection; a run in a subprocess joins it with --ray-address), so no test starts another.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import ray

from eval.datasets import flores_documents
from tests.cli_helpers import cached_rows, manifest, run_translate, run_translate_process
from translate import inputs
from translate.cli import main
from translate.engines.ray_engine import CRASH_ONCE

DOCUMENTS = 12


@pytest.fixture(scope="module")
def cluster() -> str:
    """A local Ray of 2 CPUs for the whole module; its address, for runs in a subprocess."""
    previous = signal.getsignal(signal.SIGTERM)
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
    signal.signal(signal.SIGTERM, previous)
    yield ray.get_runtime_context().gcs_address
    ray.shutdown()


@pytest.fixture(scope="module")
def documents(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first FLORES-200 devtest documents as plain text, a paragraph per sentence, at most
    two (the tiny model's outputs run to the length bound: short inputs keep the tests fast)."""
    folder = tmp_path_factory.mktemp("ray-docs")
    for number, document in enumerate(flores_documents(shared_data / "flores200-devtest")[:DOCUMENTS]):
        (folder / f"doc{number:02}.txt").write_text("\n\n".join(document.fra[:2]) + "\n", encoding="utf-8")
    return folder


def options(model: Path, backend: str, *extra: str) -> list[str]:
    return ["--model", str(model), "--backend", backend, "--beam", "1", "--quiet", *extra]


def translate(documents: Path, out_dir: Path, *args: str) -> int:
    return main([str(documents), "-o", str(out_dir), *args])


def files(out_dir: Path) -> dict[str, bytes]:
    """Every file the run wrote, but the manifest (wall time, engine, cache use), the cache and
    the run lock (a process id)."""
    return {
        str(path.relative_to(out_dir)): path.read_bytes()
        for path in sorted(out_dir.rglob("*"))
        if path.is_file() and path.name != "manifest.json" and not path.name.startswith(".")
    }


@pytest.fixture(scope="module")
def local_runs(documents: Path, tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The local run's output folder, by backend."""
    runs = {}
    # 2 threads are 2 CTranslate2 workers, as 2 actors of 1 CPU are: the same batch plan. torch on
    # 1 thread, as in each actor: 2 threads on this busy 2-core machine ran up to 10 times slower.
    for backend, threads in (("ctranslate2", "2"), ("transformers", "1")):
        runs[backend] = tmp_path_factory.mktemp(f"local-{backend}")
        assert translate(documents, runs[backend], *options(tiny_model, backend, "--threads", threads)) == 0
    return runs


@pytest.mark.parametrize("backend", ["ctranslate2", "transformers"])
def test_ray_run_writes_the_local_runs_bytes(
    local_runs: dict[str, Path],
    cluster: str,
    documents: Path,
    tiny_model: Path,
    tmp_path: Path,
    backend: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(inputs, "GROUP_SEGMENTS", 8)  # 3 groups of 4 documents; the local runs had 1 group
    assert translate(documents, tmp_path, *options(tiny_model, backend, "--engine", "ray")) == 0
    written = files(tmp_path)
    assert len([name for name in written if name.endswith(".paragraphs.fr-en.tsv")]) == DOCUMENTS
    assert written == files(local_runs[backend])
    record = manifest(tmp_path)
    assert record["settings"]["engine"] == "ray" and record["model"]["backend"] == backend
    assert record["translation"]["translated_pieces"] == record["translation"]["unique_pieces"] > 0


def test_actor_lost_mid_batch_is_restarted_and_the_run_completes(
    cluster: str,
    documents: Path,
    tiny_model: Path,
    local_runs: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    marker = tmp_path / "crashed"
    monkeypatch.setenv(CRASH_ONCE, str(marker))
    out_dir = tmp_path / "out"
    assert translate(documents, out_dir, *options(tiny_model, "ctranslate2", "--engine", "ray")) == 0
    assert marker.exists(), "no actor was killed"
    assert files(out_dir) == files(local_runs["ctranslate2"])


def test_killed_driver_resumes_to_the_same_files_and_a_rerun_does_no_model_work(
    cluster: str, documents: Path, tiny_model: Path, tmp_path: Path
) -> None:
    # One piece per batch (transformers: slow enough to stop mid-way), so that a resumed run
    # translates each piece as an uninterrupted one.
    args = options(tiny_model, "transformers", "--batch-size", "1")
    clean = tmp_path / "clean"
    assert translate(documents, clean, *args, "--threads", "1") == 0
    out_dir = tmp_path / "out"
    command = [sys.executable, "-m", "translate", str(documents), "-o", str(out_dir), *args, "--engine", "ray"]
    process = subprocess.Popen([*command, "--ray-address", cluster], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while cached_rows(out_dir / ".cache.sqlite") < 3 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert process.poll() is None, "the run finished before it could be killed"
    process.kill()
    process.communicate(timeout=60)
    done_before = cached_rows(out_dir / ".cache.sqlite")
    total = manifest(clean)["translation"]["unique_pieces"]
    assert 3 <= done_before < total
    assert not (out_dir / "corpus.fr").exists()

    resumed = run_translate_process(*command[3:], "--ray-address", cluster, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    assert manifest(out_dir)["translation"]["cached_pieces"] == done_before
    assert files(out_dir) == files(clean)

    assert translate(documents, out_dir, *args, "--engine", "ray") == 0  # everything from the cache
    again = manifest(out_dir)["translation"]
    assert again["translated_pieces"] == again["batches"] == 0 and again["cached_pieces"] == total
    assert files(out_dir) == files(clean)


def test_ctrl_c_stops_the_work_with_the_cache_consistent(
    cluster: str, documents: Path, tiny_model: Path, tmp_path: Path
) -> None:
    args = options(tiny_model, "transformers", "--batch-size", "1", "--engine", "ray", "--ray-address", cluster)
    command = [sys.executable, "-m", "translate", str(documents), "-o", str(tmp_path), *args]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while cached_rows(tmp_path / ".cache.sqlite") < 3 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert process.poll() is None, "the run finished before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr.splitlines()[-1] == (
        "translate: error: interrupted; finished batches are kept in the cache, run the same command again to resume"
    )
    with sqlite3.connect(tmp_path / ".cache.sqlite") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert not (tmp_path / "corpus.fr").exists()


def test_unreachable_cluster_is_one_line_before_any_work(documents: Path, tiny_model: Path, tmp_path: Path) -> None:
    address = closed_address()
    result = run_translate_process(
        documents, "-o", tmp_path, "--model", tiny_model, "--engine", "ray", "--ray-address", address, "--quiet"
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"translate: error: cannot reach the Ray cluster at {address} (Connection refused); start it with "
        "'ray start --head' or check --ray-address"
    ]
    assert not (tmp_path / "corpus.fr").exists() and not (tmp_path / ".cache.sqlite").exists()


def closed_address() -> str:
    """An address where nothing listens: a port the system just gave out and took back."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{probe.getsockname()[1]}"


def test_missing_ray_is_one_line(
    documents: Path, tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    result = run_translate(capsys, documents, "-o", tmp_path, "--model", tiny_model, "--engine", "ray")
    assert result.status == 2
    assert result.stderr.splitlines() == [
        "translate: error: --engine ray needs Ray, which is not installed; pip install 'fr-en-translate[ray]'"
    ]
    assert not (tmp_path / "corpus.fr").exists()


def test_ray_options_need_the_ray_engine(documents: Path, tiny_model: Path, tmp_path: Path, capsys) -> None:
    result = run_translate(capsys, documents, "-o", tmp_path, "--model", tiny_model, "--actors", "2")
    assert result.status == 2
    assert result.error_lines == ["translate: error: --actors needs --engine ray"]


def test_refused_token_is_one_line(cluster: str, documents: Path, tiny_model: Path, tmp_path: Path) -> None:
    if os.environ.get("RAY_AUTH_MODE") != "token":
        pytest.skip("this Ray started its cluster without token authentication")
    without_token = {name: value for name, value in os.environ.items() if name != "RAY_AUTH_MODE"}
    command = [sys.executable, "-m", "translate", str(documents), "-o", str(tmp_path), "--model", str(tiny_model)]
    result = subprocess.run(
        [*command, "--engine", "ray", "--ray-address", cluster], env=without_token, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"translate: error: the Ray cluster at {cluster} refused this machine's authentication token; set "
        "RAY_AUTH_MODE=token and give it the cluster's token (its ~/.ray/auth_token, or RAY_AUTH_TOKEN)"
    ]
