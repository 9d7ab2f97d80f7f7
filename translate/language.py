"""Cheap checks that a document is French (and a human translation English), so input in another
language is flagged rather than hidden.

The model translates whatever it is given; a user building a corpus wants to know when a file
was English, Arabic or only emoji. Function words are a reliable signal on a paragraph or more
of text, and need no model.
"""

from __future__ import annotations

import re
import unicodedata

_FRENCH = frozenset(
    "le la les de des du un une et est en que qui dans pour pas sur au aux ce cette il elle ils nous vous sont avec "
    "par plus ne se sa son ses leur été être a ont mais où".split()
)
_ENGLISH = frozenset(
    "the of and to in is that for it with as was on are be by this have from or were which an not his her they has "
    "had you at".split()
)
_WORD = re.compile(r"\w+", re.UNICODE)
_MARKUP = re.compile(r"<[^<>]{1,200}>|\{\{.*?\}\}|&\w+;")


def language_flag(text: str) -> str | None:
    """None when ``text`` looks French, else a short reason for the manifest."""
    return _flag(text, "French")


def english_flag(text: str) -> str | None:
    """None when ``text`` looks English, else a short reason: the mirror of ``language_flag`` for
    the human translations ``translate --english`` aligns (a French copy or a German file put in
    the English folder is a common mistake)."""
    return _flag(text, "English")


def _flag(text: str, expected: str) -> str | None:
    """None when ``text`` looks ``expected`` (French or English), else why not."""
    flag = _script_flag(text)
    if flag:
        return flag
    words, french, english = _function_words(text)
    wanted, other, other_name = (french, english, "English") if expected == "French" else (english, french, "French")
    if words >= 8 and other > 2 * wanted:
        return f"looks like {other_name}"
    if words >= 20 and wanted < 0.05 * words:
        return f"few {expected} function words"
    return None


def _script_flag(text: str) -> str | None:
    """A reason when ``text`` is no Latin-script prose at all (no letters, another script, markup)."""
    # Counted on the fly, never listed: a 20 MB document must not cost hundreds of MB here.
    letters = latin = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            latin += "LATIN" in unicodedata.name(ch, "")
    if not letters:
        return "no letters (symbols, digits or emoji only)"
    if latin / letters < 0.5:
        return "mostly non-Latin script"
    if len(_MARKUP.sub("", text).strip()) < 0.5 * len(text.strip()):
        return "mostly markup (HTML/XML tags or templates)"
    return None


def _function_words(text: str) -> tuple[int, int, int]:
    """Words, French function words and English function words in ``text``."""
    words = french = english = 0
    for match in _WORD.finditer(text):
        word = match.group().lower()
        words += 1
        french += word in _FRENCH
        english += word in _ENGLISH
    return words, french, english
