"""The pipeline's alignment step: what `translate` aligns is what `aligned` gives for the same
sentences, with or without a dictionary."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from aligned import Lexicon, align, split_sentences
from eval.datasets import flores_documents
from translate.backends import OneBatchAtATime, Output
from translate.cache import TranslationCache
from translate.documents import Document
from translate.length_policy import LengthPolicy
from translate.pipeline import translate_documents
from translate.translation import Translator


class ReferenceBackend(OneBatchAtATime):
    """'Translates' by looking up a human translation, so the aligner sees real English."""

    name = "reference"

    def __init__(self, translations: dict[str, str]) -> None:
        self.translations = translations

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(text.split()) + 1 for text in texts]

    def translate_batch(self, texts: Sequence[str], max_new_tokens: int) -> list[Output]:
        return [Output(self.translations[text], True) for text in texts]


def test_dictionary_reaches_the_aligner(tmp_path: Path) -> None:
    documents = [d for d in flores_documents() if len(d.fra) >= 4][:3]
    french = {" ".join(d.fra): " ".join(d.eng) for d in documents}
    tsv = tmp_path / "fr-en.tsv"
    tsv.write_text(
        "gouvernement\tgovernment\nannée\tyear\nscientifiques\tscientists\npays\tcountry\n", encoding="utf-8"
    )
    lexicon = Lexicon.load(tsv)
    inputs = [Document(f"doc{k}", tmp_path / f"doc{k}.txt", text) for k, text in enumerate(french)]
    translator = Translator(ReferenceBackend(french), LengthPolicy())
    with_dictionary, without = (translate_documents(inputs, translator, lexicon=given) for given in (lexicon, None))
    for result, plain, text in zip(with_dictionary, without, french):
        src, tgt = split_sentences(text, "fr"), split_sentences(french[text], "en")
        expected = align(src, tgt, src_lang="fr", tgt_lang="en", lexicon=lexicon)
        assert [(p.src_ids, p.tgt_ids, p.score) for p in result.pairs] == [
            (b.src, b.tgt, round(b.score, 4)) for b in expected
        ]
        assert [p.score for p in result.pairs] != [p.score for p in plain.pairs]


def test_repeated_paragraphs_are_aligned_once_with_ids_through_each_document(tmp_path: Path, monkeypatch) -> None:
    documents = [d for d in flores_documents() if len(d.fra) >= 2][:3]
    english = {" ".join(d.fra): " ".join(d.eng) for d in documents}
    first, second, third = english
    texts = ["\n\n".join([first, second, first, first]), "\n\n".join([second, third, first])]
    calls = []
    monkeypatch.setattr("translate.pipeline.align", lambda src, tgt, **kw: calls.append(src) or align(src, tgt, **kw))
    progress = []
    inputs = [Document(f"doc{k}", tmp_path / f"doc{k}.txt", text) for k, text in enumerate(texts)]
    results = translate_documents(
        inputs,
        Translator(ReferenceBackend(english), LengthPolicy()),
        on_paragraphs_aligned=lambda done, total: progress.append((done, total)),
    )
    assert len(calls) == 3  # three distinct paragraphs among seven
    assert progress == [(0, 3)] + [(1, 3)] * 3  # none from a cache, then one by one
    for result, text in zip(results, texts):
        sentences = [s for paragraph in text.split("\n\n") for s in split_sentences(paragraph, "fr")]
        assert [i for pair in result.pairs for i in pair.src_ids] == list(range(len(sentences)))
        assert " ".join(pair.fr for pair in result.pairs if pair.fr) == " ".join(sentences)
        alone = translate_documents(
            [Document("alone", tmp_path / "alone.txt", text)], Translator(ReferenceBackend(english), LengthPolicy())
        )[0]
        assert result.pairs == alone.pairs


def test_alignments_are_kept_in_the_cache_and_reused(tmp_path: Path, monkeypatch) -> None:
    documents = [d for d in flores_documents() if len(d.fra) >= 3][:4]
    english = {" ".join(d.fra): " ".join(d.eng) for d in documents}
    inputs = [Document("doc", tmp_path / "doc.txt", "\n\n".join(english))]
    path = tmp_path / "cache.sqlite"

    warm_ups = []
    monkeypatch.setattr("translate.pipeline.warm_up", lambda: warm_ups.append(1))

    def run(lexicon: Lexicon | None = None):
        calls = []
        monkeypatch.setattr(
            "translate.pipeline.align", lambda src, tgt, **kw: calls.append(src) or align(src, tgt, **kw)
        )
        cache = TranslationCache(path, "model", "beam=4")
        results = translate_documents(
            inputs, Translator(ReferenceBackend(english), LengthPolicy(), cache=cache), lexicon=lexicon
        )
        cache.close()
        return results, len(calls)

    first, aligned_first = run()
    again, aligned_again = run()
    assert (aligned_first, aligned_again) == (4, 0)
    assert len(warm_ups) == 1, "a run with every translation cached does not load the sentence encoder"
    assert again[0].pairs == first[0].pairs
    tsv = tmp_path / "fr-en.tsv"
    tsv.write_text("gouvernement\tgovernment\n", encoding="utf-8")
    _, with_dictionary = run(Lexicon.load(tsv))
    assert with_dictionary == 4  # another aligner: nothing reused
