"""Corpus BLEU, chrF, chrF++ and TER of a translation, computed by sacrebleu and never by us.

Every score keeps sacrebleu's signature, so a number can be reproduced and compared with
published ones. Confidence intervals and the paired test are sacrebleu's bootstrap with its
fixed default seed (12345, or ``$SACREBLEU_SEED`` as sacrebleu reads it), so runs repeat; the
seed and the number of resamples appear in the signature.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.metrics.base import Metric, Score
from sacrebleu.significance import PairedTest

from eval.inputs import InputError

# Tokenizers that work offline; the others fetch a MeCab dictionary or a SentencePiece model.
OFFLINE_TOKENIZERS = ("13a", "intl", "char", "none")
N_BOOTSTRAP = 1000  # sacrebleu's default for --confidence and --paired-bs


@dataclass(frozen=True)
class MetricScore:
    """One corpus-level score and what is needed to reproduce and read it."""

    name: str  # sacrebleu's metric name: BLEU, chrF2, chrF2++, TER
    score: float
    signature: str  # exactly as sacrebleu prints it
    verbose_score: str = ""  # BLEU's n-gram precisions, brevity penalty and lengths
    mean: float | None = None  # bootstrap mean (with confidence or a baseline)
    ci: float | None = None  # half-width of the 95% bootstrap confidence interval
    baseline_score: float | None = None
    p_value: float | None = None  # paired bootstrap test against the baseline

    def to_json(self) -> dict:
        """The fields that are set, for ``--json`` and report.json."""
        return {key: value for key, value in asdict(self).items() if value not in (None, "")}

    def format(self) -> str:
        """One line in sacrebleu's own format (``Score.format``), plus the paired test if run."""
        line = f"{self.name}|{self.signature} = {self.score:.2f}"
        if self.mean is not None:
            line += f" (μ = {self.mean:.2f} ± {self.ci:.2f})"
        if self.verbose_score:
            line += f" {self.verbose_score}"
        if self.p_value is not None:
            line += f"\n    baseline = {self.baseline_score:.2f}, paired bootstrap p = {self.p_value:.4f}"
        return line


def scores_to_json(scores: dict[str, MetricScore], segments: int) -> dict:
    """The JSON shape shared by ``--json`` and report.json: ``{"bleu": {...}, ..., "segments": N}``."""
    return {**{key: score.to_json() for key, score in scores.items()}, "segments": segments}


def check_tokenizer(tokenize: str) -> None:
    """Refuse, in one sentence, a BLEU tokenizer that would need a download or does not exist."""
    if tokenize in OFFLINE_TOKENIZERS:
        return
    known = "needs a downloaded model or dictionary" if tokenize in BLEU.TOKENIZERS else "is unknown"
    raise InputError(f"tokenizer {tokenize!r} {known}; use one of: {', '.join(OFFLINE_TOKENIZERS)}")


def make_metrics(tokenize: str = "13a") -> dict[str, Metric]:
    """Fresh sacrebleu metrics with their defaults; ``tokenize`` applies to BLEU only, as in sacrebleu."""
    check_tokenizer(tokenize)
    return {"bleu": BLEU(tokenize=tokenize), "chrf": CHRF(), "chrf++": CHRF(word_order=2), "ter": TER()}


def _metric_score(score: Score, metric: Metric, bootstrapped: bool) -> MetricScore:
    # sacrebleu 2.x keeps the bootstrap mean/CI and BLEU's details only in these attributes
    # (Score.format, which its command line prints, reads them the same way).
    return MetricScore(
        score.name,
        score.score,
        str(metric.get_signature()),
        score._verbose,
        float(score._mean) if bootstrapped else None,
        float(score._ci) if bootstrapped else None,
    )


def _paired(
    scores: dict[str, MetricScore],
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    baseline: Sequence[str],
    tokenize: str,
) -> dict[str, MetricScore]:
    """Add sacrebleu's paired bootstrap test against ``baseline`` (signature gains bs and seed)."""
    metrics = make_metrics(tokenize)
    signatures, table = PairedTest(
        [("baseline", baseline), ("system", hypotheses)],
        metrics,
        references=references,
        test_type="bs",
        n_samples=N_BOOTSTRAP,
    )()
    paired = {}
    for key, metric_score in scores.items():
        base, system = table[metric_score.name]
        paired[key] = replace(
            metric_score,
            signature=str(signatures[metric_score.name]),
            mean=float(system.mean),
            ci=float(system.ci),
            baseline_score=float(base.score),
            p_value=float(system.p_value),
        )
    return paired


def score_translation(
    hypotheses: Sequence[str],
    references: Sequence[Sequence[str]],
    tokenize: str = "13a",
    confidence: bool = False,
    baseline: Sequence[str] | None = None,
) -> dict[str, MetricScore]:
    """Score ``hypotheses`` against one or more reference streams (sacrebleu's layout:
    ``references[k][i]`` is the k-th reference of segment i).

    Keys are ``bleu``, ``chrf``, ``chrf++``, ``ter``. ``confidence`` adds 95% bootstrap intervals;
    ``baseline`` (another system's output on the same segments) adds a paired bootstrap test,
    which reports intervals too.
    """
    metrics = make_metrics(tokenize)
    bootstrap = confidence and baseline is None  # the paired test bootstraps anyway
    scores = {
        key: _metric_score(
            metric.corpus_score(hypotheses, references, N_BOOTSTRAP if bootstrap else 1), metric, bootstrap
        )
        for key, metric in metrics.items()
    }
    return scores if baseline is None else _paired(scores, hypotheses, references, baseline, tokenize)
