"""French→English translation with MarianMT and parallel-corpus building."""

from importlib.metadata import PackageNotFoundError, version

from aligned.user_cache import TOOL_NAME

__all__ = ["TOOL_NAME", "__version__"]

try:
    __version__ = version(TOOL_NAME)
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
