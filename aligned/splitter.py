"""Rule-based sentence splitter for French, English and German, with exact character offsets.

Why rules and not a library or a model: the aligner needs spans that are exact substrings of the
input (no character lost, changed or duplicated), the same answer on every machine, no downloads,
and French typography (« … », non-breaking spaces before ; : ! ?, dialogue dashes) handled on
purpose. benchmarks/splitter.py measures these rules against pysbd and sentencex.

How it works: every run of terminal punctuation (. ! ? … and mixes such as ?! or ...) together
with the closing quotes and brackets after it, and followed by whitespace, is a candidate
boundary. It becomes a boundary unless
  * the next word starts in lowercase or with , ; : (« Quoi ! » a-t-il dit / e.g. the),
  * a single period follows an abbreviation that never ends a sentence (M., Dr, cf., p.), an
    abbreviation of a number before a digit (No. 5), a list number (« étapes : 1. Préparer »)
    or a German ordinal (am 3. Mai),
  * a single period follows an initial or a short dotted abbreviation (J. Dupont, U.S., p.m.,
    J.-C.) and the next word is not a common sentence opener (… in the U.S. The …),
  * the terminal sits right after an opening bracket ([...], (…), (!)),
  * no letter has been seen since the previous boundary ("1. " opening a text, a lone "...").
A single newline is only whitespace, except that it makes a boundary after a line that ends a
sentence, even before a lowercase word, and before a dialogue dash (— or –) that opens a line.
A blank line always separates sentences.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from aligned.abbreviations import BEFORE_NUMBER, NEVER_FINAL, SENTENCE_STARTERS

__all__ = ["split_sentences", "sentence_spans"]

_TERMINALS = ".!?…‼⁇⁈⁉"
_CANDIDATE = re.compile(
    rf"""
      (?P<para>\n\s*\n|\u2029)                  # blank line: always a boundary
    | (?P<dash>\n)(?=[^\S\n]*[—–])              # dialogue dash opening a line
    | (?P<term>[{_TERMINALS}]+)                 # terminal punctuation, then more of it and
      (?:[{_TERMINALS}»«”“"'’‘)\]]             # closing quotes glued to it, or after a space
      | [^\S\n]+[{_TERMINALS}»)\]])*            # as in « … ! », « J.-C. ! » and tokenised "? )"
      (?=\s|$)                                  # followed by whitespace or the end
    """,
    re.VERBOSE,
)
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+['’]?")
_DOTTED = re.compile(r"[^\W\d_]{1,2}(?:\.-?[^\W\d_]{1,2})+")  # J.-P, U.S, L.A, p.m, Ph.D, J.-C
_OPENERS = "«“„‘\"'([{¿¡»"  # may stand before the first letter of a sentence (» opens in German)
_NOT_STARTERS = ",;:"  # text after a period that cannot open a sentence


def sentence_spans(text: str, lang: str = "fr") -> list[tuple[int, int]]:
    """Return (start, end) offsets of the sentences of ``text``, stripped of outer whitespace.

    The spans are in order, non-empty and non-overlapping, and only whitespace lies between
    them, so the sentences together hold every other character of ``text`` exactly once.
    ``lang`` ("fr", "en", "de", or a tag such as "fr-CA") picks the abbreviation list; any other
    value uses the language-independent rules.
    """
    key = _language_key(lang)
    cuts = [0]
    letter_seen, scanned = False, 0
    for match in _CANDIDATE.finditer(text):
        if not letter_seen:
            letter_seen = _LETTER.search(text, scanned, match.start()) is not None
        scanned = match.end()
        if match.lastgroup != "term" or (letter_seen and _ends_sentence(text, match, key)):
            cuts.append(match.end())
            letter_seen = False
    cuts.append(len(text))
    return [span for a, b in zip(cuts, cuts[1:]) if (span := _strip(text, a, b))]


def split_sentences(text: str, lang: str = "fr") -> list[str]:
    """Split ``text`` into sentences; each one is ``text[start:end]`` of ``sentence_spans``."""
    return [text[a:b] for a, b in sentence_spans(text, lang)]


def _language_key(lang: str) -> str:
    """Map a tag such as "fr-CA" to "fr"; unknown languages to "" (language-independent rules)."""
    key = str(lang or "").lower().replace("_", "-").split("-")[0]
    return key if key in NEVER_FINAL else ""


def _ends_sentence(text: str, match: re.Match[str], lang: str) -> bool:
    """Decide whether a candidate (terminal punctuation followed by whitespace) is a boundary."""
    start = match.start("term")
    if start and text[start - 1] in "([":  # [...] (…) (!) (?) inside a sentence
        return False
    after = _skip(text, match.end(), lambda c: c.isspace())
    newline = "\n" in text[match.end() : after]
    first = _skip(text, after, lambda c: c in _OPENERS or c.isspace())
    if first == len(text):
        return True
    nxt = text[first]
    lone_period = text[start] == "." and sum(c in _TERMINALS for c in match.group()) == 1
    if lone_period and _is_abbreviation(text, start, first, lang):
        return False
    return newline or not (nxt.islower() or nxt in _NOT_STARTERS)


def _is_abbreviation(text: str, period: int, first: int, lang: str) -> bool:
    """True when the period at ``period`` marks an abbreviation rather than a sentence end;
    ``first`` is where the next sentence would start."""
    word = _word_before(text, period)
    if word in NEVER_FINAL[lang] or (text[first].isdigit() and word in BEFORE_NUMBER):
        return True
    if (len(word) == 1 and word.isupper()) or _DOTTED.fullmatch(word):  # J. Dupont, U.S. Senate
        nxt = _WORD.match(text, first)
        return not (nxt and nxt.group().replace("’", "'") in SENTENCE_STARTERS[lang])
    if word.isdigit() and len(word) <= 2:
        # list numbers ("étapes : 1. Préparer", a line "2. Cuire") and German ordinals ("am 3. Mai")
        before = period - len(word)
        while before and text[before - 1] in " \t\u00a0\u202f":
            before -= 1
        return lang == "de" or not before or text[before - 1] in ":\n"
    return False


def _word_before(text: str, end: int) -> str:
    """The word before ``end``, without opening quotes or brackets or an elided article (l'art)."""
    start = end
    while start and not text[start - 1].isspace():
        start -= 1
    word = text[start:end].lstrip(_OPENERS)
    return word[max(word.rfind("'"), word.rfind("’")) + 1 :]


def _skip(text: str, pos: int, skippable: Callable[[str], bool]) -> int:
    """First position from ``pos`` on whose character is not ``skippable``."""
    while pos < len(text) and skippable(text[pos]):
        pos += 1
    return pos


def _strip(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Shrink [start, end) to leave out outer whitespace; None when nothing else is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
