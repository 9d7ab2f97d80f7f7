"""The installed distribution as all three packages see it: its name, its version and its folder
in the user's cache.

It lives in ``aligned``, the lowest package, because ``translate`` and ``eval`` need it too and
``aligned`` never imports either: ``translate`` keeps its converted models and fingerprint memos
in the cache folder, ``aligned`` its uncompressed copy of the sentence encoder's weights; the
name and version go into TMX headers, manifests and alignment-score signatures.
"""

from __future__ import annotations

import os
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

TOOL_NAME = "fr-en-translate"
"""The distribution name: the cache folder's name, recorded in TMX headers and the manifest."""

try:
    TOOL_VERSION = version(TOOL_NAME)
except PackageNotFoundError:  # running from a source tree that was never installed
    TOOL_VERSION = "0+unknown"


def user_cache() -> Path:
    """The tool's folder in the user's cache: ``$XDG_CACHE_HOME/fr-en-translate``, or
    ``~/.cache/fr-en-translate`` when XDG_CACHE_HOME is unset (converted models, fingerprint
    memos, the encoder's weights). Not created here.

    ``Path.home()`` raises RuntimeError when there is no home to find."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / TOOL_NAME
