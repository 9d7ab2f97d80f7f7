"""Translation scores are sacrebleu's own, on FLORES devtest; the CLI fails in one clear line."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
import sacrebleu
from sacrebleu.metrics import BLEU, CHRF, TER

from eval.cli import main
from eval.datasets import FLORES, NEWSTEST
from eval.inputs import InputError
from eval.translation import score_translation

ROOT = Path(__file__).resolve().parents[1]
CLI_SEGMENTS = 300  # the CLI tests use the first FLORES lines, to keep bootstrapping quick


def perturb(lines: list[str], seed: int, drop: float = 0.1) -> list[str]:
    """A plausible imperfect translation: drop words and swap neighbours, reproducibly."""
    rng = random.Random(seed)
    out = []
    for line in lines:
        words = [w for w in line.split() if rng.random() > drop]
        if len(words) > 2 and rng.random() < 0.3:
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
        out.append(" ".join(words))
    return out


@pytest.fixture(scope="module")
def reference() -> list[str]:
    return (FLORES / "eng.devtest").read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def hypothesis(reference) -> list[str]:
    return perturb(reference, seed=1)


@pytest.fixture(scope="module")
def texts(reference, hypothesis) -> dict[str, list[str]]:
    """The first FLORES lines: a system output, a worse baseline and the reference."""
    ref = reference[:CLI_SEGMENTS]
    return {"hyp": hypothesis[:CLI_SEGMENTS], "base": perturb(ref, seed=2, drop=0.3), "ref": ref}


@pytest.fixture
def files(tmp_path, texts) -> dict[str, str]:
    """``texts`` as line-aligned files, as the translate CLI writes them."""
    paths = {"hyp": tmp_path / "flores.en", "base": tmp_path / "baseline.en", "ref": tmp_path / "eng.devtest"}
    for key, path in paths.items():
        path.write_text("\n".join(texts[key]) + "\n", encoding="utf-8")
    return {key: str(path) for key, path in paths.items()}


def sacrebleu_metrics(tokenize: str = "13a") -> dict:
    return {"bleu": BLEU(tokenize=tokenize), "chrf": CHRF(), "chrf++": CHRF(word_order=2), "ter": TER()}


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eval", *args], cwd=ROOT, capture_output=True, text=True)


@pytest.mark.parametrize("tokenize", ["13a", "intl"])
def test_scores_and_signatures_are_sacrebleus(reference, hypothesis, texts, tokenize):
    if tokenize != "13a":  # the whole devtest once is enough; other tokenizers on a slice
        reference, hypothesis = texts["ref"], texts["hyp"]
    ours = score_translation(hypothesis, [reference], tokenize=tokenize)
    for key, metric in sacrebleu_metrics(tokenize).items():
        theirs = metric.corpus_score(hypothesis, [reference])
        assert (ours[key].name, ours[key].score) == (theirs.name, theirs.score)
        assert ours[key].signature == str(metric.get_signature())
        assert ours[key].format() == theirs.format(signature=str(metric.get_signature()))
    assert (
        ours["bleu"].signature == f"nrefs:1|case:mixed|eff:no|tok:{tokenize}|smooth:exp|version:{sacrebleu.__version__}"
    )
    assert 50 < ours["bleu"].score < 100 and 0 < ours["ter"].score < 50


def test_identical_reference_is_perfect_and_several_references_are_counted(texts):
    reference = texts["ref"]
    scores = score_translation(reference, [reference, perturb(reference, seed=3)])
    assert [scores[key].score for key in ("bleu", "chrf", "ter")] == pytest.approx([100, 100, 0])
    assert all(s.signature.startswith("nrefs:2|") for s in scores.values())


def test_cli_json_equals_sacrebleu(files, texts):
    result = run_cli("translation", files["hyp"], files["ref"], "--json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["segments"] == CLI_SEGMENTS
    assert out["hypothesis"] == files["hyp"] and out["references"] == [files["ref"]]
    for key, metric in sacrebleu_metrics().items():
        assert out[key]["score"] == metric.corpus_score(texts["hyp"], [texts["ref"]]).score
        assert out[key]["signature"] == str(metric.get_signature())


def test_cli_text_prints_sacrebleus_lines_and_confidence_repeats(files, capsys, texts):
    assert main(["translation", files["hyp"], files["ref"], "--confidence"]) == 0
    first = capsys.readouterr().out
    assert main(["translation", files["hyp"], files["ref"], "--confidence"]) == 0
    assert capsys.readouterr().out == first  # fixed bootstrap seed
    assert "flores.en" in first and "eng.devtest" in first and f"{CLI_SEGMENTS} segments" in first
    for metric in sacrebleu_metrics().values():
        score = metric.corpus_score(texts["hyp"], [texts["ref"]], n_bootstrap=1000)
        signature = str(metric.get_signature())
        assert "|bs:1000|seed:12345|" in signature
        assert score.format(signature=signature) in first.splitlines()


def test_paired_bootstrap_against_a_worse_baseline(files, capsys, texts):
    assert main(["translation", files["hyp"], files["ref"], "--baseline", files["base"], "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["bleu"]["baseline_score"] == BLEU().corpus_score(texts["base"], [texts["ref"]]).score
    assert out["bleu"]["score"] > out["bleu"]["baseline_score"]
    for key in ("bleu", "chrf", "chrf++", "ter"):
        assert out[key]["p_value"] < 0.01 and out[key]["ci"] > 0
        assert "|bs:1000|seed:12345|" in out[key]["signature"]
    assert out["baseline"] == files["base"]


def test_offline_tokenizers_only(reference):
    with pytest.raises(InputError, match="'spm' needs a downloaded model"):
        score_translation(reference, [reference], tokenize="spm")


def one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("python -m eval: error: ")
    for fragment in fragments:
        assert fragment in result.stderr


def test_cli_errors(tmp_path, files):
    one_line_error(run_cli("translation", str(tmp_path / "missing.en"), files["ref"]), "missing.en: no such file")
    newstest = str(NEWSTEST / "newstest2014.eng")
    one_line_error(
        run_cli("translation", files["hyp"], newstest),
        f"flores.en has {CLI_SEGMENTS} lines",
        "newstest2014.eng has 3003",
    )
    one_line_error(run_cli("translation", files["hyp"], files["ref"], "--baseline", newstest), "has 3003")
    empty = tmp_path / "empty.en"
    empty.write_text("")
    one_line_error(run_cli("translation", str(empty), files["ref"]), "empty.en: hypothesis file is empty")
    latin1 = tmp_path / "latin1.en"
    latin1.write_bytes("Un café.\n".encode("latin-1"))
    one_line_error(run_cli("translation", str(latin1), str(latin1)), "latin1.en: not UTF-8", "0xe9")
    for tokenizer in ("ja-mecab", "flores200"):
        one_line_error(
            run_cli("translation", files["hyp"], files["ref"], "--tokenize", tokenizer),
            f"tokenizer '{tokenizer}' needs a downloaded model",
            "13a, intl, char, none",
        )
