"""French→English translation with MarianMT and parallel-corpus building."""

from importlib.metadata import PackageNotFoundError, version

TOOL_NAME = "fr-en-translate"
"""The distribution name, recorded in TMX headers and the manifest."""

try:
    __version__ = version(TOOL_NAME)
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
