"""CTranslate2 on a CPU runs with glibc's malloc set to keep freed memory (translate/backends/allocator.py)."""

from __future__ import annotations

import platform
from pathlib import Path

import pytest

from translate.backends import DecodingSettings, allocator
from translate.backends.ctranslate2_backend import CTranslate2Backend
from translate.model_files import resolve_model


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the settings are glibc's")
def test_settings_apply_on_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (*allocator.USER_SETTINGS, "GLIBC_TUNABLES"):
        monkeypatch.delenv(name, raising=False)
    assert allocator.keep_freed_memory()


@pytest.mark.parametrize(
    "name, value",
    [
        ("MALLOC_TRIM_THRESHOLD_", "131072"),
        ("MALLOC_MMAP_THRESHOLD_", "0"),
        ("GLIBC_TUNABLES", "glibc.malloc.arena_max=2"),
    ],
)
def test_a_users_own_malloc_settings_are_left_alone(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    calls = []
    monkeypatch.setenv(name, value)
    monkeypatch.setattr(allocator.ctypes, "CDLL", lambda _: calls.append(1))
    assert not allocator.keep_freed_memory() and not calls


def test_the_cpu_backend_applies_them_before_decoding(tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    applied = []
    monkeypatch.setattr("translate.backends.ctranslate2_backend.keep_freed_memory", lambda: applied.append(1))
    backend = CTranslate2Backend(resolve_model(str(tiny_model)), DecodingSettings(beam=1))
    assert applied == [1]
    assert backend.translate_batch(["Bonjour."], 8)[0].text  # and it still decodes
