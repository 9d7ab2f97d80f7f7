"""A persistent cache in SQLite, so interrupted runs resume and re-runs are free.

Translation keys hash the model fingerprint, the decoding settings and the exact input text: a
different model, beam size or text can never reuse a stale translation. Alignment keys hash the
aligner's fingerprint (its code, the encoder, the dictionary) and the exact French and English
paragraphs: aligning costs as much as translating with a small model, and a resumed run should
redo neither. Each batch of translations and each aligned paragraph is committed as soon as it
is done, and WAL journaling makes every commit durable and atomic, so a run killed at any
moment loses at most the work in flight.

The cache is only a copy of work that can be redone, so a damaged one is never fatal: it is
moved aside (``.cache.sqlite.damaged``, kept for inspection) and a new one is started, with a
note. A cache that cannot be used at all (a folder, a read-only place) stops the run before any
work with a line that says what to do; a full disk mid-run stops it with the batches so far kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Iterable, Sequence

from aligned import Bead
from translate.backends import Output
from translate.errors import StopRun, WriteFailed, first_line, reason

_SIDE_FILES = ("-wal", "-shm")  # SQLite's journal files, which travel with the database


Paragraph = tuple[str, str]  # French, English


class TranslationCache:
    """Translations of input pieces, keyed by (model, settings, text); and the beads of
    translated paragraphs, keyed by (aligner, French, English)."""

    def __init__(self, path: Path, model_fingerprint: str, settings_key: str):
        """Open or create the cache at ``path``; ``notes`` says if a damaged one was replaced."""
        self.path = path
        self.notes: list[str] = []
        if path.is_dir():
            raise StopRun(
                f"--cache {path}: is a folder; pass a file path such as {path / 'cache.sqlite'}, or --no-cache"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._connection = _open(path)
        except sqlite3.OperationalError as error:  # cannot open or write: a place, not a damaged file
            raise StopRun(
                f"cannot use the translation cache {path} ({first_line(error)}); make it writable, pass --cache FILE "
                "elsewhere, or --no-cache"
            ) from None
        except sqlite3.DatabaseError as error:
            aside = _move_aside(path)
            self.notes.append(
                f"the translation cache {path} was damaged ({first_line(error)}); moved it to {aside.name} and "
                "started a new one"
            )
            self._connection = _open(path)
        except OSError as error:
            raise StopRun(
                f"cannot create the translation cache {path} ({reason(error)}); pass --cache FILE elsewhere, or "
                "--no-cache"
            ) from None
        self._prefix = f"{model_fingerprint}\n{settings_key}\n"

    def _key(self, text: str) -> str:
        return hashlib.sha256((self._prefix + text).encode("utf-8")).hexdigest()

    def lookup(self, texts: Sequence[str]) -> dict[str, Output]:
        """The cached translations among ``texts``, by text."""
        keys = {self._key(text): text for text in texts}
        return {
            keys[key]: Output(translation, bool(complete))
            for key, translation, complete in self._select("translations", keys)
        }

    def store(self, pairs: Iterable[tuple[str, Output]]) -> None:
        """Save (text, translation) pairs and commit, so they survive a crash right after."""
        self._write(
            "INSERT OR REPLACE INTO translations (key, translation, complete) VALUES (?, ?, ?)",
            [(self._key(text), output.text, int(output.complete)) for text, output in pairs],
        )

    def lookup_alignments(self, aligner: str, paragraphs: Sequence[Paragraph]) -> dict[Paragraph, list[Bead]]:
        """The cached beads of ``paragraphs`` aligned by ``aligner`` (a fingerprint), by paragraph."""
        keys = {_alignment_key(aligner, paragraph): paragraph for paragraph in paragraphs}
        return {
            keys[key]: [Bead(tuple(src), tuple(tgt), score) for src, tgt, score in json.loads(beads)]
            for key, beads in self._select("alignments", keys)
        }

    def store_alignment(self, aligner: str, paragraph: Paragraph, beads: Sequence[Bead]) -> None:
        """Save one paragraph's beads and commit."""
        value = json.dumps([[list(bead.src), list(bead.tgt), bead.score] for bead in beads])
        self._write(
            "INSERT OR REPLACE INTO alignments (key, beads) VALUES (?, ?)",
            [(_alignment_key(aligner, paragraph), value)],
        )

    def _select(self, table: str, keys: Iterable[str]) -> list[tuple]:
        """Rows of ``table`` (key first) for ``keys``, asked 500 at a time (SQLite's variable limit)."""
        key_list, rows = list(keys), []
        try:
            for start in range(0, len(key_list), 500):
                chunk = key_list[start : start + 500]
                rows += self._connection.execute(
                    f"SELECT * FROM {table} WHERE key IN ({','.join('?' * len(chunk))})", chunk
                ).fetchall()
        except sqlite3.DatabaseError as error:
            raise StopRun(
                f"cannot read the translation cache {self.path} ({first_line(error)}); delete it (it is rebuilt) or "
                "pass --no-cache"
            ) from None
        return rows

    def _write(self, statement: str, rows: list[tuple]) -> None:
        try:
            with self._connection:
                self._connection.executemany(statement, rows)
        except sqlite3.DatabaseError as error:
            raise WriteFailed(
                f"cannot write the translation cache {self.path} ({first_line(error)}); "
                "free space (or pass --no-cache) and run the same command again: finished batches are kept"
            ) from None

    def close(self) -> None:
        self._connection.close()


def _open(path: Path) -> sqlite3.Connection:
    """Connect and make sure the table is there; reading the schema is what finds a damaged file."""
    connection = sqlite3.connect(path, timeout=30)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute(
            "CREATE TABLE IF NOT EXISTS translations (key TEXT PRIMARY KEY, translation TEXT NOT NULL, complete "
            "INTEGER NOT NULL)"
        )
        connection.execute("CREATE TABLE IF NOT EXISTS alignments (key TEXT PRIMARY KEY, beads TEXT NOT NULL)")
        connection.commit()
    except BaseException:
        connection.close()
        raise
    return connection


def _alignment_key(aligner: str, paragraph: Paragraph) -> str:
    french, english = paragraph
    return hashlib.sha256(f"{aligner}\n{len(french)}\n{french}\n{english}".encode("utf-8")).hexdigest()


def _move_aside(path: Path) -> Path:
    """Rename the damaged cache (and its journal files) to ``NAME.damaged``, replacing an older one."""
    aside = path.with_name(path.name + ".damaged")
    for side in ("", *_SIDE_FILES):
        source = Path(str(path) + side)
        if source.exists():
            os.replace(source, Path(str(aside) + side))
    return aside
