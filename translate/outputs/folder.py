"""The output folder from one run to the next: nothing in the way, no debris, no stale files.

``manifest.json`` lists every file a run wrote. The next run in the same folder compares: a
file that an earlier run wrote and this one does not (``--formats`` narrowed, a document renamed
or gone) would sit beside fresh files and contradict them. Files of documents and corpus files
that this run wrote afresh are therefore removed; files of documents that this run did not write
(not given this time, or failed) are kept, since their source may be gone, but listed under
``stale_outputs`` in the manifest, and again in every later manifest until they are gone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from translate.errors import StopRun

MANIFEST = "manifest.json"


@dataclass
class EarlierRun:
    """What the previous manifest in the folder says was written, by source."""

    documents: dict[str, list[str]] = field(default_factory=dict)  # source -> file names
    corpus: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)


def check_run_files(out_dir: Path, names: Iterable[str]) -> None:
    """Stop before any work when a folder sits where the run must write one of its own files."""
    for name in names:
        if (out_dir / name).is_dir():
            raise StopRun(f"{out_dir / name} is a folder, where this run writes a file; remove it or choose another -o")


def earlier_run(out_dir: Path) -> EarlierRun:
    """The previous manifest's file lists; empty when there is none, or it cannot be read."""
    try:
        manifest = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
        return EarlierRun(
            {document["source"]: _plain(document.get("outputs", [])) for document in manifest.get("documents", [])},
            _plain(manifest.get("corpus_outputs", [])),
            _plain(manifest.get("stale_outputs", [])),
        )
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return EarlierRun()


REVIEW_FOLDER = "review"  # the one subfolder a run writes into (review pages)


def _plain(names: list) -> list[str]:
    """Only plain file names of this folder or of its review folder: an edited manifest can never
    make a run delete anything elsewhere (``../x``, ``/etc/x``) or touch the lock and cache."""
    return [name for name in names if isinstance(name, str) and _own_file(name)]


def _own_file(name: str) -> bool:
    path = Path(name)
    folder_ok = path.parent == Path(".") or path.parent == Path(REVIEW_FOLDER)
    return folder_ok and path.as_posix() == name and path.name not in ("", "..") and not path.name.startswith(".")


def retire(
    out_dir: Path, earlier: EarlierRun, written: Mapping[str, list[str]], corpus_written: list[str] | None
) -> tuple[list[str], list[str]]:
    """Remove or flag the files of ``earlier`` that this run did not write; returns (removed, stale).

    ``written``: file names by source for each document written now; ``corpus_written``: the
    corpus-level files written now, None when they could not be (then the old ones are stale).
    """
    fresh = {name for names in written.values() for name in names} | set(corpus_written or ())
    removable: list[str] = []
    stale: list[str] = list(earlier.stale)
    for source, names in earlier.documents.items():
        (removable if source in written else stale).extend(names)
    (removable if corpus_written is not None else stale).extend(earlier.corpus)
    removed = []
    for name in dict.fromkeys(removable):
        path = out_dir / name
        if name not in fresh and path.is_file():
            path.unlink()
            removed.append(name)
    return removed, [name for name in dict.fromkeys(stale) if name not in fresh and (out_dir / name).is_file()]
