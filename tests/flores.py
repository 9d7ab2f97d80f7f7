"""FLORES-200 devtest as documents: consecutive lines with the same source URL.

The shared data lists one URL per line in ``metadata_devtest.tsv``; the lines of one URL form a
short document, and line i of ``fra.devtest`` translates line i of ``eng.devtest``. Tests and
benchmarks use these documents as paragraphs with a known sentence alignment.
FLORES-200 (Meta AI), CC-BY-SA 4.0.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

FLORES = Path(__file__).resolve().parents[2] / "shared" / "data" / "flores200-devtest"


@dataclass(frozen=True)
class FloresDocument:
    url: str
    fra: list[str]
    eng: list[str]

    def lines(self, code: str) -> list[str]:
        """The document's sentences in ``code`` ("fra" or "eng")."""
        return {"fra": self.fra, "eng": self.eng}[code]


def flores_documents(folder: Path = FLORES) -> list[FloresDocument]:
    """All devtest documents in file order."""
    with open(folder / "metadata_devtest.tsv", encoding="utf-8", newline="") as handle:
        urls = [row["URL"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]
    french = (folder / "fra.devtest").read_text(encoding="utf-8").splitlines()
    english = (folder / "eng.devtest").read_text(encoding="utf-8").splitlines()
    if not len(urls) == len(french) == len(english):
        raise ValueError(f"{folder}: {len(urls)} metadata rows, {len(french)} French and {len(english)} English lines")
    rows = zip(urls, french, english)
    return [
        FloresDocument(url, [row[1] for row in group], [row[2] for row in group])
        for url, group in ((url, list(group)) for url, group in groupby(rows, key=lambda row: row[0]))
    ]
