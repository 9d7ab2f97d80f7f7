"""The translate CLI's report: real FLORES documents, numbers equal sacrebleu's, error entries."""

from __future__ import annotations

import json

import pytest
from sacrebleu.metrics import BLEU, TER

from eval.datasets import flores_documents
from eval.inputs import InputError
from eval.report import DocumentForScoring, score_documents, write_report
from tests.test_eval_translation import perturb

N_DOCUMENTS = 12


def english_documents() -> list[list[str]]:
    """The first FLORES devtest documents (consecutive lines with the same URL), as sentences."""
    return [document.eng for document in flores_documents()[:N_DOCUMENTS]]


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> list[DocumentForScoring]:
    """Even documents have a paragraph reference, odd ones a sentence-per-line one; doc 3's
    translation has a sentence too many, and "lost" has no reference file."""
    refdir = tmp_path_factory.mktemp("refs")
    docs = []
    for i, sentences in enumerate(english_documents()):
        path = refdir / f"doc{i}.en"
        path.write_text((" ".join(sentences) if i % 2 == 0 else "\n".join(sentences)) + "\n", encoding="utf-8")
        hypothesis = perturb(sentences, seed=i) + (["One sentence too many."] if i == 3 else [])
        docs.append(DocumentForScoring(f"doc{i}", [" ".join(hypothesis)], hypothesis, path))
    return docs + [DocumentForScoring("lost", ["Hello."], ["Hello."], refdir / "lost.en")]


@pytest.fixture(scope="module")
def written(documents, tmp_path_factory):
    report = score_documents(documents)
    out_dir = tmp_path_factory.mktemp("report") / "new"
    return report, out_dir, write_report(report, out_dir)


def test_files_are_written_atomically(written):
    _, out_dir, paths = written
    assert [p.name for p in paths] == ["report.md", "report.json", "bleu.png"]
    assert sorted(p.name for p in out_dir.iterdir()) == ["bleu.png", "report.json", "report.md"]  # no temp files
    assert paths[2].read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_json_numbers_equal_sacrebleu(written, documents):
    _, _, paths = written
    data = json.loads(paths[1].read_text(encoding="utf-8"))
    all_hyps, all_refs = [], []
    for doc, entry in zip(documents, data["documents"]):
        if "error" in entry:
            continue
        hyps = doc.hypothesis_paragraphs if entry["compared_by"] == "paragraphs" else doc.hypothesis_sentences
        refs = doc.reference_path.read_text(encoding="utf-8").splitlines()
        assert entry["segments"] == len(refs)
        assert entry["bleu"]["score"] == BLEU().corpus_score(hyps, [refs]).score
        assert entry["ter"]["score"] == TER().corpus_score(hyps, [refs]).score
        all_hyps += hyps
        all_refs += refs
    bleu = BLEU()
    assert data["overall"]["bleu"]["score"] == bleu.corpus_score(all_hyps, [all_refs]).score
    assert data["overall"]["bleu"]["signature"] == str(bleu.get_signature())
    assert data["overall"]["segments"] == len(all_hyps) and data["overall"]["documents"] == N_DOCUMENTS - 1
    assert [d.get("compared_by") for d in data["documents"][:3]] == ["paragraphs", "sentences", "paragraphs"]


def test_mismatched_or_missing_reference_is_an_error_entry(written):
    report, _, paths = written
    errors = {d.name: d.error for d in report.documents if d.error}
    assert errors.keys() == {"doc3", "lost"}
    lines = len(english_documents()[3])
    assert errors["doc3"] == (
        f"doc3.en has {lines} lines but the translation has 1 paragraph and {lines + 1} sentences"
    )
    assert errors["lost"].endswith("lost.en: no such file")
    markdown = paths[0].read_text(encoding="utf-8")
    assert f"- **doc3**: {errors['doc3']}" in markdown


def test_markdown_has_table_chart_and_signatures(written):
    report, _, paths = written
    markdown = paths[0].read_text(encoding="utf-8")
    assert "| document | compared by | segments | BLEU | chrF2 | chrF2++ | TER |" in markdown
    assert f"| **overall** | | {report.segments} | {report.overall['bleu'].score:.2f} |" in markdown
    assert "![BLEU per document](bleu.png)" in markdown
    assert f"- BLEU: `{report.overall['bleu'].signature}`" in markdown


def test_nothing_scorable_still_writes_a_report(documents, tmp_path):
    report = score_documents([documents[3]])
    assert report.overall == {} and report.segments == 0
    paths = write_report(report, tmp_path)
    assert "No document could be scored" in paths[0].read_text(encoding="utf-8")
    assert json.loads(paths[1].read_text(encoding="utf-8"))["overall"] == {"segments": 0, "documents": 0}


def test_downloading_tokenizer_is_refused_up_front(documents):
    with pytest.raises(InputError, match="'ja-mecab' needs a downloaded model"):
        score_documents(documents, tokenize="ja-mecab")
