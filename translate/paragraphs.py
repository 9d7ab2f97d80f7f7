"""Cut a document into paragraphs: blocks of text separated by blank lines.

A paragraph is the unit of translation (the model sees whole paragraphs, so it has context
across sentences) and the unit inside which sentences are aligned. Line breaks inside a block
are layout, not meaning, so they become single spaces; every other character is kept as is.
"""

from __future__ import annotations

import re

_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")


def split_paragraphs(text: str) -> list[str]:
    """Return the non-empty blank-line separated blocks of ``text``, each on one line."""
    blocks = _BLANK_LINE.split(text)
    paragraphs = (" ".join(line.strip() for line in block.split("\n") if line.strip()) for block in blocks)
    return [paragraph for paragraph in paragraphs if paragraph]
