"""The whole ``translate`` command at the defaults people run, against CTranslate2 called directly.

What a user waits for is the command, not the decoder: process start, model load, tokenizing,
decoding at beam 4, sentence splitting, alignment (the embedding model included) and writing
every file. So each system here is its own process, timed from start to exit, with its peak RSS:

- ``translate`` with its defaults (beam 4, ``--compute-type auto``: int8 on this CPU, 8 inputs
  per batch), and with ``--compute-type float32`` (16 per batch), ``--no-cache`` so that every
  round does the work;
- CTranslate2 called directly in its best arrangement at the same type: the converted model,
  two one-thread workers (``inter_threads=2``), length-sorted batches of the same size submitted
  asynchronously, each decoding up to the bound ``translate`` gives its longest input
  (``ceil(1.5 n) + 10``), with the malloc settings ``translate`` uses
  (``translate/backends/allocator.py``): the same decoding work, with nothing else. It is timed twice: its
  decoding alone (inputs tokenized before the clock starts), and as the whole script a user would
  write, a process from start to exit (import ctranslate2 and sentencepiece, load the model,
  tokenize, decode, detokenize) -- the like-for-like figure for ``translate``, which is a process;
- transformers ``generate`` one paragraph at a time (the naive loop), on the small job only;
- ``translate`` as it was before int8 and balanced batches (``--baseline``, default commit
  ``BASELINE``: float32 by default, batches cut by the token budget alone), its tree taken from
  git into the work folder: what a user who upgrades gains at the defaults.

It also times the alignment of one paragraph on its own, for the random model's English (one
unpunctuated run of about 2,200 characters per paragraph, since it never ends a sentence) and for
FLORES's human English of the same documents: the cost of the alignment that ``translate`` does
after decoding, with the English a real model gives.

The model is opus-mt-fr-en's shape with random weights and ``</s>`` suppressed
(``throughput.build_model``), so every output runs to its bound in every system: the work is the
same everywhere, and heavier than a real translation (1.5x the input instead of about 1.1x). The
paragraphs are FLORES-200 devtest French cut into pieces of exactly ``TOKENS`` model tokens, 16
per document: with inputs of unequal length and outputs that never end, ``translate`` would
decode each shorter input twice (under its batch's bound, then under its own, which a real
translation that ends never needs), and the comparison would be about that, not about speed.
The CTranslate2 conversion is made once before timing (a user pays it once per model).

Run (after ``pip install -e .``; the 256-paragraph job takes about half an hour on 2 cores):
    python benchmarks/defaults.py [--paragraphs 16 256] [--rounds 1] [--baseline REV|none] [--work DIR]
        [--write docs/speed.md]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# The harness's modules (numpy, the aligner, sacrebleu ...) are imported in main(), not here: this
# script is also the direct CTranslate2 worker, whose time as a process must be a bare script's.

PER_DOCUMENT = 16
TOKENS = 110  # per input, end-of-sentence included: devtest holds about 30,000 tokens, 270 such pieces
SYSTEMS = {
    "translate": "translate, defaults (int8)",
    "translate-float32": "translate --compute-type float32",
    "ct2-int8": "CTranslate2 direct, int8",
    "ct2-float32": "CTranslate2 direct, float32",
    "naive": "transformers, one paragraph at a time",
    "baseline": "translate at {baseline}, its defaults (float32)",
}
# The last commit before int8 became the default and batches were balanced across the workers.
BASELINE = "69bd9e9"
REPO = Path(__file__).resolve().parents[1]
TRANSLATE = [sys.executable, "-m", "translate"]  # the installed command, run by this Python
NAIVE_LIMIT = 16  # the naive loop runs on small jobs only: it would take hours on the large one


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--paragraphs", type=int, nargs="+", default=[16, 256], help="job sizes (default 16 256)")
    options.add_argument("--rounds", type=int, default=1, help="timed rounds per system (median kept)")
    options.add_argument("--work", type=Path, help="keep the model and its conversions here")
    options.add_argument("--write", type=Path, metavar="PAGE", help="also write the table into this Markdown page")
    options.add_argument(
        "--baseline", default=BASELINE, metavar="REV", help=f"earlier translate to compare (default {BASELINE}; none)"
    )
    options.add_argument("--direct", help=argparse.SUPPRESS)  # worker: "TYPE:BATCH SIZE:FOLDER:MODEL"
    options.add_argument("--align", type=Path, help=argparse.SUPPRESS)  # worker: a folder of paragraph files
    args = options.parse_args()
    if args.direct:
        return _direct(*args.direct.split(":", 3))
    if args.align:
        return print(json.dumps(_alignment_figures(_outputs(args.align))))
    from docs_table import tables_into  # beside this script (pysbd installs a package named "benchmarks")
    from harness import shaped_model

    with tempfile.TemporaryDirectory() as scratch:
        work = args.work or Path(scratch)
        model = shaped_model(work).directory
        env = {**os.environ, "TRANSLATE_CT2_CACHE": str(work / "ct2")}
        pieces = _equal_pieces(model, max(args.paragraphs))
        systems = [system for system in SYSTEMS if system != "baseline" or args.baseline != "none"]
        baseline = _baseline_tree(args.baseline, work) if "baseline" in systems else None
        rows, aligning = [], []
        for size in args.paragraphs:
            inputs = _documents(work / f"in-{size}", pieces[:size])
            _warm(inputs, model, work, env, baseline)
            for system in systems:
                if system == "naive" and size > NAIVE_LIMIT:
                    continue
                runs = [_run(system, inputs, model, work, env, baseline) for _ in range(args.rounds)]
                seconds, process = (sorted(run[k] for run in runs)[len(runs) // 2] for k in (0, 1))
                rows.append((size, system, seconds, process, max(run[2] for run in runs)))
                print(f"{size} {system}: {seconds:.1f} s ({process:.1f} s as a process)", file=sys.stderr, flush=True)
            aligning.append((f"the random model's, {size} paragraphs", _aligning(work / "out-translate")))
        references = _human_translations(work / "flores", max(args.paragraphs))
        aligning.append((f"FLORES's human translation, {max(args.paragraphs)} documents", _aligning(references)))
    note = (
        f"Paragraphs of {TOKENS} tokens of FLORES French, {PER_DOCUMENT} per document, beam 4, outputs to the "
        "length bound, "
        f"{args.rounds} round(s) per system (median), each system a fresh process timed start to exit; "
        "alignment: each paragraph split and aligned on its own, encoder loaded."
    )
    with tables_into(args.write, "defaults.py", note):
        print(
            "| paragraphs | system | seconds | as a process | peak RSS GB "
            "| speed vs CTranslate2 direct: decoding alone | as a process | vs naive | vs the baseline |"
        )
        print("|--:|---|--:|--:|--:|--:|--:|--:|--:|")
        times = {(size, system): (seconds, process) for size, system, seconds, process, _ in rows}
        for size, system, seconds, process, rss in rows:
            direct = times.get((size, "ct2-float32" if "float32" in system else "ct2-int8"))
            naive, before = times.get((size, "naive")), times.get((size, "baseline"))
            ours = system.startswith("translate")
            versus = [f"{direct[k] / seconds:.2f}x" if direct and ours else "" for k in (0, 1)]
            versus_naive = f"{naive[0] / seconds:.2f}x" if naive else ""
            versus_baseline = f"{before[0] / seconds:.2f}x" if before and ours else ""
            shown_process = "" if ours or system == "baseline" else f"{process:.1f}"
            figures = (
                f"{seconds:.1f} | {shown_process} | {rss / 2**30:.2f} | {' | '.join(versus)} | {versus_naive} "
                f"| {versus_baseline}"
            )
            print(f"| {size} | {SYSTEMS[system].format(baseline=args.baseline)} | {figures} |")
        print()
        print("| English aligned | characters per paragraph | ms per paragraph |")
        print("|---|--:|--:|")
        for label, (characters, milliseconds) in aligning:
            print(f"| {label} | {characters:,.0f} | {milliseconds:.1f} |")


def _equal_pieces(model: Path, count: int) -> list[str]:
    """``count`` paragraphs of FLORES French that each tokenize to exactly ``TOKENS`` tokens."""
    from throughput import flores_paragraphs
    from transformers import MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(model)
    ids = [token for paragraph in flores_paragraphs() for token in tokenizer(paragraph)["input_ids"][:-1]]
    pieces = []
    for start in range(0, len(ids) - TOKENS, TOKENS - 1):
        text = tokenizer.decode(ids[start : start + TOKENS - 1], skip_special_tokens=True).strip()
        if len(tokenizer(text)["input_ids"]) == TOKENS:  # a piece must tokenize back to its length
            pieces.append(text)
        if len(pieces) == count:
            return pieces
    raise SystemExit(f"FLORES devtest gives only {len(pieces)} pieces of {TOKENS} tokens; ask for fewer")


def _documents(folder: Path, paragraphs: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, len(paragraphs), PER_DOCUMENT):
        text = "\n\n".join(paragraphs[start : start + PER_DOCUMENT]) + "\n"
        (folder / f"doc{start // PER_DOCUMENT:03d}.txt").write_text(text, encoding="utf-8")
    return folder


def _warm(inputs: Path, model: Path, work: Path, env: dict, baseline: Path | None) -> None:
    """Convert the model for both types (and for the baseline) before timing (once per model in a
    user's life)."""
    first = sorted(inputs.iterdir())[0]
    command = [*TRANSLATE, str(first), "-o", str(work / "warm"), "--model", str(model), "--quiet", "--no-cache"]
    for kind in ("auto", "float32"):
        subprocess.run([*command, "--compute-type", kind], env=env, check=True, capture_output=True)
    if baseline:
        subprocess.run(command, env=_baseline_env(env, work), cwd=baseline, check=True, capture_output=True)


def _baseline_tree(revision: str, work: Path) -> Path:
    """The baseline's source tree, from git, in the work folder: ``python -m translate`` run there
    imports that tree's packages (the current directory comes first on the path)."""
    tree = work / f"baseline-{revision}"
    if not (tree / "translate").is_dir():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", revision], check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    return tree


def _baseline_env(env: dict, work: Path) -> dict:
    """The baseline keeps its conversions apart (its cache folders may be named otherwise)."""
    return {**env, "TRANSLATE_CT2_CACHE": str(work / "ct2-baseline")}


def _run(
    system: str, inputs: Path, model: Path, work: Path, env: dict, baseline: Path | None
) -> tuple[float, float, int]:
    """(seconds, seconds from start to exit, peak RSS in bytes) of one system's process; the first
    figure is the decoding alone for the direct systems, the whole process for ``translate``."""
    from timed_process import run_measured

    from translate.run import default_batch_size

    out = ["-o", str(work / f"out-{system}"), "--model", str(model), "--quiet", "--no-cache"]
    if system == "baseline":
        run = run_measured([*TRANSLATE, str(inputs), *out], _baseline_env(env, work), cwd=baseline)
        return run.seconds, run.seconds, run.peak_rss
    if system.startswith("translate"):
        command = [*TRANSLATE, str(inputs), *out]
        command += ["--compute-type", "float32"] if system.endswith("float32") else []
    else:
        kind = {"ct2-int8": "int8", "ct2-float32": "float32", "naive": "naive"}[system]
        size = default_batch_size(kind, "cpu")  # translate's batch size at that type
        command = [sys.executable, __file__, "--direct", f"{kind}:{size}:{inputs}:{model}"]
    run = run_measured(command, env)
    reported = run.stdout.strip()
    # The direct systems also time their decoding alone, without their imports and load.
    seconds = json.loads(reported)["seconds"] if reported else run.seconds
    return seconds, run.seconds, run.peak_rss


def _outputs(folder: Path) -> list[tuple[str, str]]:
    """The (French, English) paragraphs of a translate run, from its paragraph files (paragraph,
    fr, en: one line each, tab-separated, after a header)."""
    files = sorted(folder.glob("*.paragraphs.fr-en.tsv"))
    rows = [line.split("\t") for path in files for line in path.read_text("utf-8").split("\n")[1:] if line]
    return [(french, english) for _, french, english in rows]


def _human_translations(folder: Path, count: int) -> Path:
    """A paragraph file of ``count`` FLORES documents, French and their human English, one
    paragraph per document, as a translate run writes its own."""
    from eval.datasets import flores_documents

    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"{i}\t{' '.join(d.fra)}\t{' '.join(d.eng)}\n" for i, d in enumerate(flores_documents()[:count])]
    (folder / "flores.paragraphs.fr-en.tsv").write_text("paragraph\tfr\ten\n" + "".join(lines), "utf-8")
    return folder


def _aligning(folder: Path) -> tuple[float, float]:
    """``_alignment_figures`` of a folder's paragraphs, in a fresh process: as in ``translate``,
    nothing else is loaded (this harness's torch made the encoder's numpy several times slower)."""
    worker = subprocess.run(
        [sys.executable, __file__, "--align", str(folder)], check=True, capture_output=True, text=True
    )
    return tuple(json.loads(worker.stdout))


def _alignment_figures(pairs: list[tuple[str, str]]) -> tuple[float, float]:
    """(English characters per paragraph, milliseconds to split and align one paragraph), the
    encoder loaded beforehand, as ``translate`` aligns each paragraph after decoding."""
    from translate.pipeline import align_pair

    align_pair(*pairs[0], None)
    started = time.perf_counter()
    for french, english in pairs:
        align_pair(french, english, None)
    seconds = time.perf_counter() - started
    return sum(len(english) for _, english in pairs) / len(pairs), seconds / len(pairs) * 1000


def _bound(tokens: int) -> int:
    """translate's output bound for an input of ``tokens`` tokens (translate/length_policy.py)."""
    return math.ceil(1.5 * tokens) + 10


def _direct(kind: str, size: str, inputs: str, model: str) -> None:
    """Worker: decode every paragraph of ``inputs`` directly, print {"seconds": decoding time}.

    The CTranslate2 systems read the tokenizer with sentencepiece alone, as a script without
    transformers would (``marian_tokenizer`` gives MarianTokenizer's ids, tested), so that their
    time as a process is not inflated by importing transformers.
    """
    from translate.model_files import resolve_model
    from translate.paragraphs import split_paragraphs

    paragraphs = [p for path in sorted(Path(inputs).iterdir()) for p in split_paragraphs(path.read_text("utf-8"))]
    if kind == "naive":
        from transformers import MarianTokenizer

        tokenizer = MarianTokenizer.from_pretrained(model)
        ids = tokenizer(paragraphs)["input_ids"]
        import torch
        from transformers import MarianMTModel

        marian = MarianMTModel.from_pretrained(model).eval()
        started = time.perf_counter()
        with torch.inference_mode():
            for paragraph, tokens in zip(paragraphs, ids):
                batch = tokenizer([paragraph], return_tensors="pt")
                output = marian.generate(**batch, num_beams=4, max_new_tokens=_bound(len(tokens)), max_length=None)
                tokenizer.batch_decode(output, skip_special_tokens=True)
        print(json.dumps({"seconds": time.perf_counter() - started}))
        return
    import ctranslate2

    from translate.backends.allocator import keep_freed_memory
    from translate.backends.ctranslate2_backend import converted_model
    from translate.backends.marian_tokenizer import MarianSentencePiece

    keep_freed_memory()  # the malloc settings translate runs with: decoding 1.2x faster here (allocator.py)
    files = resolve_model(model)
    translator = ctranslate2.Translator(
        str(converted_model(files, kind)), compute_type=kind, inter_threads=2, intra_threads=1
    )
    tokenizer = MarianSentencePiece(files.directory)
    ids = tokenizer(paragraphs)["input_ids"]
    sources = [tokenizer.convert_ids_to_tokens(tokens) for tokens in ids]
    order = sorted(range(len(sources)), key=lambda index: -len(sources[index]))
    batches = [order[start : start + int(size)] for start in range(0, len(order), int(size))]
    started = time.perf_counter()
    futures = [
        translator.translate_batch(
            [sources[index] for index in batch],
            beam_size=4,
            # translate's backend leaves transformers' forced final </s> out of the decoding: one step less.
            max_decoding_length=_bound(len(sources[batch[0]])) - 1,
            max_input_length=0,
            asynchronous=True,
        )
        for batch in batches
    ]
    results = [future.result() for batch in futures for future in batch]
    seconds = time.perf_counter() - started
    vocab = tokenizer.get_vocab()
    tokenizer.batch_decode([[vocab[token] for token in result.hypotheses[0]] for result in results])
    print(json.dumps({"seconds": seconds}))


if __name__ == "__main__":
    main()
