"""French→English translation with MarianMT and parallel-corpus building."""
