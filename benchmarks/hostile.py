"""Memory and time of the whole ``translate`` CLI on hostile inputs, against a normal document.

Cases (each one ``translate`` process at its default settings, with the test suite's tiny
random Marian model, since the hub is not reachable here; peak RSS is that process's own):
  baseline      one FLORES-200 devtest document (its lines joined into one paragraph)
  word-200k     one 200,000-character word (no space, no punctuation)
  words-40k     40,000 words with no punctuation: one 240,000-character "sentence"
  distinct-300  300 distinct FLORES devtest lines, one paragraph each
  repeated-20mb the same 300 lines repeated to 20 MB (about 90,000 paragraphs)
Targets (issue "Lose nothing"): peak RSS under 1.5 GB for word-200k and words-40k; the 20 MB
input costs little more than its 300 distinct paragraphs, since translation and alignment are
done once per distinct paragraph (before: about 56 s per MB after translation).

Run (after `pip install -e .`; a few minutes on 2 cores):
    python benchmarks/hostile.py [--beam 4] [--write docs/robustness.md]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from docs_table import provenance, write_table  # noqa: E402  (beside this script; pysbd installs a package named "benchmarks")
from timed_process import run_measured  # noqa: E402

from eval.datasets import flores_documents  # noqa: E402
from translate.model_factory import build_marian_model  # noqa: E402

TARGET_RSS_GB = 1.5


def inputs() -> dict[str, str]:
    documents = flores_documents()
    lines = [line for document in documents for line in document.fra][:300]
    rng = random.Random(0)
    repeated, size = [], 0
    while size < 20_000_000:
        line = lines[rng.randrange(len(lines))]
        repeated.append(line)
        size += len(line.encode()) + 2
    return {
        "baseline": " ".join(documents[0].fra),
        "word-200k": "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(200_000)),
        "words-40k": " ".join(f"mot{i % 500}" for i in range(40_000)),
        "distinct-300": "\n\n".join(lines),
        "repeated-20mb": "\n\n".join(repeated),
    }


def run_case(name: str, text: str, model: Path, work: Path, beam: int) -> dict:
    source = work / f"{name}.txt"
    source.write_text(text, encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "translate",
        str(source),
        "-o",
        str(work / f"out-{name}"),
        "--model",
        str(model),
        "--beam",
        str(beam),
        "--quiet",
        "--no-cache",
    ]
    run = run_measured(command, cwd=REPO, check=False)
    manifest = json.loads((work / f"out-{name}" / "manifest.json").read_text(encoding="utf-8"))
    return {
        "case": name,
        "mb": len(text.encode()) / 1e6,
        "paragraphs": manifest["counts"]["paragraphs"],
        "seconds": run.seconds,
        "peak_gb": run.peak_rss / 1e9,
        "status": run.status,
    }


def table(rows: list[dict]) -> str:
    base = rows[0]
    distinct = next(row for row in rows if row["case"] == "distinct-300")
    lines = [
        "| case | input MB | paragraphs | seconds | time vs baseline | peak RSS GB | RSS vs baseline | exit |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['case']} | {row['mb']:.2f} | {row['paragraphs']} | {row['seconds']:.1f} | "
            f"{row['seconds'] / base['seconds']:.2f}x | {row['peak_gb']:.2f} | "
            f"{row['peak_gb'] / base['peak_gb']:.2f}x | {row['status']} |"
        )
    repeated = next(row for row in rows if row["case"] == "repeated-20mb")
    lines += [
        "",
        f"repeated-20mb against distinct-300 (same distinct text): {repeated['seconds'] / distinct['seconds']:.2f}x "
        "the time, "
        f"{(repeated['seconds'] - distinct['seconds']) / (repeated['mb'] - distinct['mb']):.2f} s per extra MB; "
        f"peak RSS target for word-200k and words-40k: under {TARGET_RSS_GB} GB",
    ]
    return "\n".join(lines)


def settings(beam: int) -> str:
    return f"`translate` defaults (backend auto, beam {beam}), tiny random model, --no-cache."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--beam", type=int, default=4, help="beam size (default 4, translate's default)")
    parser.add_argument("--write", type=Path, help="also write the table into this Markdown file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        model = build_marian_model(work / "tiny")
        rows = []
        for name, text in inputs().items():
            rows.append(run_case(name, text, model, work, args.beam))
            print(f"{name}: {rows[-1]}", file=sys.stderr)
    report = f"{table(rows)}\n\n{provenance()} {settings(args.beam)}\n"
    print(report)
    if args.write:
        write_table(args.write, "hostile.py", report)


if __name__ == "__main__":
    main()
