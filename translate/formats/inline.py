"""The inline-markup policy every format shares, in one place.

A translation is one line of English per segment; the markup that sat inside the French
(bold over two words, a link in mid-sentence, inline code) has no place in it that can be known.
So: markup around the whole segment is kept around the English; markup around part of it is
dropped (the segment counts as simplified); links and inline code are never lost: inline code
is marked again where its exact text appears in the English as whole words (models copy code
and identifiers), and what cannot be placed is kept after the English.
"""

from __future__ import annotations

import re
from typing import Sequence


def find_in_order(english: str, needles: Sequence[str]) -> list[tuple[int, int] | None]:
    """Where each needle stands in ``english`` as whole words, each searched after the previous
    one found (so marks keep their order); None for a needle that is not there, or blank."""
    spans: list[tuple[int, int] | None] = []
    cursor = 0
    for needle in needles:
        found = _whole_words(needle).search(english, cursor) if needle.strip() else None
        spans.append(found.span() if found else None)
        if found:
            cursor = found.end()
    return spans


def _whole_words(needle: str) -> re.Pattern[str]:
    before = r"(?<!\w)" if re.match(r"\w", needle) else ""
    after = r"(?!\w)" if re.search(r"\w$", needle) else ""
    return re.compile(before + re.escape(needle) + after)


def with_edges(french: str, english: str) -> str:
    """The English with a space where the French text began or ended with one, so that it stays
    apart from a field, picture or tag beside it ("Page " before a page number)."""
    lead = " " if french[:1].isspace() and not english[:1].isspace() else ""
    trail = " " if french[-1:].isspace() and not english[-1:].isspace() else ""
    return f"{lead}{english}{trail}"
