"""Text that XML 1.0 can hold: every XML writer of the project passes its text through here.

XML 1.0 allows tab, newline, carriage return and the characters from U+0020 up, except the
surrogates and the noncharacters U+FFFE and U+FFFF. Any other character makes the whole file
unreadable to every XML parser, so it is replaced by U+FFFD (one for one, so positions and
counts still match the other corpus files) and the replacements are counted for the manifest.
"""

from __future__ import annotations

import re
from typing import Iterable

REPLACEMENT = "\ufffd"
_FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 forbids replaced by U+FFFD."""
    return _FORBIDDEN.sub(REPLACEMENT, text)


def xml_text(text: str) -> str:
    """``text`` ready to stand between two tags: XML-safe, with ``&``, ``<`` and ``>`` escaped."""
    return xml_safe(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def count_forbidden(texts: Iterable[str]) -> int:
    """How many characters ``xml_safe`` replaces in ``texts``."""
    return sum(len(_FORBIDDEN.findall(text)) for text in texts)
