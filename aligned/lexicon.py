"""Bilingual dictionary signal: which target words the source words translate to.

Sentence embeddings can miss that "Gipfel" and "sommet" are the same word; a dictionary
cannot. A source sentence becomes a bag of the target-language words its words translate
to, a target sentence the bag of its own words, and the two bags are compared like the
n-gram profiles (hashed counts, so spans are sums and nothing is re-tokenised).

Words are reduced crudely but without any language resource: lower-case, no accents,
letters only, at least 3 of them; target words are cut to their first 5 letters, and a
source word missing from the dictionary is looked up by its first 6 letters, which
catches most inflections ("Berges", "gingen") and costs a few false friends.

Dictionaries come from FreeDict (Debian/Ubuntu `dict-freedict-deu-fra` and the like, or
freedict.org: dictd `.index` + `.dict.dz` files) or from a plain TSV word list.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from .ngrams import fold

BUCKETS = 4096
FREEDICT_DIR = Path("/usr/share/dictd")
MIN_LETTERS = 3
TARGET_STEM = 5  # letters of a target word kept: "montagnes" and "montagne" meet
SOURCE_PREFIX = 6  # letters of an unknown source word looked up
_WORD = re.compile(r"[^\W\d_]+")
_ISO3 = {
    "de": "deu",
    "fr": "fra",
    "en": "eng",
    "es": "spa",
    "it": "ita",
    "nl": "nld",
    "pt": "por",
    "pl": "pol",
    "sv": "swe",
    "fi": "fin",
    "ru": "rus",
    "el": "ell",
    "tr": "tur",
    "la": "lat",
}
_B64 = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


class DictionaryError(ValueError):
    """A dictionary file that cannot be read or holds no translations."""


def words(text: str) -> list[str]:
    """Lower-case, accent-free words of at least MIN_LETTERS letters."""
    return [w for w in _WORD.findall(fold(text)) if len(w) >= MIN_LETTERS]


def _bucket(stem: str) -> int:
    return zlib.crc32(stem.encode("utf-8")) % BUCKETS


class Lexicon:
    """Source word -> target word stems, with bags of words for both sides."""

    def __init__(self, table: Mapping[str, Iterable[str]], name: str = "dictionary"):
        self.table = {word: frozenset(stems) for word, stems in table.items() if stems}
        if not self.table:
            raise DictionaryError(
                f"{name}: no translations found; give a FreeDict .index file or a TSV of 'source<TAB>target' lines"
            )
        by_prefix: dict[str, set[str]] = defaultdict(set)
        for word, stems in self.table.items():
            by_prefix[word[:SOURCE_PREFIX]] |= stems
        self._by_prefix = dict(by_prefix)

    def __len__(self) -> int:
        """Source words with at least one translation."""
        return len(self.table)

    @cached_property
    def fingerprint(self) -> str:
        """SHA-256 of the entries: two lexicons with the same entries align alike, whatever
        files they came from (it keys cached alignments)."""
        digest = hashlib.sha256()
        for word in sorted(self.table):
            digest.update(f"{word}\t{chr(31).join(sorted(self.table[word]))}\n".encode())
        return digest.hexdigest()

    def translations(self, word: str) -> frozenset[str]:
        """Target stems of a source word (from `words`), empty if unknown."""
        found = self.table.get(word)
        return found if found is not None else frozenset(self._by_prefix.get(word[:SOURCE_PREFIX], ()))

    def source_bags(self, sentences: Sequence[str]) -> np.ndarray:
        """(n, BUCKETS): each source word spreads a weight of 1 over its translations."""
        out = np.zeros((len(sentences), BUCKETS), dtype=np.float32)
        for row, sentence in enumerate(sentences):
            for word in words(sentence):
                stems = self.translations(word)
                for stem in stems:
                    out[row, _bucket(stem)] += 1.0 / len(stems)
        return out

    @staticmethod
    def target_bags(sentences: Sequence[str]) -> np.ndarray:
        """(n, BUCKETS): counts of each target word stem."""
        out = np.zeros((len(sentences), BUCKETS), dtype=np.float32)
        for row, sentence in enumerate(sentences):
            for word in words(sentence):
                out[row, _bucket(word[:TARGET_STEM])] += 1.0
        return out

    @classmethod
    def load(cls, path: str | Path, reverse: str | Path | None = None) -> Lexicon:
        """A FreeDict dictd dictionary (its `.index` file, `.dict.dz` beside it) or a TSV
        word list; `reverse`, a dictionary the other way (target -> source), adds its pairs."""
        table: dict[str, set[str]] = defaultdict(set)
        for source, target in _pairs(Path(path)):
            table[source].update(w[:TARGET_STEM] for w in words(target))
        if reverse is not None:
            for target, source in _pairs(Path(reverse)):
                for word in words(source):
                    table[word].add(target[:TARGET_STEM])
        return cls(table, name=str(path))

    @classmethod
    def from_option(cls, spec: str, src_lang: str, tgt_lang: str) -> Lexicon:
        """What a `--dictionary` option names: 'freedict' (the installed FreeDict dictionaries
        between the two languages) or a dictionary file (see `load`)."""
        return cls.freedict(src_lang, tgt_lang) if spec == "freedict" else cls.load(spec)

    @classmethod
    def freedict(cls, src_lang: str, tgt_lang: str, root: str | Path = FREEDICT_DIR) -> Lexicon:
        """The installed FreeDict dictionaries between two languages (ISO 639-1 or -3 codes):
        `freedict-SRC-TGT`, plus `freedict-TGT-SRC` where installed."""
        src, tgt = (_ISO3.get(lang, lang) for lang in (src_lang, tgt_lang))
        forward, backward = (Path(root) / f"freedict-{a}-{b}.index" for a, b in ((src, tgt), (tgt, src)))
        if not forward.exists():
            raise DictionaryError(
                f"no FreeDict {src}-{tgt} dictionary in {root}; install it "
                f"(e.g. 'apt-get install dict-freedict-{src}-{tgt}') or give a dictionary file"
            )
        return _cached_load(forward, backward if backward.exists() else None)


@lru_cache(maxsize=4)
def _cached_load(path: Path, reverse: Path | None) -> Lexicon:
    return Lexicon.load(path, reverse)


def _pairs(path: Path) -> Iterable[tuple[str, str]]:
    """(source word, target text) pairs of a dictionary file; single-word sources only."""
    if not path.is_file():
        raise DictionaryError(
            f"{path}: {'is a directory' if path.is_dir() else 'no such file'}; "
            "give a FreeDict .index file or a TSV of 'source<TAB>target' lines"
        )
    if path.suffix == ".index":
        yield from _dictd_pairs(path)
        return
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise DictionaryError(
            f"{path}: not UTF-8 text; give a TSV of 'source<TAB>target' lines or a FreeDict .index file"
        ) from None
    for line in lines:
        source, _, target = line.partition("\t")
        head = words(source)
        if len(head) == 1 and target.strip():
            yield head[0], target


def _dictd_pairs(index: Path) -> Iterable[tuple[str, str]]:
    """FreeDict dictd entries: 'headword /ipa/ <pos>', then translation lines ('1. a, b')
    each followed by a gloss in the source language, which is skipped."""
    data_path = index.with_suffix(".dict.dz")
    try:
        data = gzip.open(data_path).read() if data_path.exists() else index.with_suffix(".dict").read_bytes()
    except (OSError, EOFError) as err:
        raise DictionaryError(f"{data_path}: unreadable dictd data ({err})") from None
    for line in index.read_text(encoding="utf-8", errors="replace").splitlines():
        fields = line.split("\t")
        if len(fields) != 3 or fields[0].startswith("00"):
            continue  # 00-database-* entries describe the dictionary itself
        offset, length = _base64(fields[1], index), _base64(fields[2], index)
        entry = data[offset : offset + length].decode("utf-8", "replace").split("\n")
        head = words(re.split(r" /| <", entry[0], maxsplit=1)[0])
        if len(head) != 1:
            continue
        for translation in entry[1:2] + [x for x in entry[2:] if re.match(r"\d+\. ", x)]:
            yield head[0], re.sub(r"\s\d+\.\s*$", "", re.sub(r"^\d+\. ", "", translation))


def _base64(text: str, index: Path) -> int:
    """dictd offsets and lengths are base-64 numbers."""
    value = 0
    for char in text:
        if char not in _B64:
            raise DictionaryError(f"{index}: not a dictd index ({text!r} is not a base-64 offset)")
        value = value * 64 + _B64[char]
    return value
