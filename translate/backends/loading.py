"""Pick and load a translation backend by name.

``auto`` (the default) is CTranslate2 when the ``ctranslate2`` package can be imported, else
transformers. When CTranslate2 is asked for but cannot run the model (package missing, conversion
or load failure), the transformers backend takes over after a one-line warning on stderr, so a
run never fails for want of the fast engine.
"""

from __future__ import annotations

import sys

from translate.backends import Backend, DecodingSettings
from translate.model_files import ModelFiles

BACKENDS = ("auto", "transformers", "ctranslate2")
# CTranslate2 weight/compute types (``--compute-type``); the transformers backend ignores it.
COMPUTE_TYPES = (
    "default",
    "auto",
    "float32",
    "int8",
    "int8_float32",
    "int8_float16",
    "int8_bfloat16",
    "int16",
    "float16",
    "bfloat16",
)
DEFAULT_COMPUTE_TYPE = "auto"


def load_backend(
    name: str,
    model: ModelFiles,
    settings: DecodingSettings,
    device: str,
    threads: int | None,
    compute_type: str = DEFAULT_COMPUTE_TYPE,
) -> Backend:
    """Load the backend ``name`` for ``model``; raises ``ModelError`` with a one-line message."""
    from translate.backends.transformers_backend import TransformersBackend

    if name not in BACKENDS:
        raise ValueError(f"unknown backend {name!r}; choose from {', '.join(BACKENDS)}")
    if name in ("auto", "ctranslate2"):
        reason = None
        try:
            from translate.backends.ctranslate2_backend import ConversionError, CTranslate2Backend
        except ImportError as error:  # ctranslate2 (or a library it needs) is not installed
            reason = f"the ctranslate2 package cannot be imported ({error})"
        else:
            try:
                return CTranslate2Backend(model, settings, device=device, threads=threads, compute_type=compute_type)
            except ImportError as error:
                reason = f"the ctranslate2 package cannot be imported ({error})"
            except ConversionError as error:
                reason = str(error)
        if name == "ctranslate2" or not reason.startswith("the ctranslate2 package"):
            print(f"translate: warning: {reason}; using the transformers backend instead", file=sys.stderr)
    return TransformersBackend(model, settings, device=device, threads=threads)
