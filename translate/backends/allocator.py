"""glibc's malloc settings for CTranslate2 on a CPU: keep freed memory for the next decoding step.

Each decoding step allocates and frees buffers of a few MB (logits over the 59,514-token
vocabulary for every hypothesis, attention caches as they grow). By default glibc adjusts when
such a buffer gets its own ``mmap`` and returns freed memory above 128 KB at the top of the heap
to the kernel, so the same pages are unmapped, faulted in and zeroed again step after step: 6 s of
system time in a 15 s decoding of 16 paragraphs at beam 4. Fixing the mmap threshold at its
largest value (32 MB on 64-bit) and trimming only past 1 GB keeps them: CTranslate2 alone decoded
those paragraphs in 11.2-12.5 s instead of 14.3-14.9 s (int8, two workers; system time 0.7 s),
with the same peak RSS (docs/speed.md). Trimming alone (which also fixes the threshold at 128 KB)
took 27 s: every buffer was its own mmap.
"""

from __future__ import annotations

import ctypes
import os

M_TRIM_THRESHOLD = -1  # mallopt parameters, from glibc's malloc.h
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 2**20  # glibc's upper bound for M_MMAP_THRESHOLD on 64-bit systems
TRIM_THRESHOLD = 2**30
# A user who tunes malloc through the environment keeps their settings.
USER_SETTINGS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_")


def keep_freed_memory() -> bool:
    """Apply the settings above to this process; False where they do not apply (a C library
    without ``mallopt``, or malloc already tuned through the environment)."""
    if any(name in os.environ for name in USER_SETTINGS) or "glibc.malloc." in os.environ.get("GLIBC_TUNABLES", ""):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library this process runs on
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
