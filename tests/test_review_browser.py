"""The review pages in a real browser: Debian's headless Chromium, driven by selenium.

The pages come from real runs: ``translate`` with the tiny model on three FLORES-200 documents
and one document of hostile strings (OUT/review/*.html), and ``align-sentences --format html``
on a FLORES document against its English with a sentence deleted, one inserted and two merged
(real 1-1, 2-1, 1-0 and 0-1 rows with real scores). What the DOM shows is checked against what
the runs wrote (NAME.jsonl) or computed (the beads): rows, each filter, ``j``/``k``, the
flagged-rows download, and that nothing runs, nothing is injected and nothing is fetched.
One browser serves the whole module; a screenshot of each page is kept in the pytest tmp dir.
"""

from __future__ import annotations

import json
import shutil
import time
import unicodedata
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlparse

import pytest

from aligned import align
from aligned.cli import main as align_main
from aligned.cli import read_sentences, read_side
from aligned.review import SUSPECT_SCORE
from eval.datasets import flores_documents
from tests.cli_helpers import lines, translate_files

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER), reason="needs Chromium and its driver (apt-get install chromium chromium-driver)"
)
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

HOSTILE = [
    "<script>alert(1)</script>",
    "</script>",
    "<img src=x onerror=alert(1)>",
    "\"double\" and 'single' quotes & an ampersand",
    "a line\u2028separator",
]
HOSTILE_NAME = "xss <i>&'"  # the document's name is shown and linked too
FLORES_NAMES = ["flores-0", "flores-1", "flores-2"]
NAMES = [*FLORES_NAMES, HOSTILE_NAME]
# The rows as the page holds them: kind, sentence ids, the two texts, and the score.
FRENCH_ONLY = (
    "Le comité des fêtes du village organise chaque année, au mois d'août, un grand concours de pétanque suivi "
    "d'un bal populaire, d'un feu d'artifice et d'un repas partagé sur la place de l'église."
)
ENGLISH_ONLY = (
    "Meanwhile, the regional railway operator announced that the night trains between the two northern cities "
    "would be replaced by coaches for most of the winter, because of works on the tracks."
)
_ROWS_JS = (
    "return Array.from(document.querySelectorAll('#rows > .r')).map(r => [r.dataset.kind, r.dataset.src, "
    "r.dataset.tgt, r.children[3].textContent, r.children[4].textContent, parseFloat(r.dataset.score)]);"
)
_SHOWN_JS = "return Array.from(document.querySelectorAll('#rows > .r')).flatMap((r, i) => r.hidden ? [] : [i]);"


class Browser(NamedTuple):
    driver: webdriver.Chrome
    downloads: Path
    shots: Path


class Row(NamedTuple):
    paragraph: int
    src: tuple[int, ...]
    tgt: tuple[int, ...]
    fr: str
    en: str
    score: float

    @property
    def kind(self) -> str:
        return f"{len(self.src)}-{len(self.tgt)}"

    @property
    def suspect(self) -> bool:
        return not self.src or not self.tgt or self.score < SUSPECT_SCORE


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    downloads, shots = tmp_path_factory.mktemp("downloads"), tmp_path_factory.mktemp("screenshots")
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument("--window-size=1280,900")
    options.binary_location = CHROMIUM
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    yield Browser(driver, downloads, shots)
    driver.quit()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path) -> Path:
    """OUT of one ``translate`` run: FLORES documents in paragraphs of one to three sentences,
    and the hostile strings, one paragraph each."""
    files = {}
    for name, document in zip(FLORES_NAMES, [d for d in flores_documents() if len(d.fra) >= 5]):
        sizes = [1 + k % 3 for k in range(len(document.fra))]
        starts = [sum(sizes[:k]) for k in range(len(sizes))]
        paragraphs = [" ".join(document.fra[a : a + size]) for a, size in zip(starts, sizes) if a < len(document.fra)]
        files[f"{name}.txt"] = "\n\n".join(paragraphs).encode()
    files[f"{HOSTILE_NAME}.txt"] = "\n\n".join(f"Le texte {text} est ici." for text in HOSTILE).encode()
    out_dir = translate_files(tmp_path_factory.mktemp("review-run"), files, tiny_model)
    assert (out_dir / "review" / "index.html").is_file(), "translate wrote no review pages"
    return out_dir


def jsonl_rows(out_dir: Path, name: str) -> list[Row]:
    records = [json.loads(line) for line in lines(out_dir / f"{name}.jsonl")]
    return [
        Row(r["paragraph"], tuple(r["src_ids"]), tuple(r["tgt_ids"]), r["fr"], r["en"], r["score"]) for r in records
    ]


@pytest.fixture(scope="module")
def aligned_page(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Row]]:
    """``align-sentences --format html`` on six FLORES documents (a paragraph each) made to hold
    a merge, a sentence on each side that the other lacks, and a wrong translation; with the rows
    their beads make."""
    documents = flores_documents()[:6]
    french, english = [list(d.fra) for d in documents], [list(d.eng) for d in documents]
    english[1][0:2] = [english[1][0].rstrip(".") + ", and " + english[1][1][0].lower() + english[1][1][1:]]  # 2-1
    french[2].insert(1, FRENCH_ONLY)  # 1-0
    english[3].insert(1, ENGLISH_ONLY)  # 0-1
    english[5][1] = flores_documents()[40].eng[0]  # a wrong translation: a low-scoring 1-1
    folder = tmp_path_factory.mktemp("aligned")
    src, tgt, page = folder / "fr.txt", folder / "en.txt", folder / "fr-en.html"
    src.write_text("\n\n".join(" ".join(sentences) for sentences in french) + "\n", encoding="utf-8")
    tgt.write_text("\n\n".join(" ".join(sentences) for sentences in english) + "\n", encoding="utf-8")
    assert align_main([str(src), str(tgt), "--format", "html", "-o", str(page)]) == 0
    source, target = read_side(str(src), False, "fr"), read_sentences(str(tgt), False, "en")
    rows, paragraph = [], 0
    for bead in align(source.sentences, target):
        paragraph = source.paragraphs[bead.src[0]] if bead.src else paragraph
        fr, en = " ".join(source.sentences[i] for i in bead.src), " ".join(target[j] for j in bead.tgt)
        rows.append(Row(paragraph, bead.src, bead.tgt, fr, en, bead.score))
    assert {"1-1", "2-1", "1-0", "0-1"} <= {row.kind for row in rows}
    assert any(row.kind == "1-1" and row.suspect for row in rows)
    return page, rows


def open_page(browser: Browser, page: Path, shot: str | None = None) -> webdriver.Chrome:
    driver = browser.driver
    driver.get(page.as_uri())
    if shot:
        driver.save_screenshot(str(browser.shots / f"{shot}.png"))
    return driver


def shown(driver: webdriver.Chrome) -> list[int]:
    rows = driver.execute_script(_SHOWN_JS)
    assert driver.find_element(By.ID, "shown").text == str(len(rows))
    return rows


def fold(text: str) -> str:
    """As the page's search: no accents, lower case."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not 0x300 <= ord(c) <= 0x36F).lower()


def press(driver: webdriver.Chrome, *keys: str) -> None:
    ActionChains(driver).send_keys(*keys).perform()


def assert_no_alert(driver: webdriver.Chrome) -> None:
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text


@pytest.mark.parametrize("name", NAMES)
def test_rows_are_the_pairs_of_the_jsonl(browser, run, name):
    driver = open_page(browser, run / "review" / f"{name}.html", shot=name.replace(" ", "_"))
    expected = jsonl_rows(run, name)
    rows = driver.execute_script(_ROWS_JS)
    assert len(rows) == len(expected) > 0
    assert [(kind, fr, en) for kind, _, _, fr, en, _ in rows] == [(row.kind, row.fr, row.en) for row in expected]
    assert [(src, tgt, score) for _, src, tgt, _, _, score in rows] == [
        (",".join(map(str, row.src)) or "-", ",".join(map(str, row.tgt)) or "-", row.score) for row in expected
    ]
    assert driver.title == f"Review: {name}"
    assert_no_alert(driver)


def test_hostile_strings_show_as_text_and_run_nothing(browser, run):
    driver = open_page(browser, run / "review" / f"{HOSTILE_NAME}.html")
    assert_no_alert(driver)
    injected = driver.execute_script(
        "return [document.scripts.length, document.querySelectorAll('img, iframe, object, embed, i, [onerror]')"
        ".length, document.querySelector('h1').textContent, document.querySelector('#rows').textContent];"
    )
    assert injected[:3] == [1, 0, HOSTILE_NAME]
    french = [row.fr for row in jsonl_rows(run, HOSTILE_NAME)]
    for text in HOSTILE:
        assert any(text in sentence for sentence in french), f"{text!r} lost before the page"
        assert text in injected[3]


def check_filters(driver: webdriver.Chrome, rows: list[Row], query: str) -> None:
    """Each filter alone and two together show exactly the rows the data says, then all again."""
    everything = list(range(len(rows)))
    assert shown(driver) == everything
    for threshold in (SUSPECT_SCORE, 0.85, 0.0):
        driver.execute_script(
            "var c = document.getElementById('below'); c.value = arguments[0]; c.dispatchEvent(new Event('input'));",
            str(threshold),
        )
        assert shown(driver) == [i for i, row in enumerate(rows) if row.score < threshold]
        assert driver.find_element(By.ID, "below-value").text == f"< {threshold:.2f}"
    driver.execute_script(
        "var c = document.getElementById('below'); c.value = '1'; c.dispatchEvent(new Event('input'));"
    )
    assert shown(driver) == everything
    not11, unaligned = driver.find_element(By.ID, "not11"), driver.find_element(By.ID, "unaligned")
    not11.click()
    assert shown(driver) == [i for i, row in enumerate(rows) if row.kind != "1-1"]
    unaligned.click()
    assert shown(driver) == [i for i, row in enumerate(rows) if not row.src or not row.tgt]
    not11.click()
    assert shown(driver) == [i for i, row in enumerate(rows) if not row.src or not row.tgt]
    unaligned.click()
    assert shown(driver) == everything
    driver.execute_script("document.activeElement.blur();")  # keys go to the page
    press(driver, "/")
    assert driver.switch_to.active_element.get_attribute("id") == "q"
    press(driver, query)
    matching = [i for i, row in enumerate(rows) if fold(query) in fold(row.fr + "\n" + row.en)]
    assert shown(driver) == matching and 0 < len(matching) < len(rows)
    press(driver, Keys.ESCAPE)
    assert driver.switch_to.active_element.get_attribute("id") != "q"
    driver.find_element(By.ID, "q").clear()
    driver.execute_script("document.getElementById('q').dispatchEvent(new Event('input'));")
    assert shown(driver) == everything


@pytest.mark.parametrize("name", FLORES_NAMES)
def test_filters_show_exactly_the_right_rows(browser, run, name):
    rows = jsonl_rows(run, name)
    driver = open_page(browser, run / "review" / f"{name}.html")
    word = max(rows[len(rows) // 2].fr.split(), key=len).strip(".,;:«»()")
    check_filters(driver, rows, word.upper())


def test_filters_on_a_real_alignment(browser, aligned_page):
    page, rows = aligned_page
    driver = open_page(browser, page, shot="align-sentences")
    assert [r[3:5] for r in driver.execute_script(_ROWS_JS)] == [[row.fr, row.en] for row in rows]
    check_filters(driver, rows, "railway")


def current(driver: webdriver.Chrome) -> tuple[int, bool]:
    """The current row and whether it is in the viewport."""
    return tuple(
        driver.execute_script(
            "var r = document.querySelector('#rows > .r.cur'); if (!r) return [-1, false];"
            "var box = r.getBoundingClientRect();"
            "return [Array.prototype.indexOf.call(r.parentNode.children, r), "
            "box.top >= 0 && box.bottom <= window.innerHeight];"
        )
    )


def test_j_and_k_step_through_the_suspect_rows(browser, aligned_page):
    page, rows = aligned_page
    suspects = [i for i, row in enumerate(rows) if row.suspect]
    assert len(suspects) >= 2
    driver = open_page(browser, page)
    driver.execute_script("document.activeElement.blur();")  # keys go to the page
    press(driver, "k")
    assert current(driver) == (-1, False)  # nothing before the start
    for index in suspects:
        press(driver, "j")
        assert current(driver) == (index, True)
    press(driver, "j")
    assert current(driver)[0] == suspects[-1]  # nothing after the last
    for index in reversed(suspects[:-1]):
        press(driver, "k")
        assert current(driver) == (index, True)
    driver.find_element(By.ID, "unaligned").click()  # j and k skip the suspects the filter hides
    for key in "jjk":
        at = current(driver)[0]
        shown_suspects = [i for i in suspects if not rows[i].src or not rows[i].tgt]
        after = [i for i in shown_suspects if i > at] if key == "j" else [i for i in shown_suspects if i < at][::-1]
        press(driver, key)
        assert current(driver)[0] == (after[0] if after else at)
    assert any(rows[i].src and rows[i].tgt for i in suspects), "no suspect match for the filter to hide"


def downloaded(folder: Path, name: str, timeout: float = 10) -> str:
    path = folder / name
    deadline = time.monotonic() + timeout
    while not path.is_file() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert path.is_file(), f"no {name} in {sorted(p.name for p in folder.iterdir())}"
    return path.read_text(encoding="utf-8")


def check_download(browser: Browser, rows: list[Row], flagged: list[int], name: str) -> None:
    driver = browser.driver
    button = driver.find_element(By.ID, "download")
    assert not button.is_enabled()
    boxes = driver.find_elements(By.CSS_SELECTOR, "#rows > .r > input.f")
    for index in flagged:
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", boxes[index])
        boxes[index].click()
    assert button.is_enabled() and driver.find_element(By.ID, "flagged").text == str(len(flagged))
    button.click()
    header, *records = downloaded(browser.downloads, name).removesuffix("\n").split("\n")
    assert header == "paragraph\tsrc_ids\ttgt_ids\tfr\ten\tscore"
    got = [record.split("\t") for record in records]
    assert [fields[:5] for fields in got] == [
        [str(rows[i].paragraph), ",".join(map(str, rows[i].src)) or "-", ",".join(map(str, rows[i].tgt)) or "-"]
        + [rows[i].fr, rows[i].en]
        for i in flagged
    ]
    assert [float(fields[5]) for fields in got] == [rows[i].score for i in flagged]


def test_flagged_rows_download_as_tsv(browser, run, aligned_page):
    page, rows = aligned_page
    open_page(browser, page)
    merged = next(i for i, row in enumerate(rows) if row.kind == "2-1")
    lonely = next(i for i, row in enumerate(rows) if row.kind == "1-0")
    check_download(browser, rows, sorted({0, merged, lonely}), "fr.txt_en.txt.flagged.tsv")
    hostile = jsonl_rows(run, HOSTILE_NAME)
    open_page(browser, run / "review" / f"{HOSTILE_NAME}.html")
    check_download(browser, hostile, [i for i, row in enumerate(hostile) if row.fr], "xss_i.flagged.tsv")


def test_index_links_every_page(browser, run):
    review = run / "review"
    driver = open_page(browser, review / "index.html", shot="index")
    links = driver.find_elements(By.CSS_SELECTOR, "tbody a")
    assert [link.text for link in links] == NAMES
    assert [Path(unquote(urlparse(link.get_property("href")).path)) for link in links] == [
        review / f"{name}.html" for name in NAMES
    ]
    counts = [row.find_elements(By.TAG_NAME, "td")[1].text for row in driver.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert counts == [str(len(jsonl_rows(run, name))) for name in NAMES]
    links[-1].click()
    assert driver.title == f"Review: {HOSTILE_NAME}"
    driver.find_element(By.CSS_SELECTOR, "nav a").click()
    assert Path(unquote(urlparse(driver.current_url).path)) == review / "index.html"


def test_pages_fetch_nothing_and_break_no_rule(browser, run, aligned_page):
    driver = browser.driver
    driver.get_log("performance"), driver.get_log("browser")  # start both logs from here
    pages = [run / "review" / "index.html", *(run / "review" / f"{name}.html" for name in NAMES), aligned_page[0]]
    for page in pages:
        open_page(browser, page)
        if page.name != "index.html":
            driver.find_element(By.ID, "not11").click()
        assert driver.execute_script("return performance.getEntriesByType('resource').length;") == 0
    requested = [
        message["params"]["request"]["url"]
        for message in (json.loads(entry["message"])["message"] for entry in driver.get_log("performance"))
        if message["method"] == "Network.requestWillBeSent"
    ]
    assert requested == [page.as_uri() for page in pages]
    assert [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"] == []
