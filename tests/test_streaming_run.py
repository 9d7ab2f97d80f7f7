"""A run reads, translates and writes its documents group by group: each document's files are
written as soon as its group is done, the corpus files are appended to, and only each document's
manifest record is kept to the end, so memory does not grow with the number of documents. The
files are the same whatever the grouping."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.datasets import flores_documents
from tests.cli_helpers import run_translate
from translate import cli, inputs
from translate.documents import Document
from translate.inputs import in_groups
from translate.outputs.manifest import DocumentRecords, manifest_chunks

DOCUMENTS = 6


@pytest.fixture(scope="module")
def documents(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """FLORES-200 devtest documents as plain text, two paragraphs each."""
    folder = tmp_path_factory.mktemp("streaming-docs")
    for number, document in enumerate(flores_documents(shared_data / "flores200-devtest")[:DOCUMENTS]):
        (folder / f"doc{number}.txt").write_text("\n\n".join(document.fra[:2]) + "\n", encoding="utf-8")
    return folder


def written(out_dir: Path) -> dict[str, bytes]:
    """Every file of the run but the manifest (wall time, batches), the cache and the lock."""
    return {
        str(path.relative_to(out_dir)): path.read_bytes()
        for path in sorted(out_dir.rglob("*"))
        if path.is_file() and path.name != "manifest.json" and not path.name.startswith(".")
    }


def test_documents_are_written_as_their_group_is_done_and_the_files_do_not_depend_on_groups(
    documents: Path, tiny_model: Path, tmp_path: Path, capsys, monkeypatch
) -> None:
    options = ("--model", tiny_model, "--beam", "1", "--formats", "tsv,moses,jsonl,tmx,review,xlsx")
    whole = run_translate(capsys, documents, "-o", tmp_path / "whole", *options, "--min-score", "0.2")
    assert whole.status == 0, whole.stderr

    out_dir = tmp_path / "grouped"
    seen: list[tuple[list[str], list[str]]] = []  # each group's documents, and the documents already written
    translate_group = cli.translate_documents

    def watched(group: list[Document], *args, **kwargs):
        seen.append(([document.name for document in group], sorted(p.name for p in out_dir.glob("*.jsonl"))))
        return translate_group(group, *args, **kwargs)

    monkeypatch.setattr(inputs, "GROUP_SEGMENTS", 4)  # two documents of two paragraphs per group
    monkeypatch.setattr(cli, "translate_documents", watched)
    grouped = run_translate(capsys, documents, "-o", out_dir, *options, "--min-score", "0.2")
    assert grouped.status == 0, grouped.stderr

    assert [names for names, _ in seen] == [["doc0", "doc1"], ["doc2", "doc3"], ["doc4", "doc5"]]
    assert seen[2][1] == [f"doc{number}.jsonl" for number in range(4)]  # written before the last group ran
    assert written(out_dir) == written(tmp_path / "whole")
    manifests = [json.loads((folder / "manifest.json").read_text()) for folder in (tmp_path / "whole", out_dir)]
    for key in ("counts", "filtered", "documents", "corpus_outputs"):
        assert manifests[0][key] == manifests[1][key]


def test_groups_keep_input_order_and_never_cut_a_document() -> None:
    def document(name: str, paragraphs: int) -> Document:
        return Document(name, Path(f"{name}.txt"), "\n\n".join(f"Paragraphe {i}." for i in range(paragraphs)))

    sizes = {"a": 1, "b": 5, "c": 1, "d": 1, "e": 2}
    groups = in_groups((document(name, size) for name, size in sizes.items()), segments=3)
    assert [[document.name for document in group] for group in groups] == [["a", "b"], ["c", "d", "e"]]


@pytest.mark.parametrize(
    "records", [[], [{"name": "a", "outputs": ["a.tsv"], "format": {}, "note": "line\nbreak"}] * 2]
)
def test_the_manifest_is_written_piece_by_piece_as_json_lays_it_out(records: list[dict]) -> None:
    kept = DocumentRecords()
    for record in records:
        kept.append(record)
    manifest = {"tool": {"name": "t", "version": "1"}, "documents": kept, "failed": [], "é": "ü", "wall_seconds": 1.5}
    assert (
        "".join(manifest_chunks(manifest))
        == json.dumps({**manifest, "documents": records}, ensure_ascii=False, indent=2) + "\n"
    )
