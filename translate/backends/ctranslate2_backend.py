"""The fast CPU engine: CTranslate2 running a conversion of the same transformers model.

The model directory is converted once (``ctranslate2.converters.TransformersConverter``, offline)
into the user's cache, ``$XDG_CACHE_HOME/fr-en-translate/ctranslate2/<fingerprint>-<compute type>/``
(``~/.cache`` when XDG_CACHE_HOME is unset; ``$TRANSLATE_CT2_CACHE`` replaces the whole folder).
The fingerprint covers the source model's files, so a changed model gets a new conversion and an
unchanged one is reused. A conversion is written to a temporary folder beside its final place and
renamed into it, so an interrupted run never leaves a half-written model that a later run would use.

Tokenization is the model directory's Marian tokenizer on both sides, read without transformers
(``marian_tokenizer``: importing transformers cost about 2 s of a run) but giving the same ids
and text as its ``MarianTokenizer``, so the two backends see the same source tokens and detokenize
the same way; with greedy decoding they produce the same translations (tests/test_backends.py).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from collections import deque
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from aligned.distribution import user_cache
from translate.backends import (
    BatchRequest,
    DecodingSettings,
    MarianTokenCounts,
    Output,
    available_cores,
    cache_bytes_per_token,
)
from translate.backends.allocator import keep_freed_memory
from translate.backends.marian_tokenizer import load_tokenizer
from translate.errors import first_line
from translate.model_files import ModelError, ModelFiles

# CTranslate2's OpenMP threads spin while they wait by default. Whenever anything else wants the
# CPU (numpy's BLAS threads after an embedding, another process) that spinning starves the real
# work: measured here with three busy processes, batches took 2.5x longer (8.6 s against 3.4 s),
# and up to 100x after a BLAS call; on an idle machine passive waiting cost nothing. It must be
# set before the ctranslate2 library is loaded; a user's own setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

CACHE_ENV = "TRANSLATE_CT2_CACHE"
# Batches decoded at once on CPU, each by its own worker (CTranslate2's inter_threads): more than
# a few only raises memory, since each worker has its own buffers.
MAX_WORKERS = 4
# Weight types a conversion can store; "auto" and "default" are chosen when loading, so the
# converted model keeps the source's float32 weights for them.
_STORED_TYPES = {"float32", "int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16"}
# Conversions made by this process; tests read it to prove that a cached model is reused.
conversions = 0


class ConversionError(Exception):
    """The transformers model could not be converted or loaded by CTranslate2."""


def cache_root() -> Path:
    """Folder holding converted models, one subfolder per (source model, compute type)."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    return user_cache() / "ctranslate2"


def converted_model(model: ModelFiles, compute_type: str, root: Path | None = None) -> Path:
    """The CTranslate2 model for ``model`` at ``compute_type``: reused if cached, else converted now."""
    root = root or cache_root()
    target = root / f"{model.fingerprint}-{compute_type}"
    if _is_complete(target):
        return target
    try:
        root.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=root))
    except OSError as error:
        raise ConversionError(f"cannot write the conversion cache {root} ({error.strerror or error})") from None
    try:
        _convert(model.directory, work / "model", compute_type)
        if target.exists() and not _is_complete(target):
            shutil.rmtree(target, ignore_errors=True)  # debris of an older, broken layout
        try:
            os.rename(work / "model", target)
        except OSError:
            if not _is_complete(target):  # another run may have finished the same conversion first
                raise
    except ConversionError:
        raise
    except Exception as error:
        raise ConversionError(f"cannot convert {model.directory} for CTranslate2 ({first_line(error)})") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _is_complete(directory: Path) -> bool:
    return (directory / "model.bin").is_file() and (directory / "config.json").is_file()


def _convert(source: Path, output: Path, compute_type: str) -> None:
    global conversions
    import transformers
    from ctranslate2.converters import TransformersConverter

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    quantization = compute_type if compute_type in _STORED_TYPES else None
    TransformersConverter(str(source)).convert(str(output), quantization=quantization, force=True)
    conversions += 1


def _model_settings(model: ModelFiles) -> tuple[dict, dict]:
    """(config.json, generation settings) as plain mappings, read without transformers.

    The generation settings are generation_config.json's, or where it is missing config.json's
    (which is where transformers' ``GenerationConfig.from_model_config`` takes them from); a
    setting absent from both has transformers' default, applied where it is read.
    """
    try:
        config = json.loads((model.directory / "config.json").read_text(encoding="utf-8"))
        generation_file = model.directory / "generation_config.json"
        generation = json.loads(generation_file.read_text(encoding="utf-8")) if generation_file.exists() else config
        if not isinstance(config, dict) or not isinstance(generation, dict):
            raise ValueError("a model configuration file is not a JSON object")
    except Exception as error:
        raise ModelError(
            f"--model {model.requested}: cannot load the Marian model configuration ({first_line(error)}); the files "
            "may be damaged, re-download or re-save them"
        ) from None
    return config, generation


def _or_default(value: float | None, default: float) -> float:
    return default if value is None else value


class CTranslate2Backend(MarianTokenCounts):
    """Marian through CTranslate2, on CPU or CUDA; same tokens and outputs as transformers."""

    name = "ctranslate2"

    def __init__(
        self,
        model: ModelFiles,
        settings: DecodingSettings,
        device: str = "cpu",
        threads: int | None = None,
        compute_type: str = "default",
        cache_dir: Path | None = None,
    ):
        """Raises ``ConversionError`` when CTranslate2 cannot take the model (callers fall back)."""
        import ctranslate2

        if device == "cuda" and ctranslate2.get_cuda_device_count() == 0:
            raise ModelError("--device cuda: no CUDA device is available to CTranslate2; use --device cpu")
        compute_type = resolve_compute_type(compute_type, device, ctranslate2.get_supported_compute_types(device))
        self.tokenizer = load_tokenizer(model)
        config, generation = _model_settings(model)
        self.workers, threads_per_worker = thread_split(threads, device)

        def load(path: Path):
            return ctranslate2.Translator(
                str(path),
                device=device,
                compute_type=compute_type,
                inter_threads=self.workers,
                intra_threads=threads_per_worker,
            )

        path = converted_model(model, compute_type, cache_dir)
        if device == "cpu":
            keep_freed_memory()
        try:
            self.translator = load(path)
        except Exception as error:
            # A conversion in the cache that cannot be loaded was damaged after it was made (a
            # truncated copy, a full disk): convert once more rather than fall back for ever.
            print(
                f"translate: warning: the CTranslate2 conversion {path} cannot be loaded ({first_line(error)}); "
                "converting the model again",
                file=sys.stderr,
            )
            shutil.rmtree(path, ignore_errors=True)
            path = converted_model(model, compute_type, cache_dir)
            try:
                self.translator = load(path)
            except Exception as error:
                raise ConversionError(f"CTranslate2 cannot load {path} ({first_line(error)})") from None
        self.settings = settings
        self.device = device
        self.compute_type = compute_type
        self.model_path = path
        self.max_positions = int(config.get("max_position_embeddings", 1024))
        self.cache_bytes_per_token = cache_bytes_per_token(
            int(config.get("decoder_layers", 6)), int(config.get("d_model", 512))
        )
        self._vocab = self.tokenizer.get_vocab()
        # transformers forces </s> as the last allowed token when the model config asks for it
        # (Marian's does): an output that reaches the bound has one token fewer of text. Decoding
        # one step less here gives the same hypotheses, ranked the same way, in both engines.
        forced_eos = generation.get("forced_eos_token_id")
        self._forced_eos = forced_eos is not None and forced_eos == generation.get("eos_token_id")
        # Same search as transformers' defaults for Marian: beam width from our settings, length
        # penalty from the generation config (1.0 unless the model says otherwise), no repetition
        # penalty, and </s> allowed from the first step.
        self._options = dict(
            beam_size=settings.beam,
            length_penalty=float(_or_default(generation.get("length_penalty"), 1.0)),
            repetition_penalty=float(generation.get("repetition_penalty") or 1.0),
            no_repeat_ngram_size=int(generation.get("no_repeat_ngram_size") or 0),
            min_decoding_length=0,
            # Inputs are already capped by our length policy; 0 turns off CTranslate2's own
            # truncation (1024 tokens by default), so nothing is cut silently.
            max_input_length=0,
            # The Translator already made batches by token budget; do not split them again.
            max_batch_size=0,
        )

    def translate_batch(self, texts: Sequence[str], max_new_tokens: int) -> list[Output]:
        return next(self.translate_batches([(texts, max_new_tokens)]))

    def translate_batches(self, requests: Iterable[BatchRequest]) -> Iterator[list[Output]]:
        """Keeps every worker busy: while the workers decode, the next batches are tokenized and
        queued, and finished ones are detokenized, so CTranslate2 never waits for Python."""
        pending: deque = deque()
        for texts, max_new_tokens in requests:
            pending.append(self._submit(texts, max_new_tokens))
            if len(pending) > self.workers:
                yield self._collect(*pending.popleft())
        while pending:
            yield self._collect(*pending.popleft())

    def _submit(self, texts: Sequence[str], max_new_tokens: int) -> tuple[list, int, int]:
        """Start decoding one batch; returns (async results, steps, batch size) for `_collect`."""
        # Steps of text the output may use; one more is the </s> that ends it (see __init__).
        steps = max_new_tokens - 1 if self._forced_eos else max_new_tokens
        if not texts or steps < 1:  # nothing to do, or the only step allowed is the forced </s>
            return [], steps, len(texts)
        source = [self.tokenizer.convert_ids_to_tokens(ids) for ids in self.tokenizer(list(texts))["input_ids"]]
        return (
            self.translator.translate_batch(source, max_decoding_length=steps, asynchronous=True, **self._options),
            steps,
            len(texts),
        )

    def _collect(self, futures: list, steps: int, size: int) -> list[Output]:
        forced = int(self._forced_eos)  # the step that the forced </s> takes, as transformers counts it
        if not futures:
            return [Output("", False, steps + forced) for _ in range(size)]
        unk = self.tokenizer.unk_token_id
        ids = [[self._vocab.get(token, unk) for token in future.result().hypotheses[0]] for future in futures]
        decoded = self.tokenizer.batch_decode(ids, skip_special_tokens=True)
        return [Output(text, len(tokens) < steps, len(tokens) + forced) for text, tokens in zip(decoded, ids)]


# What ``auto`` means, best first: int8 weights on a CPU, where they decoded 2.3x the tokens/s of
# float32 here (CTranslate2's own benchmark of an OPUS-MT model: 27.65 BLEU against 27.92);
# int8 with float16 on a GPU (27.90 against 27.92). Where none is supported, float32.
_AUTO = {"cpu": ("int8",), "cuda": ("int8_float16", "float16")}


def resolve_compute_type(requested: str, device: str, supported: set[str]) -> str:
    """The compute type to run: ``requested``, or for ``auto`` the first of ``_AUTO`` that the
    device supports, else float32. Named, not left to CTranslate2, so that the manifest, the
    summary and the cache key say which type ran."""
    if requested != "auto":
        return requested
    return next((kind for kind in _AUTO.get(device, ()) if kind in supported), "float32")


def thread_split(threads: int | None, device: str) -> tuple[int, int]:
    """(workers, threads per worker) for ``threads`` CPU threads in all (default: every core).

    Several batches decoded side by side, one or few threads each, beat one batch spread over all
    threads: the matrices of one decoding step are too small to keep many threads busy. On 2 cores
    two one-thread workers decoded 1.4x (float32) and 2x (int8) the tokens/s of one two-thread
    worker (see the README). On a GPU one worker: batches there are already parallel.
    """
    if device != "cpu":
        return 1, threads or 0
    total = threads or available_cores()
    workers = min(total, MAX_WORKERS)
    return workers, total // workers
