"""Per-document and overall translation scores for the translate CLI: report.md, report.json, bleu.png.

A reference ``REFDIR/NAME.en`` may hold one paragraph or one sentence per line, so each document
is compared at whichever level has as many segments as the reference has lines. A document that
fits neither (or whose reference is unreadable) gets an error entry instead of stopping the run.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import sacrebleu

from aligned.textio import write_files_atomically
from eval.inputs import InputError, read_lines
from eval.translation import MetricScore, check_tokenizer, score_translation, scores_to_json

COLUMNS = ("bleu", "chrf", "chrf++", "ter")
REPORT_FILES = ("report.md", "report.json", "bleu.png")


@dataclass
class DocumentForScoring:
    """One translated document as the translate CLI has it, and where its reference lies."""

    name: str
    hypothesis_paragraphs: list[str]
    hypothesis_sentences: list[str]
    reference_path: Path


@dataclass
class DocumentScore:
    """Scores of one document, or why it could not be scored (``error``)."""

    name: str
    reference_path: Path
    compared_by: str = ""  # "paragraphs" or "sentences"
    segments: int = 0
    scores: dict[str, MetricScore] = field(default_factory=dict)
    error: str | None = None

    def to_json(self) -> dict:
        head = {"name": self.name, "reference": str(self.reference_path)}
        if self.error:
            return {**head, "error": self.error}
        return {**head, "compared_by": self.compared_by, **scores_to_json(self.scores, self.segments)}


@dataclass
class Report:
    """Per-document scores and corpus-level scores over the segments of all scored documents."""

    documents: list[DocumentScore]
    overall: dict[str, MetricScore]  # empty when no document could be scored
    segments: int
    tokenize: str

    def to_json(self) -> dict:
        scored = sum(not d.error for d in self.documents)
        return {
            "sacrebleu": sacrebleu.__version__,
            "tokenize": self.tokenize,
            "overall": {**scores_to_json(self.overall, self.segments), "documents": scored},
            "documents": [d.to_json() for d in self.documents],
        }


def _segments(doc: DocumentForScoring) -> tuple[str, list[str], list[str]]:
    """Pair the reference lines with the hypothesis paragraphs, else with its sentences."""
    path = Path(doc.reference_path)
    reference = read_lines(path)
    if not reference:
        raise InputError(f"{path}: reference is empty")
    for unit, hypotheses in (("paragraphs", doc.hypothesis_paragraphs), ("sentences", doc.hypothesis_sentences)):
        if len(hypotheses) == len(reference):
            return unit, list(hypotheses), reference
    raise InputError(
        f"{path.name} has {_count(len(reference), 'line')} but the translation has "
        f"{_count(len(doc.hypothesis_paragraphs), 'paragraph')} and "
        f"{_count(len(doc.hypothesis_sentences), 'sentence')}"
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def score_documents(documents: Sequence[DocumentForScoring], tokenize: str = "13a") -> Report:
    """Score every document on its own, then all their segments together as one corpus."""
    check_tokenizer(tokenize)  # a bad tokenizer is the caller's error, not one per document
    results, all_hyps, all_refs = [], [], []
    for doc in documents:
        try:
            unit, hyps, refs = _segments(doc)
        except InputError as err:
            results.append(DocumentScore(doc.name, Path(doc.reference_path), error=str(err)))
            continue
        scores = score_translation(hyps, [refs], tokenize)
        results.append(DocumentScore(doc.name, Path(doc.reference_path), unit, len(hyps), scores))
        all_hyps += hyps
        all_refs += refs
    overall = score_translation(all_hyps, [all_refs], tokenize) if all_hyps else {}
    return Report(results, overall, len(all_hyps), tokenize)


def _chart(report: Report) -> bytes:
    """Horizontal bars of per-document BLEU in document order, the overall BLEU as a dashed line."""
    # Imported here: matplotlib takes 0.3 s to import, and only runs with --reference need it.
    # No pyplot: a Figure renders with Agg and leaves the global backend alone.
    from matplotlib.figure import Figure

    scored = [d for d in report.documents if not d.error]
    fig = Figure(figsize=(8, 1.2 + 0.22 * max(len(scored), 1)), layout="constrained")
    ax = fig.add_subplot()
    bars = ax.barh([d.name for d in scored], [d.scores["bleu"].score for d in scored], color="#4C72B0")
    ax.bar_label(bars, fmt="%.1f", padding=2, fontsize=7)
    title = "BLEU per document"
    if report.overall:
        ax.axvline(report.overall["bleu"].score, color="#C44E52", linestyle="--", zorder=0)
        title += f" (dashed: overall {report.overall['bleu'].score:.2f})"
    else:
        ax.text(0.5, 0.5, "no document could be scored", ha="center", transform=ax.transAxes)
    ax.set_ylim(max(len(scored), 1) - 0.5, -0.5)  # first document on top, no empty margins
    ax.set_xlim(0, 100)
    ax.set_xlabel("BLEU")
    ax.set_title(title)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _cells(scores: dict[str, MetricScore]) -> str:
    return " | ".join(f"{scores[key].score:.2f}" for key in COLUMNS)


def _escape(name: str) -> str:
    """Keep a ``|`` in a document name from breaking the table."""
    return name.replace("|", "\\|")


def _markdown(report: Report, chart_name: str) -> str:
    """A table with the overall row first, the chart, errors, and the signatures to cite."""
    scored = sum(not d.error for d in report.documents)
    lines = ["# Translation scores", ""]
    if not report.overall:
        lines += ["No document could be scored; see the errors below.", ""]
    else:
        names = [report.overall[key].name for key in COLUMNS]
        lines += [
            f"Overall, corpus-level over {report.segments} segments of {scored} of "
            f"{len(report.documents)} documents: **BLEU {report.overall['bleu'].score:.2f}**.",
            "",
            f"| document | compared by | segments | {' | '.join(names)} |",
            "|---|---|--:|" + "--:|" * len(COLUMNS),
            f"| **overall** | | {report.segments} | {_cells(report.overall)} |",
        ]
        lines += [
            f"| {_escape(d.name)} | {d.compared_by} | {d.segments} | {_cells(d.scores)} |"
            for d in report.documents
            if not d.error
        ]
        lines += ["", f"![BLEU per document]({chart_name})", ""]
    errors = [d for d in report.documents if d.error]
    if errors:
        lines += ["## Documents not scored", ""] + [f"- **{_escape(d.name)}**: {d.error}" for d in errors] + [""]
    if report.overall:
        lines += ["## sacrebleu signatures", ""]
        lines += [f"- {score.name}: `{score.signature}`" for score in report.overall.values()] + [""]
    return "\n".join(lines)


def write_report(report: Report, out_dir: Path) -> list[Path]:
    """Write report.md, report.json and bleu.png into ``out_dir`` (created if needed)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    markdown, data, chart = (out_dir / name for name in REPORT_FILES)
    write_files_atomically(
        {
            chart: _chart(report),
            markdown: (_markdown(report, chart.name),),
            data: (json.dumps(report.to_json(), ensure_ascii=False, indent=1) + "\n",),
        }
    )
    return [markdown, data, chart]
