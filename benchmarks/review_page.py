"""How fast the review page opens and filters in a real browser, and where its score bands come from.

Pages of 1,000 and 10,000 pairs (FLORES-200 devtest sentences, French and English, drawn with a
fixed seed into a realistic mix of bead kinds and scores) are opened from disk in headless
Chromium (Debian's ``chromium`` and ``chromedriver``, through selenium). For each page:

- load: navigation start to the end of the load event, and to the first contentful paint;
- each filter: from JavaScript, set the control, dispatch its event, and measure until the next
  animation frame has been produced (``requestAnimationFrame`` then a task): score below 0.75,
  not 1-1, unaligned only, a first search (which reads and folds every row's text), a second
  search, ``j`` (the next suspect, scrolled into view), and clearing a filter (every row back).

Each figure is the median of five runs. Target (issue "let a person review what was aligned"):
10,000 pairs open and filter in under a second.

``--bands`` also aligns Text+Berg (test and dev, de-fr) and the damaged FLORES documents (fr-en)
of ``benchmarks/alignment.py`` and counts, per score band, the match beads that are exactly
right: the evidence for ``aligned.review.SUSPECT_SCORE`` and ``HIGH_SCORE`` (a few minutes).

Run:
    python benchmarks/review_page.py [--bands] [--write docs/review.md]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from importlib.metadata import version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from docs_table import tables_into  # noqa: E402  (beside this script; pysbd installs a package named "benchmarks")

from aligned.beads import SentencePair  # noqa: E402
from aligned.review import HIGH_SCORE, SUSPECT_SCORE, render_page  # noqa: E402
from eval.datasets import flores_documents  # noqa: E402

SIZES = (1_000, 10_000)
REPEATS = 5
TARGET_MS = 1000
# Bead kinds of a realistic run (FLORES with the real model is mostly 1-1): (kind, share).
KINDS = (("1-1", 0.86), ("2-1", 0.03), ("1-2", 0.03), ("3-1", 0.005), ("2-2", 0.005), ("1-0", 0.04), ("0-1", 0.03))

# Each filter: JavaScript that applies it (the page's own controls and events) and the one that
# undoes it, so that every measure starts from all rows shown.
_SET = {
    "below": "var c = document.getElementById('below'); c.value = '{value}'; c.dispatchEvent(new Event('input'));",
    "check": "var c = document.getElementById('{id}'); c.checked = {value}; c.dispatchEvent(new Event('change'));",
    "search": "var c = document.getElementById('q'); c.value = '{value}'; c.dispatchEvent(new Event('input'));",
    "key": "document.body.dispatchEvent(new KeyboardEvent('keydown', {{key: '{value}', bubbles: true}}));",
}
FILTERS: tuple[tuple[str, str, str], ...] = (
    ("score < 0.75", _SET["below"].format(value=SUSPECT_SCORE), _SET["below"].format(value=1)),
    ("not 1-1", _SET["check"].format(id="not11", value="true"), _SET["check"].format(id="not11", value="false")),
    (
        "unaligned",
        _SET["check"].format(id="unaligned", value="true"),
        _SET["check"].format(id="unaligned", value="false"),
    ),
    ("first search", _SET["search"].format(value="ministre"), _SET["search"].format(value="")),
    ("search", _SET["search"].format(value="les"), _SET["search"].format(value="")),
    ("j", _SET["key"].format(value="j"), ""),
)
# Runs `action`, then calls back once the next frame is produced: the time a person waits.
_TIMED = """
var done = arguments[arguments.length - 1], start = performance.now();
(function () { %s })();
requestAnimationFrame(function () { setTimeout(function () { done(performance.now() - start); }, 0); });
"""


def synthetic_rows(count: int, seed: int = 0) -> list[SentencePair]:
    """``count`` beads of FLORES sentences: kinds as in ``KINDS``, match scores spread as the
    aligner's (mostly 0.75-0.9, a few lower), about 4 beads per paragraph."""
    documents = flores_documents()
    french = [line for document in documents for line in document.fra]
    english = [line for document in documents for line in document.eng]
    rng = random.Random(seed)
    kinds, weights = zip(*KINDS)
    rows: list[SentencePair] = []
    src = tgt = paragraph = 0
    for _ in range(count):
        a, b = map(int, rng.choices(kinds, weights)[0].split("-"))
        start = rng.randrange(len(french) - 4)
        fr = " ".join(french[start : start + a])
        en = " ".join(english[start : start + b])
        score = 0.0 if not a or not b else round(min(0.97, max(0.6, rng.gauss(0.82, 0.045))), 4)
        rows.append(SentencePair(paragraph, tuple(range(src, src + a)), tuple(range(tgt, tgt + b)), fr, en, score))
        src, tgt = src + a, tgt + b
        paragraph += rng.random() < 0.25
    return rows


def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=1280,900")
    options.binary_location = "/usr/bin/chromium"
    return webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))


def measure(driver, page: Path) -> dict[str, float]:
    """Median milliseconds of loading ``page`` and of each filter, over ``REPEATS`` loads."""
    runs: dict[str, list[float]] = {}
    for _ in range(REPEATS):
        driver.get(page.as_uri())
        timing = driver.execute_script(
            "var n = performance.getEntriesByType('navigation')[0];"
            "var p = performance.getEntriesByName('first-contentful-paint')[0];"
            "return [n.loadEventEnd - n.startTime, p ? p.startTime : null];"
        )
        runs.setdefault("load", []).append(timing[0])
        runs.setdefault("first paint", []).append(timing[1] or float("nan"))
        for name, action, undo in FILTERS:
            runs.setdefault(name, []).append(driver.execute_async_script(_TIMED % action))
            if undo:
                runs.setdefault("clear", []).append(driver.execute_async_script(_TIMED % undo))
    return {name: statistics.median(values) for name, values in runs.items()}


def speed_table(results: Sequence[tuple[int, float, dict[str, float]]]) -> str:
    columns = ["load", "first paint", *(name for name, _, _ in FILTERS), "clear"]
    lines = [
        "| pairs | page MB | " + " | ".join(f"{column} ms" for column in columns) + " | slowest |",
        "|--:|--:|" + "--:|" * len(columns) + "--:|",
    ]
    for size, megabytes, times in results:
        slowest = max(times[column] for column in columns)
        cells = " | ".join(f"{times[column]:.0f}" for column in columns)
        verdict = "within" if slowest < TARGET_MS else "over"
        lines.append(f"| {size:,} | {megabytes:.1f} | {cells} | {slowest:.0f} ({verdict} {TARGET_MS} ms) |")
    return "\n".join(lines)


def run_speed(folder: Path) -> str:
    results = []
    driver = browser()
    try:
        for size in SIZES:
            page = folder / f"review-{size}.html"
            page.write_text(render_page(f"synthetic {size}", synthetic_rows(size)), encoding="utf-8")
            times = measure(driver, page)
            results.append((size, page.stat().st_size / 1e6, times))
            print(f"{size}: {times}", file=sys.stderr)
    finally:
        driver.quit()
    return speed_table(results)


def band_table(edges: Sequence[float] = (0.0, 0.7, 0.75, 0.8, 0.85, 0.9, 1.0)) -> str:
    """Match beads per score band, and the share of them that are exactly a gold bead."""
    from alignment import SETS, ours  # benchmarks/alignment.py: the same documents as its tables

    counted: dict[str, list[tuple[int, int]]] = {}
    for name, load in SETS.items():
        counts = [[0, 0] for _ in edges[:-1]]
        for src, tgt, gold, src_lang, tgt_lang in load():
            exact = {(tuple(bead.src), tuple(bead.tgt)) for bead in gold}
            for bead in ours(src, tgt, src_lang, tgt_lang):
                if bead.src and bead.tgt:
                    band = _band(bead.score, edges)
                    counts[band][0] += 1
                    counts[band][1] += (tuple(bead.src), tuple(bead.tgt)) in exact
        counted[name] = [(total, right) for total, right in counts]
        print(f"{name}: {counted[name]}", file=sys.stderr)
    return _bands_markdown(counted, edges)


def _band(score: float, edges: Sequence[float]) -> int:
    return next((k for k in range(len(edges) - 1) if score < edges[k + 1]), len(edges) - 2)


def _bands_markdown(counted: dict[str, list[tuple[int, int]]], edges: Sequence[float]) -> str:
    names = list(counted)
    lines = [
        "| score band | " + " | ".join(f"{name}: exactly right / matches" for name in names) + " | all sets |",
        "|---|" + "--:|" * (len(names) + 1),
    ]
    for k in range(len(edges) - 1):
        cells = [counted[name][k] for name in names]
        total = (sum(cell[0] for cell in cells), sum(cell[1] for cell in cells))
        label = f"[{edges[k]:.2f}, {edges[k + 1]:.2f})"
        lines.append(f"| {label} | " + " | ".join(_share(*cell) for cell in [*cells, total]) + " |")
    return "\n".join(lines)


def _share(total: int, right: int) -> str:
    return f"{right} / {total} ({right / total:.0%})" if total else "0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bands", action="store_true", help="also measure exactness per score band (minutes)")
    parser.add_argument("--write", type=Path, metavar="PAGE", help="also write the tables into this page")
    args = parser.parse_args()
    note = f"Median of {REPEATS} loads per page; {_chromium_version()} headless, selenium {version('selenium')}."
    sections: list[tuple[str, Callable[[], str], str]] = [("review_page.py", lambda: _in_tmp(run_speed), note)]
    if args.bands:
        note = f"Suspect below {SUSPECT_SCORE}, good from {HIGH_SCORE} (aligned/review.py)."
        sections.append(("review_page.py --bands", band_table, note))
    for name, make, note in sections:
        with tables_into(args.write, name, note):
            print(make())


def _chromium_version() -> str:
    done = subprocess.run(["/usr/bin/chromium", "--version"], capture_output=True, text=True)
    return done.stdout.strip() or "Chromium"


def _in_tmp(body: Callable[[Path], str]) -> str:
    with tempfile.TemporaryDirectory() as folder:
        return body(Path(folder))


if __name__ == "__main__":
    main()
