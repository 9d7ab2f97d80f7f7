"""Translation throughput on CPU: our pipeline on both backends against peers, in one run.

A model of opus-mt-fr-en's exact shape (6+6 layers, d_model 512, 8 heads, FFN 2048, shared
vocabulary of 59514) is built with seeded random weights (translate/model_factory.py; the hub is not
reachable here) and made like the published model where it matters for speed: ``<pad>`` may not
be generated (``bad_words_ids``, as opus-mt's generation config) and its embedding row is zero.
Random weights would end a translation at random, so ``</s>`` gets a -1e4 logit bias and every
system decodes exactly ``--new-tokens`` tokens per segment: the work is the same everywhere and
tokens/s compare. The inputs are FLORES-200 devtest paragraphs (the lines of one URL joined,
metadata_devtest.tsv; CC-BY-SA 4.0, Meta AI), 150 tokens long on average.

Systems (each in its own process, so peak memory is its own; rounds are interleaved, so load from
other processes on the machine falls on all of them alike; each figure is the median of the rounds):
  (a) naive: one paragraph at a time, tokenize + ``generate`` + decode (what transformers'
      ``pipeline("translation")`` did; transformers 5 removed that pipeline), on a subset
  (b) transformers ``generate`` on our token-budget batches (translate/batching.py)
  (c) our pipeline (``Translator``) on the transformers backend
  (d) our pipeline on the CTranslate2 backend (default compute type: the converted float32 weights)
  (e) CTranslate2 ``translate_batch`` called directly with its defaults (one call, all inputs,
      pre-tokenized, only the decoding length set), on the same converted model
Also (d1): (d) with one CTranslate2 worker using every thread (one batch at a time, as before
parallel workers); (d8): (d) with --compute-type int8 --batch-size 8.

Run (after `pip install -e .`; about 5 minutes on 2 idle cores):
    python benchmarks/throughput.py [--paragraphs 64] [--naive-paragraphs 4] [--new-tokens 64] [--rounds 3] [--beam 1]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from eval.datasets import flores_documents  # noqa: E402

SYSTEMS = {
    "a": "naive: one paragraph at a time (transformers)",
    "b": "transformers generate, our batches",
    "c": "our pipeline, transformers backend",
    "d": "our pipeline, CTranslate2 backend",
    "e": "CTranslate2 translate_batch, defaults",
    "d1": "our pipeline, CTranslate2, one worker with every thread",
    "d8": "our pipeline, CTranslate2, --compute-type int8 --batch-size 8",
}


def flores_paragraphs() -> list[str]:
    """FLORES devtest French lines joined into one paragraph per document (URL)."""
    return [" ".join(document.fra) for document in flores_documents()]


def build_model(directory: Path) -> Path:
    """The opus-mt-fr-en-shaped model with random weights; reused if ``directory`` has one."""
    if (directory / "config.json").is_file():
        return directory
    import torch
    from transformers import MarianMTModel

    from translate.model_factory import OPUS_MT_FR_EN, build_marian_model, training_lines

    build_marian_model(directory, OPUS_MT_FR_EN, lines=training_lines(limit=1012))
    model = MarianMTModel.from_pretrained(directory)
    pad, eos = model.config.pad_token_id, model.config.eos_token_id
    with torch.no_grad():
        model.model.shared.weight[pad].zero_()
        model.final_logits_bias[0, eos] = -1e4
    model.generation_config.bad_words_ids = [[pad]]
    model.save_pretrained(directory)
    return directory


# ---------------------------------------------------------------- worker side (one system)


def peak_rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def make_system(system: str, model_dir: Path, cache_dir: Path, new_tokens: int, beam: int, threads: int | None):
    """Load what ``system`` needs; return a function that translates a list of paragraphs and
    returns the number of tokens it decoded."""
    from translate.backends import DecodingSettings
    from translate.length_policy import LengthPolicy
    from translate.model_files import resolve_model

    model = resolve_model(str(model_dir))
    settings = DecodingSettings(beam=beam)

    @dataclass(frozen=True)
    class FixedOutput(LengthPolicy):
        """Every piece may (and, with </s> suppressed, will) use exactly ``steps`` tokens."""

        steps: int = new_tokens

        def max_new_tokens(self, input_tokens: int) -> int:
            return self.steps

    def pipeline_run(backend, steps: int, decoded_per_piece: int, batch_size: int = 16, max_batch_tokens: int = 4096):
        from translate.translation import Translator

        def run(paragraphs: list[str]) -> int:
            translator = Translator(
                backend, FixedOutput(steps=steps), batch_size, max_batch_tokens
            )  # CLI defaults: 16 / 4096
            translator.translate(paragraphs)
            stats = translator.stats
            assert stats.bounded_pieces == stats.translated_pieces, "a translation ended early"
            return stats.translated_pieces * decoded_per_piece

        return run

    if system in ("a", "b"):
        import torch
        from transformers import MarianMTModel, MarianTokenizer

        from translate.batching import plan_batches

        if threads:
            torch.set_num_threads(threads)
        tokenizer = MarianTokenizer.from_pretrained(model_dir)
        marian = MarianMTModel.from_pretrained(model_dir).eval()
        pad = marian.config.pad_token_id

        def generate(texts: list[str]) -> int:
            batch = tokenizer(texts, return_tensors="pt", padding=True)
            with torch.inference_mode():
                output = marian.generate(
                    **batch, num_beams=beam, do_sample=False, max_new_tokens=new_tokens, max_length=None
                )
            tokenizer.batch_decode(output, skip_special_tokens=True)
            return int((output[:, 1:] != pad).sum())

        if system == "a":
            return lambda paragraphs: sum(generate([paragraph]) for paragraph in paragraphs)

        def batched(paragraphs: list[str]) -> int:
            lengths = [len(ids) for ids in tokenizer(paragraphs)["input_ids"]]
            return sum(generate([paragraphs[index] for index in batch]) for batch in plan_batches(lengths, 16, 4096))

        return batched
    if system == "c":
        from translate.backends.transformers_backend import TransformersBackend

        # transformers forces </s> at the last step: `new_tokens` steps, the last one </s>.
        return pipeline_run(TransformersBackend(model, settings, threads=threads), new_tokens, new_tokens)
    if system in ("d", "d1", "d8"):
        from translate.backends import ctranslate2_backend

        if system == "d1":  # each system has its own process, so only (d1) gets one worker
            ctranslate2_backend.MAX_WORKERS = 1
        backend = ctranslate2_backend.CTranslate2Backend(
            model, settings, threads=threads, compute_type="int8" if system == "d8" else "default", cache_dir=cache_dir
        )
        # The backend leaves transformers' forced last </s> out of the decoding, so a bound of
        # new_tokens + 1 makes it decode exactly new_tokens steps, as the others do.
        return pipeline_run(backend, new_tokens + 1, new_tokens, *((8, 4096) if system == "d8" else ()))
    if system == "e":
        import ctranslate2
        from transformers import MarianTokenizer

        from translate.backends.ctranslate2_backend import converted_model

        tokenizer = MarianTokenizer.from_pretrained(model_dir)
        translator = ctranslate2.Translator(
            str(converted_model(model, "default", cache_dir)), **({"intra_threads": threads} if threads else {})
        )
        tokenized: dict[tuple[str, ...], list[list[str]]] = {}

        def run(paragraphs: list[str]) -> int:
            # Tokenized once, outside the timing: (e) is CTranslate2's decoding alone.
            if tuple(paragraphs) not in tokenized:
                tokenized[tuple(paragraphs)] = [
                    tokenizer.convert_ids_to_tokens(ids) for ids in tokenizer(paragraphs)["input_ids"]
                ]
                return 0
            results = translator.translate_batch(
                tokenized[tuple(paragraphs)], beam_size=beam, max_decoding_length=new_tokens
            )
            return sum(len(result.hypotheses[0]) for result in results)

        return run
    raise ValueError(system)


def worker(args: argparse.Namespace) -> None:
    """Answer "run" lines on stdin with a JSON line {seconds, tokens}; "quit" with {peak_rss}."""
    import transformers

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    paragraphs = flores_paragraphs()[: args.count]
    run = make_system(args.worker, args.model_dir, args.cache_dir, args.new_tokens, args.beam, args.threads)
    run(paragraphs[-2:])  # warm-up: first-call allocations, thread pools
    if args.worker == "e":
        run(paragraphs)  # tokenizes only
    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        if line.strip() == "run":
            started = time.perf_counter()
            tokens = run(paragraphs)
            print(json.dumps({"seconds": time.perf_counter() - started, "tokens": tokens}), flush=True)
        else:
            break
    print(json.dumps({"peak_rss": peak_rss_bytes()}), flush=True)


def convert_worker(args: argparse.Namespace) -> None:
    """Convert the model for CTranslate2 (float32 and int8); report time and peak memory."""
    from translate.backends import ctranslate2_backend
    from translate.model_files import resolve_model

    model = resolve_model(str(args.model_dir))
    started = time.perf_counter()
    ctranslate2_backend.converted_model(model, "default", args.cache_dir)
    seconds = time.perf_counter() - started
    ctranslate2_backend.converted_model(model, "int8", args.cache_dir)
    print(json.dumps({"seconds": seconds, "peak_rss": peak_rss_bytes()}), flush=True)


# ---------------------------------------------------------------- driver


class Worker:
    def __init__(self, system: str, args: argparse.Namespace, model_dir: Path, cache_dir: Path):
        count = args.naive_paragraphs if system == "a" else args.paragraphs
        command = [
            sys.executable,
            __file__,
            "--worker",
            system,
            "--count",
            str(count),
            "--model-dir",
            str(model_dir),
            "--cache-dir",
            str(cache_dir),
            "--new-tokens",
            str(args.new_tokens),
            "--beam",
            str(args.beam),
        ] + (["--threads", str(args.threads)] if args.threads else [])
        self.system, self.count = system, count
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.times: list[float] = []
        self.tokens = 0

    def read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"worker {self.system} died (exit {self.process.wait()})")
        return json.loads(line)

    def ask(self, command: str) -> dict:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paragraphs", type=int, default=64, help="FLORES paragraphs for (b)-(e) (default 64)")
    parser.add_argument(
        "--naive-paragraphs", type=int, default=4, help="paragraphs for the slow baseline (a) (default 4)"
    )
    parser.add_argument(
        "--new-tokens", type=int, default=64, help="tokens decoded per paragraph by every system (default 64)"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="timed rounds per system; figures are medians (default 3)"
    )
    parser.add_argument("--beam", type=int, default=1, help="beam size (default 1, greedy)")
    parser.add_argument(
        "--threads", type=int, default=None, help="threads for every system (default: each library's own)"
    )
    parser.add_argument(
        "--work",
        type=Path,
        default=None,
        help="keep the model and conversions here and reuse them (default: a temporary folder)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--model-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cache-dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "convert":
        return convert_worker(args)
    if args.worker:
        return worker(args)

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="throughput-") as scratch:
        work = args.work or Path(scratch)
        model_dir, cache_dir = work / "opus-mt-fr-en-shaped", work / "ctranslate2"
        print(f"building the model in {model_dir} ...", file=sys.stderr, flush=True)
        build_model(model_dir)
        conversion = json.loads(
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--worker",
                    "convert",
                    "--model-dir",
                    str(model_dir),
                    "--cache-dir",
                    str(cache_dir),
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.splitlines()[-1]
        )
        systems = ["a", "b", "c", "d", "e", "d1", "d8"]
        workers = {system: Worker(system, args, model_dir, cache_dir) for system in systems}
        for each in workers.values():  # one at a time: loading and warm-up must not overlap timings
            each.read()
        loads = []
        for round_number in range(args.rounds):
            loads.append(os.getloadavg()[0])
            order = list(workers.values())
            for each in (
                order[round_number % len(order) :] + order[: round_number % len(order)]
            ):  # rotated: no fixed neighbours
                answer = each.ask("run")
                each.times.append(answer["seconds"])
                each.tokens = answer["tokens"]
            print(
                f"round {round_number + 1}/{args.rounds}: "
                + ", ".join(f"({s}) {w.tokens / w.times[round_number]:.0f}" for s, w in workers.items())
                + " tokens/s",
                file=sys.stderr,
                flush=True,
            )
        peaks = {system: each.ask("quit")["peak_rss"] for system, each in workers.items()}
        for each in workers.values():
            each.process.wait()

    expected = {system: each.count * args.new_tokens for system, each in workers.items()}
    speed = {system: each.tokens / statistics.median(each.times) for system, each in workers.items()}
    print(
        f"\nThroughput, {'greedy' if args.beam == 1 else f'beam {args.beam}'}, {args.new_tokens} new tokens per "
        f"FLORES paragraph, median of {args.rounds} interleaved rounds;"
        f" {os.cpu_count()} CPUs, load average during the rounds {min(loads):.1f}-{max(loads):.1f}\n"
    )
    print("| system | paragraphs | tokens/s | spread | peak RSS | vs (a) | vs (e) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for system, each in workers.items():
        rates = [each.tokens / seconds for seconds in each.times]
        note = "" if each.tokens == expected[system] else f" (decoded {each.tokens}, expected {expected[system]})"
        print(
            f"| ({system}) {SYSTEMS[system]}{note} | {each.count} | {speed[system]:.0f} | "
            f"{min(rates):.0f}-{max(rates):.0f} | "
            f"{peaks[system] / 2**30:.2f} GiB | {speed[system] / speed['a']:.1f}x | {speed[system] / speed['e']:.2f}x |"
        )
    print(
        f"\nCTranslate2 conversion (first run only, cached after): {conversion['seconds']:.0f} s, peak RSS "
        f"{conversion['peak_rss'] / 2**30:.2f} GiB"
    )
    print(
        f"targets: (d) >= 10x (a): {speed['d'] / speed['a']:.1f}x "
        f"{'met' if speed['d'] >= 10 * speed['a'] else 'MISSED'};"
        f" (d) >= 1.0x (e): {speed['d'] / speed['e']:.2f}x {'met' if speed['d'] >= speed['e'] else 'MISSED'};"
        f" (d) peak < 1.5 GB: {peaks['d'] / 1e9:.2f} GB {'met' if peaks['d'] < 1.5e9 else 'MISSED'}"
    )
    print(f"(total {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
