"""``translate --engine ray`` against ``--engine local`` on one machine: what Ray adds, and the
driver's memory as the number of documents grows.

Each system is the whole command in its own process, timed from start to exit, with the peak RSS
of that process (the driver: reading, cache, batch plan, writing). The Ray systems join a local
Ray of every core that this script starts once (so a run's figure is the driver's alone; the
actors' memory is theirs); "ray, own cluster" starts a local Ray itself, as a user's first
``--engine ray`` does, so its time includes Ray's start and stop (timed on the smallest job
only: that cost does not grow with the job).

Documents are FLORES-200 devtest documents, one paragraph each, and distinct (document i is
devtest document i mod 281 with devtest line 7i mod 1012 after it), so every paragraph is model
work: nothing is deduplicated, ``--no-cache``. The model is the tiny random Marian model the
tests use (its English is noise, and its outputs run to the length bound: heavier decoding than
a real model's), fast enough for 10,000 documents, or with ``--model shaped`` opus-mt-fr-en's
shape with random weights (the real model's cost per token); CTranslate2 (int8), beam 4.

Run (after ``pip install -e '.[ray]'``; about 7 minutes on 2 cores with the defaults):
    python benchmarks/ray_engine.py [--documents 281 1000] [--systems local ray-1 ray-2 ray-own]
                                    [--model tiny|shaped] [--work DIR] [--write docs/ray.md]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from docs_table import tables_into  # noqa: E402  (beside this script)
from throughput import build_model  # noqa: E402
from timed_process import run_measured  # noqa: E402

from eval.datasets import flores_documents  # noqa: E402
from translate.model_factory import build_marian_model  # noqa: E402

TRANSLATE = [sys.executable, "-m", "translate"]
MODELS = {
    "tiny": "tiny random model",
    "shaped": "opus-mt-fr-en's shape with random weights and </s> suppressed (outputs to the length bound)",
}
SYSTEMS = {
    "local": ("--engine local", []),
    "ray-1": ("--engine ray, 1 actor of 2 CPUs", ["--engine", "ray", "--actors", "1", "--actor-cpus", "2"]),
    "ray-2": ("--engine ray, 2 actors of 1 CPU", ["--engine", "ray", "--actors", "2", "--actor-cpus", "1"]),
    "ray-own": ("--engine ray, 2 actors, Ray started by the run", ["--engine", "ray"]),
}


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--documents", type=int, nargs="+", default=[281, 1000], help="job sizes (default 281 1000)")
    options.add_argument("--systems", nargs="+", choices=SYSTEMS, default=list(SYSTEMS), help="systems to time")
    options.add_argument(
        "--model",
        choices=MODELS,
        default="tiny",
        help="tiny: the tests' random model (fast enough for 10,000 documents); shaped: opus-mt-fr-en's shape with "
        "random weights and </s> suppressed, the real model's cost per token (default: tiny)",
    )
    options.add_argument("--work", type=Path, help="keep the model and inputs here (default: a temporary folder)")
    options.add_argument("--write", type=Path, metavar="PAGE", help="also write the table into this Markdown page")
    args = options.parse_args()
    import ray

    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        model = _model(args.model, work)
        os.environ["TRANSLATE_CT2_CACHE"] = str(work / "ct2")  # the actors' too: they inherit the cluster's
        os.environ.pop("RAY_ADDRESS", None)
        ray.init(include_dashboard=False, log_to_driver=False, logging_level=logging.ERROR)
        env = dict(os.environ)  # after ray.init, which turns on token authentication (RAY_AUTH_MODE)
        address = ray.get_runtime_context().gcs_address
        _run([*TRANSLATE, str(_documents(work / "in-1", 1)), "-o", str(work / "warm"), "--model", str(model)], env)
        rows = []
        for size in args.documents:
            inputs = _documents(work / f"in-{size}", size)
            for system in args.systems:
                if system == "ray-own" and size != min(args.documents):
                    continue  # what it adds, Ray's start and stop, is the same at any size
                command = [*TRANSLATE, str(inputs), "-o", str(work / "out"), "--model", str(model), "--no-cache"]
                command += ["--quiet", *SYSTEMS[system][1]]
                if system in ("ray-1", "ray-2"):
                    command += ["--ray-address", address]
                seconds, rss = _run(command, env)
                rows.append((size, system, seconds, rss))
                print(f"{size} {system}: {seconds:.1f} s, {rss / 2**20:.0f} MiB", file=sys.stderr, flush=True)
        ray.shutdown()
    note = (
        f"The whole command, start to exit, one round; {MODELS[args.model]}, CTranslate2 int8, beam 4, --no-cache; "
        "distinct one-paragraph FLORES documents. Peak RSS is the translate process's (the driver), not the actors'."
    )
    table = "ray_engine.py" if args.model == "tiny" else f"ray_engine.py --model {args.model}"
    with tables_into(args.write, table, note):
        print("| documents | system | seconds | vs local | driver peak RSS MiB |")
        print("|--:|---|--:|--:|--:|")
        local = {size: seconds for size, system, seconds, _ in rows if system == "local"}
        for size, system, seconds, rss in rows:
            versus = f"{seconds / local[size]:.2f}x" if size in local else ""
            print(f"| {size} | {SYSTEMS[system][0]} | {seconds:.1f} | {versus} | {rss / 2**20:.0f} |")


def _model(kind: str, work: Path) -> Path:
    """The model's folder in ``work``, built there the first time."""
    if kind == "shaped":
        return build_model(work / "opus-mt-shaped")
    model = work / "tiny-marian"
    if not (model / "config.json").is_file():
        build_marian_model(model)
    return model


def _documents(folder: Path, count: int) -> Path:
    """``count`` distinct one-paragraph documents of FLORES devtest French."""
    if folder.is_dir():
        return folder
    documents = flores_documents()
    lines = [line for document in documents for line in document.fra]
    folder.mkdir(parents=True)
    for index in range(count):
        paragraph = " ".join([*documents[index % len(documents)].fra, lines[7 * index % len(lines)]])
        (folder / f"doc{index:05d}.txt").write_text(paragraph + "\n", encoding="utf-8")
    return folder


def _run(command: list[str], env: dict) -> tuple[float, int]:
    """(seconds from start to exit, peak RSS in bytes) of one run of ``translate``."""
    run = run_measured(command, env)
    return run.seconds, run.peak_rss


if __name__ == "__main__":
    main()
