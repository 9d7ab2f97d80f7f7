"""Render aligned documents as parallel-corpus files: TSV, Moses, JSONL, TMX, paragraphs.

Every bead becomes one line or record, unaligned sentences included (with the other side
empty), so the French of a document can always be rebuilt from the output. Text never contains
tabs or newlines here (documents are cleaned on reading and sentences are single lines).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Sequence

from translate import TOOL_NAME, __version__
from translate.pipeline import DocumentResult, SentencePair
from translate.xml_text import xml_safe

FORMATS = ("tsv", "moses", "jsonl", "tmx")
# Every file a document may have, whatever --formats says, so that names are chosen once for all.
DOCUMENT_SUFFIXES = (".paragraphs.fr-en.tsv", ".fr-en.tsv", ".fr", ".en", ".jsonl", ".tmx")
CORPUS_FILES = ("corpus.fr", "corpus.en", "corpus.tmx")


def document_files(out_dir: Path, document: DocumentResult, formats: Sequence[str]) -> dict[Path, str]:
    """The files of one document, by path; the paragraph-level TSV is always written."""
    name = document.name
    pairs = document.pairs
    files = {out_dir / f"{name}.paragraphs.fr-en.tsv": render_paragraphs_tsv(document)}
    if "tsv" in formats:
        files[out_dir / f"{name}.fr-en.tsv"] = render_tsv(pairs)
    if "moses" in formats:
        files[out_dir / f"{name}.fr"] = render_moses(pair.fr for pair in pairs)
        files[out_dir / f"{name}.en"] = render_moses(pair.en for pair in pairs)
    if "jsonl" in formats:
        files[out_dir / f"{name}.jsonl"] = render_jsonl(name, pairs)
    if "tmx" in formats:
        files[out_dir / f"{name}.tmx"] = render_tmx(pairs)
    return files


def corpus_files(out_dir: Path, documents: Sequence[DocumentResult], formats: Sequence[str]) -> dict[Path, str]:
    """``corpus.*`` files concatenating all documents, in input order."""
    pairs = [pair for document in documents for pair in document.pairs]
    files = {}
    if "moses" in formats:
        files[out_dir / "corpus.fr"] = render_moses(pair.fr for pair in pairs)
        files[out_dir / "corpus.en"] = render_moses(pair.en for pair in pairs)
    if "tmx" in formats:
        files[out_dir / "corpus.tmx"] = render_tmx(pairs)
    return files


def render_tsv(pairs: Sequence[SentencePair]) -> str:
    lines = ["paragraph\tfr\ten\tscore"]
    lines += [f"{pair.paragraph}\t{pair.fr}\t{pair.en}\t{pair.score:.4f}" for pair in pairs]
    return "\n".join(lines) + "\n"


def render_paragraphs_tsv(document: DocumentResult) -> str:
    lines = ["paragraph\tfr\ten"]
    lines += [f"{paragraph.index}\t{paragraph.french}\t{paragraph.english}" for paragraph in document.paragraphs]
    return "\n".join(lines) + "\n"


def render_moses(sides) -> str:
    return "".join(f"{line}\n" for line in sides)


def render_jsonl(name: str, pairs: Sequence[SentencePair]) -> str:
    records = (
        {"doc": name, "paragraph": pair.paragraph, "src_ids": list(pair.src_ids), "tgt_ids": list(pair.tgt_ids), "fr": pair.fr, "en": pair.en, "score": pair.score}
        for pair in pairs
    )
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records)


def render_tmx(pairs: Sequence[SentencePair]) -> str:
    """TMX 1.4b: one ``<tu>`` per bead; an empty side has no ``<tuv>`` (the TU is then monolingual).

    Characters that XML 1.0 forbids become U+FFFD (``xml_text``); the manifest counts them.

    No creation date is written, so that re-running on the same input gives byte-identical files.
    """
    tmx = ElementTree.Element("tmx", version="1.4")
    ElementTree.SubElement(
        tmx, "header",
        creationtool=TOOL_NAME, creationtoolversion=__version__, segtype="sentence", adminlang="en",
        srclang="fr", datatype="plaintext", **{"o-tmf": "plaintext"},
    )
    body = ElementTree.SubElement(tmx, "body")
    for pair in pairs:
        unit = ElementTree.SubElement(body, "tu")
        ElementTree.SubElement(unit, "prop", type="x-score").text = f"{pair.score:.4f}"
        ElementTree.SubElement(unit, "prop", type="x-paragraph").text = str(pair.paragraph)
        for lang, text in (("fr", pair.fr), ("en", pair.en)):
            if text:
                variant = ElementTree.SubElement(unit, "tuv", {"xml:lang": lang})
                ElementTree.SubElement(variant, "seg").text = xml_safe(text)
    ElementTree.indent(tmx)
    return '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n' + ElementTree.tostring(tmx, encoding="unicode") + "\n"
