"""Shared fixtures: a tiny Marian model built offline once per test session, and the data paths."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.marian_factory import SHARED_DATA, build_marian_model

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A MarianMT model directory with seeded random weights, as ``save_pretrained`` writes it."""
    return build_marian_model(tmp_path_factory.mktemp("models") / "tiny-marian")


@pytest.fixture(scope="session", autouse=True)
def private_ctranslate2_cache(tmp_path_factory: pytest.TempPathFactory):
    """Keep the CTranslate2 conversions that tests make out of the user's ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRANSLATE_CT2_CACHE", str(tmp_path_factory.mktemp("ct2-cache")))
        yield


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"test data not found at {SHARED_DATA}; the repository expects ../shared beside it")
    return SHARED_DATA
