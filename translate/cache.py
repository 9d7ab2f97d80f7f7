"""A persistent translation cache in SQLite, so interrupted runs resume and re-runs are free.

Keys hash the model fingerprint, the decoding settings and the exact input text: a different
model, beam size or text can never reuse a stale translation. Each batch is committed as soon
as it is translated, and WAL journaling makes every commit durable and atomic, so a run killed
at any moment loses at most the batch in flight.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Iterable, Sequence

from translate.backends import Output


class TranslationCache:
    """Translations of input pieces, keyed by (model, settings, text)."""

    def __init__(self, path: Path, model_fingerprint: str, settings_key: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(path, timeout=30)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute("PRAGMA synchronous=NORMAL")
        self._connection.execute("CREATE TABLE IF NOT EXISTS translations (key TEXT PRIMARY KEY, translation TEXT NOT NULL, complete INTEGER NOT NULL)")
        self._connection.commit()
        self._prefix = f"{model_fingerprint}\n{settings_key}\n"

    def _key(self, text: str) -> str:
        return hashlib.sha256((self._prefix + text).encode("utf-8")).hexdigest()

    def lookup(self, texts: Sequence[str]) -> dict[str, Output]:
        """The cached translations among ``texts``, by text."""
        found: dict[str, Output] = {}
        keys = {self._key(text): text for text in texts}
        key_list = list(keys)
        for start in range(0, len(key_list), 500):
            chunk = key_list[start:start + 500]
            rows = self._connection.execute(
                f"SELECT key, translation, complete FROM translations WHERE key IN ({','.join('?' * len(chunk))})", chunk
            )
            found.update((keys[key], Output(translation, bool(complete))) for key, translation, complete in rows)
        return found

    def store(self, pairs: Iterable[tuple[str, Output]]) -> None:
        """Save (text, translation) pairs and commit, so they survive a crash right after."""
        with self._connection:
            self._connection.executemany(
                "INSERT OR REPLACE INTO translations (key, translation, complete) VALUES (?, ?, ?)",
                [(self._key(text), output.text, int(output.complete)) for text, output in pairs],
            )

    def close(self) -> None:
        self._connection.close()
