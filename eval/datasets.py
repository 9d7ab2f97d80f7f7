"""The reference data sets in ``../shared/data`` (beside the repository), found in one place.

FLORES-200 devtest (Meta AI, CC-BY-SA 4.0), WMT newstest2014 fr-en, and the Text+Berg gold
alignments (GPL-2, via Bleualign and vecalign); ``../shared/data/README.md`` says what each
holds. Tests, benchmarks and the test model factory take their paths from here, so a missing
folder is reported the same way everywhere (``require_data``).

FLORES as documents: ``metadata_devtest.tsv`` lists one URL per line; consecutive lines with
the same URL form a short document, and line i of ``fra.devtest`` translates line i of
``eng.devtest``, which gives paragraphs with a known sentence alignment.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FLORES = SHARED_DATA / "flores200-devtest"
NEWSTEST = SHARED_DATA / "newstest2014"
TEXT_BERG = SHARED_DATA / "text-berg"


class DataMissing(FileNotFoundError):
    """``../shared/data`` is not beside the repository."""


def require_data() -> Path:
    """``SHARED_DATA``, or `DataMissing` with a message that says what to put where."""
    if not (FLORES / "fra.devtest").is_file():
        raise DataMissing(
            f"reference data not found at {SHARED_DATA}: the tests and benchmarks need ../shared/data "
            "(FLORES-200, newstest2014, Text+Berg) beside the repository"
        )
    return SHARED_DATA


def lines(path: Path) -> list[str]:
    """A data file's lines (these files are UTF-8, one segment per line)."""
    return path.read_text(encoding="utf-8").splitlines()


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
