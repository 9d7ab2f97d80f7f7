"""``translate SRC... --english PATH``: parallel corpora from existing human translations.

Each French document is paired with its English translation (same file stem, any input format),
both are read by the same readers and guards as any input, their sentences are aligned over the
whole document (``translate.document_alignment``), and the pairs go through the same writers as
a translated run: per-document files, ``corpus.*``, review pages, ``manifest.json``. No model is
loaded and the hub is never contacted, unless ``--mt-assist`` asks for machine translations of
the French sentences as one more signal for the aligner (loaded as a translated run loads it).

What cannot be made from a human translation is refused: ``--formats doc`` (the English
document already exists) and ``--reference`` (BLEU of a human translation against itself).
"""

from __future__ import annotations

import argparse
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from aligned.lexicon import Lexicon
from translate.backends import Backend, DecodingSettings
from translate.backends.loading import load_backend
from translate.document_alignment import Sentences, align_document, document_result, document_sentences
from translate.documents import Document, DocumentError, find_documents, read_document, shown
from translate.errors import StopRun
from translate.inputs import find_inputs, read_inputs
from translate.language import english_flag
from translate.messages import warn
from translate.model_files import ModelFiles, resolve_model
from translate.outputs.corpus_files import DEFAULT_FORMATS, DOCUMENT
from translate.outputs.folder import earlier_run
from translate.outputs.manifest import manifest_head
from translate.outputs.publish import OutputOptions, Publisher
from translate.outputs.review import run_facts
from translate.progress import Progress
from translate.run import (
    OUTPUT_SUFFIXES,
    RESERVED_NAMES,
    capped_threads,
    decoding_record,
    failure_reporter,
    finish_run,
    open_translator,
)
from translate.translation import TranslationStats, Translator

HUMAN, HUMAN_MT_ASSIST = "human", "human+mt-assist"  # manifest.json's "english"
# English characters per French character outside this range: a part is likely missing or extra
# (English runs about 0.9-1.0 times as long as French; FLORES devtest: 0.93).
LENGTH_RATIO_RANGE = (0.5, 2.0)


@dataclass
class _Pair:
    """A French document with its English translation, read, and their sentences."""

    french: Document
    english: Document
    english_path: Path
    french_sentences: Sentences
    english_sentences: Sentences
    length_ratio: float  # English characters per French character
    language_flag: str | None  # why the English does not look English, if it does not


def run_english(args: argparse.Namespace, out_dir: Path, started: float, lexicon: Lexicon | None) -> int:
    """The whole run, from reading to the summary line; returns the exit status."""
    _check_options(args)
    options = OutputOptions(
        formats=args.formats or [fmt for fmt in DEFAULT_FORMATS if fmt != DOCUMENT], min_score=args.min_score
    )
    inputs, failures = find_inputs(args.sources, OUTPUT_SUFFIXES, RESERVED_NAMES)
    documents = list(read_inputs(inputs, failures))

    fail = failure_reporter(failures)
    pairs = _pair_documents(documents, [failure.path for failure in failures], args.english, fail)
    engine = _Engine.open(args, out_dir) if args.mt_assist else None
    settings = {
        "english": shown(args.english),
        "mt_assist": args.mt_assist,
        "formats": list(options.formats),
        "min_score": args.min_score,
        "dictionary": args.dictionary,
        **(engine.settings(args) if engine else {}),
    }
    head = manifest_head(
        engine.model if engine else None,
        engine.backend.name if engine else None,
        settings,
        english=HUMAN_MT_ASSIST if engine else HUMAN,
    )
    english_records = {pair.french.name: _english_record(pair) for pair in pairs}
    earlier = earlier_run(out_dir)
    try:
        with (
            Progress(enabled=not args.quiet) as progress,
            Publisher(out_dir, options, fail, warn, run_facts(head), english_records) as publisher,
        ):
            translations = (
                engine.translate([pair.french_sentences for pair in pairs], progress.stage("translating", "piece"))
                if engine
                else [None] * len(pairs)
            )
            aligned = progress.stage("aligning and writing", "document")
            for pair, mt in zip(pairs, translations):
                beads = align_document(pair.french_sentences, pair.english_sentences, mt, lexicon)
                publisher.add(document_result(pair.french, pair.french_sentences, pair.english_sentences, beads))
                aligned(1, len(pairs))
            published = publisher.finish()
    finally:
        if engine:
            engine.close()
    stats = engine.translator.stats if engine else TranslationStats()
    return finish_run(
        out_dir, earlier, published, options, failures, fail, head, stats, engine and engine.name, started
    )


def _check_options(args: argparse.Namespace) -> None:
    """Usage errors (exit 2, before anything is read): what a human translation cannot give."""
    if args.english is None:
        raise StopRun("--mt-assist needs --english PATH (the human translations to align); drop it to translate")
    if args.reference is not None:
        raise StopRun(
            "--reference scores machine translations, and --english aligns human ones: drop one of the two options"
        )
    if args.formats and DOCUMENT in args.formats:
        raise StopRun("--formats doc writes a translated document; with --english the English one exists: drop doc")
    if args.engine != "local":
        raise StopRun(f"--engine {args.engine} does not apply to --english (the model work is local); drop it")
    if not args.english.exists():
        raise StopRun(f"--english {shown(args.english)}: no such file or directory; pass the English translation(s)")
    if args.english.is_file() and not (len(args.sources) == 1 and args.sources[0].is_file()):
        raise StopRun(
            f"--english {shown(args.english)} is one file, for one SRC file; pass a folder of English documents "
            "named like the French ones"
        )


def _pair_documents(
    documents: list[Document], unreadable: list[Path], english: Path, fail: Callable[[DocumentError], None]
) -> list[_Pair]:
    """Each French document with its English partner, read and checked; a document without
    one fails (one error line), an English file without a French partner is one warning (not
    when its French partner is among the ``unreadable`` sources, which failed already)."""
    if english.is_file():
        partners = {document.name: [english] for document in documents}
    else:
        partners = _partners(documents, unreadable, english)
    pairs = []
    for document in documents:
        paths = partners[document.name]
        if len(paths) != 1:
            what = (
                f"several English files for it ({', '.join(map(shown, paths))}); keep one"
                if paths
                else f"no English translation {shown(document.path.stem)}.* (or "
                f"{shown(_untagged(document.path.stem, 'fr'))}.en.*) in {shown(english)}; add it or leave the "
                "document out"
            )
            fail(DocumentError(document.name, document.path, f"{shown(document.path)}: {what}"))
            continue
        pair = _read_pair(document, paths[0], fail)
        if pair is not None:
            pairs.append(pair)
    return pairs


# A language tag ending a file stem ("a.fr", "a_en", "a-EN"): the same document in two languages.
_TAGS = {
    "fr": re.compile(r"[._-](fr|fra|fre|french)$", re.IGNORECASE),
    "en": re.compile(r"[._-](en|eng|english)$", re.IGNORECASE),
}


def _untagged(stem: str, lang: str) -> str:
    return _TAGS[lang].sub("", stem)


def _partners(documents: list[Document], unreadable: list[Path], english: Path) -> dict[str, list[Path]]:
    """The English files in the ``english`` folder for each French document, by name: those of
    the same stem (``a.txt``, ``a.md``), else those of the same stem once a language tag is left
    out of both (``a.fr.txt`` with ``a.en.txt``, ``a_FR.md`` with ``a.txt``). An English file no
    French document takes (nor an ``unreadable`` one, which failed already) is one warning."""
    french_paths = {document.path.resolve() for document in documents}
    found, _ = find_documents([english])  # an empty folder leaves every document without its partner
    by_stem: dict[str, list[Path]] = defaultdict(list)
    by_untagged: dict[str, list[Path]] = defaultdict(list)
    for path in found:
        if path.resolve() not in french_paths:
            by_stem[path.stem].append(path)
            by_untagged[_untagged(path.stem, "en")].append(path)
    partners = {
        document.name: by_stem.get(document.path.stem) or by_untagged.get(_untagged(document.path.stem, "fr"), [])
        for document in documents
    }
    taken = {path for paths in partners.values() for path in paths}
    failed_stems = {path.stem for path in unreadable} | {_untagged(path.stem, "fr") for path in unreadable}
    for path in found:
        if path in taken or path.resolve() in french_paths:
            continue
        if path.stem not in failed_stems and _untagged(path.stem, "en") not in failed_stems:
            warn(f"{shown(path)}: no French document named {shown(path.stem)}.* among SRC; not aligned")
    return partners


def _read_pair(document: Document, path: Path, fail: Callable[[DocumentError], None]) -> _Pair | None:
    """Read the English side with every guard a French input gets; warn when it does not look
    English or its length is far from the French's (aligned anyway: the review shows the rest)."""
    english = read_document(path, document.name)
    if isinstance(english, DocumentError):
        fail(DocumentError(document.name, document.path, f"{english.reason} (the English of {shown(document.path)})"))
        return None
    for note in english.notes:
        warn(f"{shown(path)}: {note}")
    flag = english_flag(english.text)
    if flag:
        warn(f"{shown(path)}: {flag}, not English; aligned as is and flagged in the manifest")
    ratio = _length_ratio(document, english)
    low, high = LENGTH_RATIO_RANGE
    if not low <= ratio <= high:
        warn(
            f"{shown(path)} is {ratio:.2f} times as long as {shown(document.path)} (characters; {low}-{high} is "
            "usual): a part may be missing or extra; aligned anyway, unaligned sentences are flagged on the review page"
        )
    return _Pair(
        document,
        english,
        path,
        document_sentences([segment.text for segment in document.segments], "fr"),
        document_sentences([segment.text for segment in english.segments], "en"),
        ratio,
        flag,
    )


def _length_ratio(french: Document, english: Document) -> float:
    """English characters per French character, spaces left out (layout is not length)."""
    letters = sum(len(segment.text.replace(" ", "")) for segment in french.segments)
    return sum(len(segment.text.replace(" ", "")) for segment in english.segments) / max(letters, 1)


def _english_record(pair: _Pair) -> dict:
    """What manifest.json says about a document's English: where it came from, exactly which
    file (SHA-256), and what was found or repaired in it."""
    return {
        "source": shown(pair.english_path),
        "sha256": hashlib.sha256(pair.english_path.read_bytes()).hexdigest(),
        "paragraphs": len(pair.english.segments),
        "sentences": len(pair.english_sentences.texts),
        "length_ratio": round(pair.length_ratio, 3),
        "language_flag": pair.language_flag,
        "input_repairs": list(pair.english.notes),
    }


@dataclass
class _Engine:
    """The model for ``--mt-assist``, loaded and cached exactly as a translated run does."""

    model: ModelFiles
    backend: Backend
    translator: Translator
    cache_path: Path | None
    threads: int | None
    name: str

    @classmethod
    def open(cls, args: argparse.Namespace, out_dir: Path) -> _Engine:
        threads = capped_threads(args.threads)
        model = resolve_model(args.model)
        settings = DecodingSettings(beam=args.beam)
        backend = load_backend(args.backend, model, settings, args.device, threads, args.compute_type)
        translator, cache_path, name = open_translator(args, out_dir, model, backend, settings)
        return cls(model, backend, translator, cache_path, threads, name)

    def translate(self, documents: list[Sentences], progress: Callable[[int, int], None]) -> list[list[str]]:
        """The English of each French sentence, by document: all documents in one pool, so
        batches are full and repeated sentences are translated once."""
        flat = self.translator.translate([text for sentences in documents for text in sentences.texts], progress)
        english = iter(flat)
        return [[next(english) for _ in sentences.texts] for sentences in documents]

    def settings(self, args: argparse.Namespace) -> dict:
        """The decoding settings manifest.json records, as a translated run records them."""
        return decoding_record(args, self.translator, self.threads, self.cache_path)

    def close(self) -> None:
        if self.translator.cache:
            self.translator.cache.close()
