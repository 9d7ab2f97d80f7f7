"""French→English translation with MarianMT and parallel-corpus building."""

import os
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

TOOL_NAME = "fr-en-translate"
"""The distribution name, recorded in TMX headers and the manifest."""

try:
    __version__ = version(TOOL_NAME)
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"


def user_cache() -> Path:
    """The tool's folder in the user's cache: ``$XDG_CACHE_HOME/fr-en-translate``, or
    ``~/.cache/fr-en-translate`` when XDG_CACHE_HOME is unset (converted models, fingerprint memos)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / TOOL_NAME
