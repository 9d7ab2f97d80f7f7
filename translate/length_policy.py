"""How long inputs and outputs may be, so that nothing is truncated and nothing runs away.

Marian models have 512 positions on each side. A translation is allowed
``ceil(OUTPUT_RATIO * input_tokens) + OUTPUT_SLACK`` new tokens: French→English output is
rarely longer than the input, so 1.5x plus a little is generous for real text yet stops a
degenerate model from repeating itself for hundreds of tokens. For that bound to always fit the
decoder's positions, inputs are capped at ``max_input_tokens`` (334 for a 512-position model: floor((511 - 10) / 1.5));
longer paragraphs are cut at sentence boundaries before translation (see ``chunking``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

OUTPUT_RATIO = 1.5
OUTPUT_SLACK = 10
OUTPUT_BOUND = f"ceil({OUTPUT_RATIO} * input_tokens) + {OUTPUT_SLACK}"  # as the manifest records it


@dataclass(frozen=True)
class LengthPolicy:
    """Token limits derived from the model's number of positions."""

    max_positions: int = 512

    @property
    def max_output_tokens(self) -> int:
        """New tokens the decoder can produce (one position is taken by the start token)."""
        return self.max_positions - 1

    @property
    def max_input_tokens(self) -> int:
        """Largest input (with its end-of-sentence token) whose output bound still fits."""
        return min(self.max_positions, math.floor((self.max_output_tokens - OUTPUT_SLACK) / OUTPUT_RATIO))

    def max_new_tokens(self, input_tokens: int) -> int:
        """The output bound for an input of ``input_tokens`` tokens."""
        return min(self.max_output_tokens, math.ceil(OUTPUT_RATIO * input_tokens) + OUTPUT_SLACK)
