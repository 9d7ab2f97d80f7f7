"""Pick and load a translation backend by name."""

from __future__ import annotations

from translate.backends import Backend, DecodingSettings
from translate.model_files import ModelFiles

BACKENDS = ("transformers",)


def load_backend(name: str, model: ModelFiles, settings: DecodingSettings, device: str, threads: int | None) -> Backend:
    """Load the backend ``name`` for ``model``; raises ``ModelError`` with a one-line message."""
    from translate.backends.transformers_backend import TransformersBackend

    return TransformersBackend(model, settings, device=device, threads=threads)
