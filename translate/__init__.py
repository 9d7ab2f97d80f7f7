"""French→English translation with MarianMT and parallel-corpus building."""

from aligned.distribution import TOOL_NAME
from aligned.distribution import TOOL_VERSION as __version__

__all__ = ["TOOL_NAME", "__version__"]
