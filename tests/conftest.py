"""Shared fixtures: a tiny Marian model built offline once per test session, and the data paths.

Many tests read the reference data in ../shared/data (``eval.datasets``). Without it the session
stops at once with one line that says what is missing, rather than failing test by test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.datasets import SHARED_DATA, DataMissing, require_data
from translate.model_factory import build_marian_model

REPO = Path(__file__).resolve().parents[1]


def pytest_sessionstart(session: pytest.Session) -> None:
    try:
        require_data()
    except DataMissing as missing:
        pytest.exit(str(missing), returncode=pytest.ExitCode.USAGE_ERROR)


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A MarianMT model directory with seeded random weights, as ``save_pretrained`` writes it."""
    return build_marian_model(tmp_path_factory.mktemp("models") / "tiny-marian")


@pytest.fixture(scope="session", autouse=True)
def private_ctranslate2_cache(tmp_path_factory: pytest.TempPathFactory):
    """Keep the CTranslate2 conversions and fingerprint memos that tests make out of the user's ~/.cache."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRANSLATE_CT2_CACHE", str(tmp_path_factory.mktemp("ct2-cache")))
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        yield


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return SHARED_DATA
