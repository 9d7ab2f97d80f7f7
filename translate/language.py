"""A cheap check that a document is French, so non-French input is flagged rather than hidden.

The model translates whatever it is given; a user building a corpus wants to know when a file
was English, Arabic or only emoji. Function words are a reliable signal on a paragraph or more
of text, and need no model.
"""

from __future__ import annotations

import re
import unicodedata

_FRENCH = frozenset("le la les de des du un une et est en que qui dans pour pas sur au aux ce cette il elle ils nous vous sont avec par plus ne se sa son ses leur été être a ont mais où".split())
_ENGLISH = frozenset("the of and to in is that for it with as was on are be by this have from or were which an not his her they has had you at".split())
_WORD = re.compile(r"\w+", re.UNICODE)
_MARKUP = re.compile(r"<[^<>]{1,200}>|\{\{.*?\}\}|&\w+;")


def language_flag(text: str) -> str | None:
    """None when ``text`` looks French, else a short reason for the manifest."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return "no letters (symbols, digits or emoji only)"
    latin = sum("LATIN" in unicodedata.name(ch, "") for ch in letters)
    if latin / len(letters) < 0.5:
        return "mostly non-Latin script"
    if len(_MARKUP.sub("", text).strip()) < 0.5 * len(text.strip()):
        return "mostly markup (HTML/XML tags or templates)"
    words = [word.lower() for word in _WORD.findall(text)]
    french = sum(word in _FRENCH for word in words)
    english = sum(word in _ENGLISH for word in words)
    if len(words) >= 8 and english > 2 * french:
        return "looks like English"
    if len(words) >= 20 and french < 0.05 * len(words):
        return "few French function words"
    return None
