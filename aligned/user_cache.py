"""The tool's folder in the user's cache, shared by ``translate`` and ``aligned``.

It lives in ``aligned``, the lowest package, because both need it and ``aligned`` never imports
``translate``: ``translate`` keeps its converted models and fingerprint memos there, ``aligned``
its uncompressed copy of the sentence encoder's weights. The folder is named after the
distribution, so ``TOOL_NAME`` is defined here too and ``translate`` takes it from here.
"""

from __future__ import annotations

import os
from pathlib import Path

TOOL_NAME = "fr-en-translate"
"""The distribution name: the cache folder's name, recorded in TMX headers and the manifest."""


def user_cache() -> Path:
    """The tool's folder in the user's cache: ``$XDG_CACHE_HOME/fr-en-translate``, or
    ``~/.cache/fr-en-translate`` when XDG_CACHE_HOME is unset (converted models, fingerprint
    memos, the encoder's weights). Not created here.

    ``Path.home()`` raises RuntimeError when there is no home to find."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / TOOL_NAME
