"""What every document format gives the pipeline, and what it gets back.

A reader turns a file's bytes into ``Parsed``: the translatable ``Segment``s in reading order
(heading, paragraph, list item, table cell, subtitle cue, ...), and a ``rebuild`` function that
takes one English text per segment, in the same order, and returns the translated file in the
input's own format. Everything that is not a segment (markup, code, URLs, timings, images,
styles) stays inside the reader's closure and comes back untouched.

Readers never print or exit: input they cannot use raises ``FormatError`` with a reason a user
can act on (the caller prefixes the file name), and repairs or omissions they made are
``Parsed.notes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, NamedTuple

# The kinds of segment readers give; recorded per pair in JSONL and TMX.
SEGMENT_KINDS = (
    "title",
    "heading",
    "paragraph",
    "list-item",
    "cell",
    "caption",
    "quote",
    "footnote",
    "header",
    "footer",
    "cue",
)


class FormatError(Exception):
    """A file this format cannot read: the message says what is wrong and what to do. When the
    content is not this format at all, the message starts with "not ..." or "binary ...", and
    the caller adds what the content looks like (a suffix that lies)."""


@dataclass(frozen=True)
class Segment:
    """One translatable piece of a document. ``text`` may hold line breaks and runs of spaces
    (the pipeline makes it one line); ``cues`` are subtitle cue numbers, empty elsewhere."""

    text: str
    kind: str = "paragraph"
    cues: tuple[int, ...] = ()


class Rebuilt(NamedTuple):
    """The translated file's bytes, and how many segments lost inline formatting on the way
    (a bold word inside a translated sentence cannot be placed again)."""

    data: bytes
    simplified: int = 0


@dataclass
class Parsed:
    """A document as its reader sees it: segments to translate, and how to put English back."""

    segments: list[Segment]
    rebuild: Callable[[list[str]], Rebuilt]
    notes: list[str] = field(default_factory=list)
