"""The two backends: same translations, CTranslate2's conversion cache, fallback, no truncation.

Parity is checked on two copies of the tiny model (which, like the OPUS-MT models, has a zero
``<pad>`` row and never generates ``<pad>``, as CTranslate2 requires). One copy gets a bias towards
``</s>`` so its outputs end at varied lengths; the other never ends, so every output runs to its
bound.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import ctranslate2
import pytest
import torch

from eval.datasets import FLORES, lines
from tests.cli_helpers import manifest, run_translate
from translate.backends import DecodingSettings, Output, ctranslate2_backend
from translate.backends.ctranslate2_backend import CACHE_ENV, CTranslate2Backend, resolve_compute_type, thread_split
from translate.backends.loading import BACKENDS, load_backend
from translate.backends.transformers_backend import TransformersBackend
from translate.chunking import chunk_paragraph
from translate.cli import build_parser
from translate.length_policy import LengthPolicy
from translate.model_files import resolve_model
from translate.translation import Translator


def _with_eos_bias(source: Path, target: Path, eos_bias: float) -> Path:
    from transformers import MarianMTModel

    shutil.copytree(source, target)
    model = MarianMTModel.from_pretrained(target)
    with torch.no_grad():
        model.final_logits_bias[0, model.config.eos_token_id] = eos_bias
    model.save_pretrained(target)
    return target


@pytest.fixture(scope="module")
def ending_model(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Outputs end with </s> at many different lengths (some never end within the bound)."""
    return _with_eos_bias(tiny_model, tmp_path_factory.mktemp("models") / "ending", eos_bias=6.0)


@pytest.fixture(scope="module")
def endless_model(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Outputs never end: every translation uses all the new tokens it is allowed."""
    return _with_eos_bias(tiny_model, tmp_path_factory.mktemp("models") / "endless", eos_bias=0.0)


@pytest.fixture(scope="module")
def ct2_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ct2-cache")


@pytest.fixture(autouse=True)
def _conversions_go_to_tmp(ct2_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CACHE_ENV, str(ct2_cache))


@pytest.fixture(scope="module")
def french() -> list[str]:
    return lines(FLORES / "fra.devtest")[:32]


class Spy:
    """Stands in for a ``ctranslate2.Translator`` and records what each call got and gave."""

    def __init__(self, translator):
        self.translator = translator
        self.calls: list[tuple[list[list[str]], dict, list[list[str]]]] = []

    def translate_batch(self, source, **options):
        results = self.translator.translate_batch(source, **options)
        if options.get("asynchronous"):
            results = [future.result() for future in results]
        self.calls.append((source, options, [result.hypotheses[0] for result in results]))
        return [Finished(result) for result in results] if options.get("asynchronous") else results


class Finished:
    """An asynchronous CTranslate2 result that is already there."""

    def __init__(self, result):
        self._result = result

    def result(self):
        return self._result


def both(model_dir: Path, beam: int, cache: Path) -> tuple[CTranslate2Backend, TransformersBackend]:
    model, settings = resolve_model(str(model_dir)), DecodingSettings(beam=beam)
    return CTranslate2Backend(model, settings, cache_dir=cache), TransformersBackend(model, settings)


def test_greedy_translations_are_identical(ending_model: Path, ct2_cache: Path, french: list[str]) -> None:
    fast, reference = both(ending_model, 1, ct2_cache)
    inputs = french + ["Oui.", " ".join(french[:2])]
    for bound in (1, 2, 40):
        expected = reference.translate_batch(inputs, bound)
        assert fast.translate_batch(inputs, bound) == expected, f"max_new_tokens={bound}"
    # The one known difference: CTranslate2 does not decode an empty input (just </s>) at all,
    # where transformers decodes from </s> alone; the pipeline never sends empty paragraphs.
    assert fast.translate_batch([""], 40) == [Output("", True, 1)]
    assert {output.complete for output in expected} == {True, False}, (
        "the inputs should cover ended and bounded outputs"
    )
    assert len({output.text for output in expected}) > 5


def test_beam_search_matches_transformers_with_the_same_stopping_rule(
    ending_model: Path, ct2_cache: Path, french: list[str]
) -> None:
    fast, reference = both(ending_model, 4, ct2_cache)
    fast.translator = spy = Spy(fast.translator)
    # Both stop a beam search once beam-size hypotheses have ended (the transformers backend
    # passes early_stopping=True, CTranslate2's rule; see the README's Speed section).
    expected = reference.translate_batch(french, 40)
    assert fast.translate_batch(french, 40) == expected
    assert {output.complete for output in expected} == {True, False}
    options = spy.calls[0][1]
    assert options["beam_size"] == 4 and options["length_penalty"] == 1.0 and options["repetition_penalty"] == 1.0
    assert options["max_batch_size"] == 0, "the Translator's batches must not be split again"


def test_parallel_workers_give_the_same_translations_in_order(
    ending_model: Path, ct2_cache: Path, french: list[str]
) -> None:
    model, settings = resolve_model(str(ending_model)), DecodingSettings(beam=1)
    parallel = CTranslate2Backend(model, settings, threads=2, cache_dir=ct2_cache)
    single = CTranslate2Backend(model, settings, threads=1, cache_dir=ct2_cache)
    assert (parallel.workers, single.workers) == (2, 1)
    requests = [(french[k : k + 3], 10 + k) for k in range(0, 30, 3)]
    expected = [single.translate_batch(texts, bound) for texts, bound in requests]
    assert list(parallel.translate_batches(requests)) == expected
    # ...and through the Translator, whose batches keep both workers busy
    paragraphs = french[:24]
    reference = Translator(TransformersBackend(model, settings), LengthPolicy(), batch_size=4).translate(paragraphs)
    assert Translator(parallel, LengthPolicy(), batch_size=4).translate(paragraphs) == reference


def test_balanced_batches_change_no_translation(ending_model: Path, ct2_cache: Path, french: list[str]) -> None:
    """Two workers get batches of even cost (16 unequal paragraphs at the default budget); the
    translations are still the reference engine's, in order."""
    model, settings = resolve_model(str(ending_model)), DecodingSettings(beam=1)
    parallel = CTranslate2Backend(model, settings, threads=2, cache_dir=ct2_cache)
    paragraphs = [" ".join(french[k : k + 1 + k % 5]) for k in range(16)]
    reference = Translator(TransformersBackend(model, settings), LengthPolicy()).translate(paragraphs)
    translator = Translator(parallel, LengthPolicy())
    assert translator.translate(paragraphs) == reference
    assert translator.stats.batches >= 2


@pytest.mark.parametrize(
    ("threads", "device", "split"),
    [
        (1, "cpu", (1, 1)),
        (2, "cpu", (2, 1)),
        (3, "cpu", (3, 1)),
        (8, "cpu", (4, 2)),
        (16, "cpu", (4, 4)),
        (4, "cuda", (1, 4)),
    ],
)
def test_threads_are_shared_out_among_workers(threads: int, device: str, split: tuple[int, int]) -> None:
    assert thread_split(threads, device) == split
    workers, per_worker = thread_split(None, "cpu")
    assert 1 <= workers <= 4 and per_worker >= 1


def test_long_paragraph_is_chunked_and_nothing_is_truncated(
    endless_model: Path, ct2_cache: Path, french: list[str]
) -> None:
    fast, reference = both(endless_model, 1, ct2_cache)
    fast.translator = spy = Spy(fast.translator)
    paragraph = " ".join(french)
    policy = LengthPolicy(fast.max_positions)
    assert fast.count_tokens([paragraph])[0] > 1024, "longer than CTranslate2's default max_input_length"

    translator = Translator(fast, policy, batch_size=2)
    [english] = translator.translate([paragraph])
    assert translator.stats.split_paragraphs == 1 and translator.stats.pieces >= 4
    [expected] = Translator(reference, policy, batch_size=2).translate([paragraph])
    assert english == expected

    pieces = chunk_paragraph(paragraph, fast.count_tokens, policy.max_input_tokens)
    # A piece that ran past its own bound in a batch with a longer piece goes once more, alone
    # with pieces of its own bound; either way it goes in whole.
    sent = {tuple(tokens) for source, _, _ in spy.calls for tokens in source}
    assert sorted(map(len, sent)) == sorted(fast.count_tokens(pieces)), "every piece goes in whole, </s> included"
    assert all(len(tokens) <= policy.max_input_tokens for tokens in sent)
    for source, options, hypotheses in spy.calls:
        assert options["max_input_length"] == 0
        bound = policy.max_new_tokens(max(map(len, source)))
        # The model never ends, so each output uses all its steps; the last one is the </s> that
        # transformers forces, which CTranslate2 does not print.
        assert options["max_decoding_length"] == bound - 1
        assert all(len(hypothesis) == bound - 1 for hypothesis in hypotheses)
    assert max(len(hypothesis) for _, _, hypotheses in spy.calls for hypothesis in hypotheses) > 256, (
        "more than CTranslate2's default max_decoding_length"
    )
    assert translator.stats.bounded_pieces == translator.stats.pieces


def test_max_new_tokens_over_256_is_honoured(endless_model: Path, ct2_cache: Path, french: list[str]) -> None:
    fast, reference = both(endless_model, 1, ct2_cache)
    fast.translator = spy = Spy(fast.translator)
    outputs = fast.translate_batch(french[:2], 300)
    assert [len(hypothesis) for hypothesis in spy.calls[0][2]] == [299, 299]
    assert outputs == reference.translate_batch(french[:2], 300)
    assert not any(output.complete for output in outputs)


def test_identical_paragraphs_are_translated_once(ending_model: Path, ct2_cache: Path, french: list[str]) -> None:
    fast, _ = both(ending_model, 1, ct2_cache)
    fast.translator = spy = Spy(fast.translator)
    paragraphs = [french[0], french[1], french[0], french[2], french[1], french[0]]
    result = Translator(fast, LengthPolicy(), batch_size=16).translate(paragraphs)
    sent = [tuple(tokens) for source, _, _ in spy.calls for tokens in source]
    assert len(set(sent)) == 3 and all(len({tuple(t) for t in source}) == len(source) for source, _, _ in spy.calls)
    assert result[0] == result[2] == result[5] and result[1] == result[4]


def test_converted_model_is_cached_and_reused(ending_model: Path, tmp_path: Path) -> None:
    model = resolve_model(str(ending_model))
    before = ctranslate2_backend.conversions
    first = CTranslate2Backend(model, DecodingSettings(beam=1), cache_dir=tmp_path)
    assert ctranslate2_backend.conversions == before + 1
    assert first.model_path == tmp_path / f"{model.fingerprint}-default"
    stamp = (first.model_path / "model.bin").stat().st_mtime_ns
    second = CTranslate2Backend(model, DecodingSettings(beam=1), cache_dir=tmp_path)
    assert ctranslate2_backend.conversions == before + 1, "the second load must not convert again"
    assert second.model_path == first.model_path and (second.model_path / "model.bin").stat().st_mtime_ns == stamp
    assert sorted(path.name for path in tmp_path.iterdir()) == [first.model_path.name], "no temporary folders left"


def test_changed_model_or_compute_type_gets_its_own_conversion(ending_model: Path, tmp_path: Path) -> None:
    changed = shutil.copytree(ending_model, tmp_path / "changed")
    config = json.loads((changed / "generation_config.json").read_text())
    (changed / "generation_config.json").write_text(json.dumps({**config, "num_beams": 4}))
    original = CTranslate2Backend(
        resolve_model(str(ending_model)), DecodingSettings(beam=1), cache_dir=tmp_path / "cache"
    )
    before = ctranslate2_backend.conversions
    edited = CTranslate2Backend(resolve_model(str(changed)), DecodingSettings(beam=1), cache_dir=tmp_path / "cache")
    assert ctranslate2_backend.conversions == before + 1 and edited.model_path != original.model_path
    int8 = CTranslate2Backend(
        resolve_model(str(changed)), DecodingSettings(beam=1), compute_type="int8", cache_dir=tmp_path / "cache"
    )
    assert ctranslate2_backend.conversions == before + 2 and int8.model_path.name.endswith("-int8")
    assert int8.translator.compute_type.startswith("int8")  # int8_float32 on a CPU


def test_cache_location_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert ctranslate2_backend.cache_root() == tmp_path / "fr-en-translate" / "ctranslate2"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert ctranslate2_backend.cache_root() == tmp_path / "home" / ".cache" / "fr-en-translate" / "ctranslate2"


def test_auto_prefers_ctranslate2(ending_model: Path) -> None:
    backend = load_backend("auto", resolve_model(str(ending_model)), DecodingSettings(beam=1), "cpu", None)
    assert backend.name == "ctranslate2"
    assert BACKENDS[0] == "auto" and build_parser().parse_args(["x"]).backend == "auto"


def test_without_ctranslate2_the_transformers_backend_is_used(
    ending_model: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setitem(sys.modules, "ctranslate2", None)  # makes `import ctranslate2` raise ImportError
    model = resolve_model(str(ending_model))
    assert load_backend("auto", model, DecodingSettings(beam=1), "cpu", None).name == "transformers"
    assert capsys.readouterr().err == "", "auto needs no warning when ctranslate2 is not installed"
    assert load_backend("ctranslate2", model, DecodingSettings(beam=1), "cpu", None).name == "transformers"
    [warning] = capsys.readouterr().err.splitlines()
    assert warning.startswith("translate: warning: ") and "ctranslate2" in warning and "transformers" in warning


def test_failed_conversion_falls_back_with_one_warning(
    ending_model: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys
) -> None:
    def broken(source, output, compute_type):
        output.mkdir()
        (output / "model.bin").write_bytes(b"half")
        raise RuntimeError("converter exploded\nwith a traceback")

    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(ctranslate2_backend, "_convert", broken)
    backend = load_backend("auto", resolve_model(str(ending_model)), DecodingSettings(beam=1), "cpu", None)
    assert backend.name == "transformers"
    [warning] = capsys.readouterr().err.splitlines()
    assert warning.startswith("translate: warning: cannot convert") and "converter exploded" in warning
    assert list(tmp_path.iterdir()) == [], "a failed conversion leaves nothing a later run could mistake for a model"


def test_cli_runs_on_ctranslate2_with_compute_type(ending_model: Path, tmp_path: Path, capsys) -> None:
    source = tmp_path / "doc.txt"
    source.write_text(
        "Bonjour tout le monde.\n\nLe chat dort. Il fait beau.\n\nBonjour tout le monde.\n", encoding="utf-8"
    )
    result = run_translate(
        capsys,
        source,
        "-o",
        tmp_path / "out",
        "--model",
        ending_model,
        "--beam",
        "1",
        "--compute-type",
        "float32",
        "--threads",
        "1",
    )
    assert result.status == 0, result.stderr
    assert manifest(tmp_path / "out")["model"]["backend"] == "ctranslate2"
    assert "using the transformers backend" not in result.stderr


@pytest.mark.parametrize(
    ("requested", "device", "supported", "runs"),
    [
        ("auto", "cpu", {"int8", "int8_float32", "float32"}, "int8"),
        ("auto", "cpu", {"float32"}, "float32"),
        ("auto", "cuda", {"int8_float16", "float16", "float32"}, "int8_float16"),
        ("auto", "cuda", {"float16", "float32"}, "float16"),
        ("float32", "cpu", {"int8", "float32"}, "float32"),
        ("default", "cpu", {"int8", "float32"}, "default"),
    ],
)
def test_auto_compute_type_is_named_before_it_runs(requested: str, device: str, supported: set, runs: str) -> None:
    assert resolve_compute_type(requested, device, supported) == runs


def test_cli_default_is_int8_where_supported_and_float32_matches_transformers(
    ending_model: Path, tmp_path: Path, capsys
) -> None:
    source = tmp_path / "doc.txt"
    source.write_text("Le chat dort. Il fait beau.\n\nBonjour tout le monde.\n", encoding="utf-8")
    common = (source, "--model", ending_model, "--beam", "1", "--no-cache")
    result = run_translate(capsys, *common, "-o", tmp_path / "auto")
    assert result.status == 0, result.stderr
    settings = manifest(tmp_path / "auto")["settings"]
    expected = "int8" if "int8" in ctranslate2.get_supported_compute_types("cpu") else "float32"
    assert settings["compute_type"] == expected
    assert settings["batch_size"] == (8 if expected == "int8" else 16)
    assert settings["max_batch_cost"] > 0  # on a CPU, batches are capped by their memory
    assert f"model (ctranslate2 {expected}) translated" in result.stderr
    outputs = {}
    for name, args in (("float32", ("--compute-type", "float32")), ("transformers", ("--backend", "transformers"))):
        assert run_translate(capsys, *common, "-o", tmp_path / name, *args).status == 0
        outputs[name] = (tmp_path / name / "doc.fr-en.tsv").read_text(encoding="utf-8")
    assert outputs["float32"] == outputs["transformers"]
