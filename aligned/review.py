"""The review page: one self-contained HTML file in which a person reads what was aligned.

A translator checking an aligned corpus wants the two sides next to each other, the doubtful
pairs first, and a way to note what is wrong without leaving the page. So each page holds one
row per bead (paragraph, sentence ids, bead kind, French | English, score), a histogram of the
scores, filters (score below a threshold, not 1-1, unaligned only, text search), ``j``/``k``
to step through the suspect rows, and a flag per row with a download of the flagged rows as
TSV. ``render_index`` lists the pages of a run.

It lives in ``aligned`` (the lowest package) so that ``align-sentences --format html`` and
``translate`` give the same page. The page must be safe to open whatever the documents hold
and must work from disk, offline, for years:

* every piece of text is HTML-escaped into static markup; the script holds no data at all (it
  reads the rows from the DOM), so no text can ever reach a script context;
* no external script, style, font or image, and a Content-Security-Policy that forbids every
  fetch, should anything slip through;
* rows are static HTML with ``content-visibility: auto``, and filters toggle ``hidden`` on
  the rows that change, so a page of 10,000 pairs opens and filters in well under a second
  (``benchmarks/review_page.py``, ``docs/review.md``).
"""

from __future__ import annotations

import html
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .beads import Bead, SentencePair

#: A match scoring below this is suspect (as is every unaligned bead). The scores are not spread
#: over (0, 1): on Text+Berg and FLORES documents every match bead scored between 0.65 and 0.95.
#: Below 0.75 about half of the matches were wrong (26 of 57), from 0.75 up only 112 of 1972;
#: so 0.75 sends a reviewer to about 3% of the matches, half of them worth fixing
#: (docs/review.md, ``benchmarks/review_page.py --bands``).
SUSPECT_SCORE = 0.75
#: From here up a match is "good" (green): 95% of them were exactly right in the same measure.
HIGH_SCORE = 0.80
HISTOGRAM_BINS = 20  # 0.05 wide, so that both thresholds fall on bin edges
LANGUAGE_NAMES = {"fr": "French", "en": "English", "de": "German", "es": "Spanish", "it": "Italian"}
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)


def is_suspect(pair: SentencePair) -> bool:
    """Worth a person's look: unaligned, or a match scoring below ``SUSPECT_SCORE``."""
    return pair.unaligned or _finite(pair.score) < SUSPECT_SCORE


def band(pair: SentencePair) -> str:
    """The colour band of a pair's score: "none" (unaligned), "low", "mid" or "high"."""
    if pair.unaligned:
        return "none"
    score = _finite(pair.score)
    return "low" if score < SUSPECT_SCORE else "mid" if score < HIGH_SCORE else "high"


@dataclass(frozen=True)
class IndexEntry:
    """One document of the index: its page (``href``, relative), pairs, share of 1-1 pairs
    (0..1), suspect rows, and translation scores such as {"BLEU": 41.2} when there were any."""

    name: str
    href: str
    pairs: int
    one_to_one: float
    suspects: int
    scores: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, name: str, href: str, rows: Sequence[SentencePair], scores: Mapping[str, float] | None = None):
        """The entry of a page made of ``rows``."""
        one_to_one = sum(row.kind == "1-1" for row in rows) / len(rows) if rows else 0.0
        return cls(name, href, len(rows), one_to_one, sum(is_suspect(row) for row in rows), dict(scores or {}))


def review_rows(
    beads: Sequence[Bead], src: Sequence[str], tgt: Sequence[str], paragraphs: Sequence[int] | None = None
) -> list[SentencePair]:
    """The rows of an alignment of two sentence lists; ``paragraphs`` gives each source
    sentence's paragraph (a target-only bead is put in the paragraph of the source sentence
    before it), all 0 when not given."""
    rows, paragraph = [], 0
    for bead in beads:
        if bead.src and paragraphs is not None:
            paragraph = paragraphs[bead.src[0]]
        text = " ".join(src[i] for i in bead.src), " ".join(tgt[j] for j in bead.tgt)
        rows.append(SentencePair(paragraph, tuple(bead.src), tuple(bead.tgt), *text, float(bead.score)))
    return rows


def render_page(
    title: str,
    rows: Sequence[SentencePair],
    facts: Sequence[tuple[str, str]] = (),
    notes: Sequence[str] = (),
    back_link: str | None = None,
    *,
    languages: tuple[str, str] = ("fr", "en"),
) -> str:
    """The review page of one aligned text. ``facts`` are (label, value) lines for the header
    (model, settings ...), ``notes`` what the reader must know first (input repairs, a text that
    does not look French); ``back_link`` is the index's address; ``languages`` name the two sides
    (columns, ``lang`` attributes and the header of the flagged-rows TSV)."""
    src_lang, tgt_lang = languages
    body = (
        (f'<nav><a href="{_e(back_link)}">&larr; all documents</a></nav>' if back_link is not None else "")
        + f"<h1>{_e(title)}</h1>"
        + '<div class="top">'
        + _facts(facts)
        + _histogram(rows)
        + "</div>"
        + _notes(notes)
    )
    data = f'data-file="{_e(_file_name(title))}" data-langs="{_e(src_lang)} {_e(tgt_lang)}"'
    return (
        _head(f"Review: {title}")
        + f"<body {data}><header>{body}</header>"
        + _toolbar(len(rows))
        + "<main>"
        + _column_heads(src_lang, tgt_lang)
        + '<div id="rows">'
        + "".join(_row(index, row, src_lang, tgt_lang) for index, row in enumerate(rows))
        + '</div><p id="none" hidden>No pair matches these filters.</p></main>'
        + f"<script>{_SCRIPT}</script></body></html>\n"
    )


def render_index(
    title: str, entries: Sequence[IndexEntry], facts: Sequence[tuple[str, str]] = (), notes: Sequence[str] = ()
) -> str:
    """The list of a run's review pages: each document with its pairs, share of 1-1 pairs,
    suspect rows and, where given, its translation scores; ``notes`` for what failed."""
    metrics = list(dict.fromkeys(metric for entry in entries for metric in entry.scores))
    heads = "".join(f'<th class="n">{_e(metric)}</th>' for metric in metrics)
    table = (
        '<table class="docs"><thead><tr><th>document</th><th class="n">pairs</th><th class="n">1-1</th>'
        f'<th class="n">suspect</th>{heads}</tr></thead><tbody>'
        + "".join(_index_row(entry, metrics) for entry in entries)
        + "</tbody>"
        + _index_total(entries, metrics)
        + "</table>"
    )
    explained = (
        f'<p class="hint">suspect: unaligned sentences and matches scoring below {SUSPECT_SCORE:.2f}; '
        "each name opens the document's review page.</p>"
    )
    header = f'<h1>{_e(title)}</h1><div class="top">{_facts(facts)}</div>{_notes(notes)}'
    return _head(title) + f"<body><header>{header}</header><main>{table}{explained}</main></body></html>\n"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _finite(score: float) -> float:
    """A score to compare and draw: not-a-number counts as 0 (it can only come from a bad file)."""
    return score if math.isfinite(score) else 0.0


def _file_name(title: str) -> str:
    """The download's file name: the title's letters, digits, dots and dashes."""
    stem = re.sub(r"[^\w.-]+", "_", title).strip("._") or "review"
    return f"{stem[:100]}.flagged.tsv"


def _head(title: str) -> str:
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer"><link rel="icon" href="data:,">'
        f"<title>{_e(title)}</title><style>{_STYLE}</style></head>"
    )


def _facts(facts: Sequence[tuple[str, str]]) -> str:
    if not facts:
        return ""
    lines = "".join(f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>" for label, value in facts)
    return f'<dl class="facts">{lines}</dl>'


def _notes(notes: Sequence[str]) -> str:
    if not notes:
        return ""
    return '<ul class="notes">' + "".join(f"<li>{_e(note)}</li>" for note in notes) + "</ul>"


def _toolbar(total: int) -> str:
    return (
        '<div class="bar" role="toolbar" aria-label="filters">'
        '<label>score below <input type="range" id="below" min="0" max="1" step="0.01" value="1">'
        ' <output id="below-value" for="below">any</output></label>'
        '<label><input type="checkbox" id="not11"> not 1-1</label>'
        '<label><input type="checkbox" id="unaligned"> unaligned only</label>'
        '<input type="search" id="q" placeholder="search  ( / )" aria-label="search the text" spellcheck="false">'
        f'<span class="count" aria-live="polite"><b id="shown">{total}</b> of {total} pairs shown</span>'
        '<button type="button" id="download" disabled>download flagged (<span id="flagged">0</span>)</button>'
        '<span class="keys"><kbd>j</kbd>/<kbd>k</kbd> next/previous suspect &middot; <kbd>/</kbd> search</span>'
        "</div>"
    )


def _column_heads(src_lang: str, tgt_lang: str) -> str:
    src, tgt = (_e(LANGUAGE_NAMES.get(lang, lang)) for lang in (src_lang, tgt_lang))
    return (
        '<div class="r head" aria-hidden="true"><span>para.</span><span>sentences</span><span>kind</span>'
        f'<span>{src}</span><span>{tgt}</span><span class="n">score</span><span title="flag">&#9873;</span></div>'
    )


def _row(index: int, row: SentencePair, src_lang: str, tgt_lang: str) -> str:
    """One bead as static markup. The data attributes are what the script filters on and what
    the flagged-rows TSV holds; the texts are read back from the cells."""
    classes = "r" + (" u" if row.unaligned else " m" if row.kind != "1-1" else "") + (" s" if is_suspect(row) else "")
    segment = f"<small>{_e(row.segment)}</small>" if row.segment else ""
    score = "&ndash;" if row.unaligned else f"{_finite(row.score):.2f}"
    return (
        f'<div class="{classes}" id="p{index}" data-kind="{row.kind}" data-score="{_e(repr(float(row.score)))}" '
        f'data-p="{row.paragraph}" data-src="{_ids(row.src_ids)}" data-tgt="{_ids(row.tgt_ids)}">'
        f'<span class="p">{row.paragraph}{segment}</span>'
        f'<span class="ids">{_span(row.src_ids)} &rarr; {_span(row.tgt_ids)}</span>'
        f'<span class="b">{row.kind}</span>'
        f'<div class="t" lang="{_e(src_lang)}">{_e(row.fr)}</div>'
        f'<div class="t" lang="{_e(tgt_lang)}">{_e(row.en)}</div>'
        f'<span class="sc {band(row)}" title="score {_e(row.score)}">{score}</span>'
        f'<input type="checkbox" class="f" aria-label="flag pair {index}" title="flag this pair">'
        "</div>"
    )


def _ids(ids: Sequence[int]) -> str:
    """Sentence ids as the TSV gives them: "3,4"; "-" for an empty side (as align-sentences' TSV)."""
    return ",".join(map(str, ids)) or "-"


def _span(ids: Sequence[int]) -> str:
    """Sentence ids for the eye: "12", "12&ndash;14", "&ndash;" for none."""
    if not ids:
        return "&ndash;"
    if len(ids) > 1 and list(ids) == list(range(ids[0], ids[0] + len(ids))):
        return f"{ids[0]}&ndash;{ids[-1]}"
    return ",".join(map(str, ids))


def _histogram(rows: Sequence[SentencePair]) -> str:
    """The scores of the matches in bins over 0..1, unaligned beads in a bar of their own, as
    inline SVG with a tooltip per bar; the caption counts the kinds and the suspects."""
    bins = [0] * HISTOGRAM_BINS
    for row in rows:
        if not row.unaligned:
            bins[min(max(int(_finite(row.score) * HISTOGRAM_BINS), 0), HISTOGRAM_BINS - 1)] += 1
    unaligned = sum(row.unaligned for row in rows)
    tallest = max([*bins, unaligned, 1])
    left, bottom, height, width = 36, 104, 88, 20  # plot origin, bar area height, bin width
    bars = []
    for k, count in enumerate(bins):
        low, high = k / HISTOGRAM_BINS, (k + 1) / HISTOGRAM_BINS
        band = "low" if low < SUSPECT_SCORE else "mid" if low < HIGH_SCORE else "high"
        bars.append(_bar(left + k * width, count, tallest, bottom, height, band, f"{low:.2f}-{high:.2f}: {count}"))
    x_unaligned = left + HISTOGRAM_BINS * width + 34
    bars.append(_bar(x_unaligned, unaligned, tallest, bottom, height, "none", f"unaligned (1-0, 0-1): {unaligned}"))
    ticks = "".join(
        f'<text x="{left + value * HISTOGRAM_BINS * width:g}" y="{bottom + 13}" text-anchor="middle">{value:g}</text>'
        for value in sorted({0, 0.25, 0.5, 0.75, 1, SUSPECT_SCORE})
    )
    right = left + HISTOGRAM_BINS * width
    svg = (
        f'<svg class="hist" role="img" aria-label="histogram of pair scores" width="{x_unaligned + 46}" '
        f'height="{bottom + 18}" viewBox="0 0 {x_unaligned + 46} {bottom + 18}">'
        f'<text x="{left - 4}" y="{bottom - height + 4}" text-anchor="end">{tallest}</text>'
        f'<text x="{left - 4}" y="{bottom}" text-anchor="end">0</text>'
        f'<line class="axis" x1="{left}" y1="{bottom + 0.5}" x2="{right}" y2="{bottom + 0.5}"/>'
        + "".join(bars)
        + ticks
        + f'<text x="{x_unaligned + 9}" y="{bottom + 13}" text-anchor="middle">unaligned</text>'
        + f'<line id="cut" class="cut" x1="{right}" x2="{right}" y1="{bottom - height - 4}" y2="{bottom}" '
        f'data-left="{left}" data-width="{right - left}" visibility="hidden"/>'
        "</svg>"
    )
    return f'<figure class="hist">{svg}<figcaption>{_summary(rows)}</figcaption></figure>'


def _bar(x: float, count: int, tallest: int, bottom: int, height: int, band: str, label: str) -> str:
    """A bar with its tooltip over the whole column (an empty bin draws nothing)."""
    if not count:
        return ""
    tall = max(round(height * count / tallest, 1), 1)
    tip = f"<title>{_e(label)}</title>"
    return (
        f'<rect class="{band}" x="{x + 1}" y="{bottom - tall}" width="18" height="{tall}">{tip}</rect>'
        f'<rect class="hover" x="{x}" y="{bottom - height}" width="20" height="{height}">{tip}</rect>'
    )


def _summary(rows: Sequence[SentencePair]) -> str:
    """'12 pairs: 1-1 9 · 2-1 1 · 1-0 2; 3 suspect', kinds from 1-1 through merges to unaligned."""
    kinds = Counter(row.kind for row in rows)

    def order(kind: str) -> tuple:
        src, tgt = map(int, kind.split("-"))
        return (kind != "1-1", src == 0 or tgt == 0, src + tgt, -src)

    listed = " &middot; ".join(f'<span class="kind">{kind}</span> {kinds[kind]}' for kind in sorted(kinds, key=order))
    suspects = sum(is_suspect(row) for row in rows)
    return (
        f"{len(rows)} pairs{': ' + listed if listed else ''}; <b>{suspects} suspect</b> "
        f"(unaligned, or a match scoring below {SUSPECT_SCORE:.2f})"
    )


def _index_row(entry: IndexEntry, metrics: Sequence[str]) -> str:
    cells = "".join(
        f'<td class="n">{entry.scores[metric]:.1f}</td>' if metric in entry.scores else '<td class="n">&ndash;</td>'
        for metric in metrics
    )
    suspect = ' class="n warn"' if entry.suspects else ' class="n"'
    return (
        f'<tr><td><a href="{_e(entry.href)}">{_e(entry.name)}</a></td><td class="n">{entry.pairs}</td>'
        f'<td class="n">{100 * entry.one_to_one:.1f}%</td><td{suspect}>{entry.suspects}</td>{cells}</tr>'
    )


def _index_total(entries: Sequence[IndexEntry], metrics: Sequence[str]) -> str:
    pairs = sum(entry.pairs for entry in entries)
    one_to_one = sum(entry.one_to_one * entry.pairs for entry in entries) / pairs if pairs else 0.0
    blanks = '<td class="n"></td>' * len(metrics)
    return (
        f'<tfoot><tr><td>{len(entries)} documents</td><td class="n">{pairs}</td>'
        f'<td class="n">{100 * one_to_one:.1f}%</td>'
        f'<td class="n">{sum(entry.suspects for entry in entries)}</td>{blanks}</tr></tfoot>'
    )


_STYLE = """
:root{color-scheme:light;--line:#d8dee4;--muted:#57606a;--low:#cf222e;--low-bg:#ffebe9;--mid:#9a6700;--mid-bg:#fff8c5;
--high:#1a7f37;--high-bg:#dafbe1;--none:#6e7781}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:#1f2328;
background:#fff}
header{padding:10px 20px 12px}
nav a{color:#0969da;text-decoration:none;font-size:13px}
h1{font-size:20px;margin:2px 0 10px;overflow-wrap:anywhere}
.top{display:flex;flex-wrap:wrap;gap:12px 36px;align-items:flex-start}
.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:1px 12px;margin:0;font-size:13px;
max-width:640px}
.facts dt{color:var(--muted)}.facts dd{margin:0;overflow-wrap:anywhere}
.notes{background:#fff8c5;border-left:4px solid #d4a72c;margin:12px 0 0;padding:6px 12px 6px 30px;font-size:13px}
figure{margin:0}figcaption{font-size:12px;color:var(--muted);max-width:520px}
.kind{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
svg.hist{display:block;font:10px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;fill:var(--muted)}
svg .low{fill:var(--low)}svg .mid{fill:#d4a72c}svg .high{fill:#2da44e}svg .none{fill:var(--none)}
svg .hover{fill:transparent}svg .hover:hover{fill:rgba(9,105,218,.08)}
svg .axis{stroke:var(--line)}svg .cut{stroke:#0969da;stroke-width:2;stroke-dasharray:3 2}
.bar{position:sticky;top:0;z-index:2;display:flex;flex-wrap:wrap;gap:6px 16px;align-items:center;padding:8px 20px;
background:#f6f8fa;border-top:1px solid var(--line);border-bottom:1px solid var(--line);font-size:13px}
.bar label{display:inline-flex;gap:5px;align-items:center;white-space:nowrap}
#below{width:130px}#below-value{display:inline-block;min-width:3.4em;font-family:ui-monospace,Menlo,Consolas,monospace}
#q{width:200px;padding:3px 7px;border:1px solid var(--line);border-radius:6px;font:inherit}
#download{font:inherit;padding:3px 10px;border:1px solid var(--line);border-radius:6px;background:#fff;cursor:pointer}
#download:disabled{color:var(--muted);cursor:default}
.keys{color:var(--muted);margin-left:auto}
kbd{font:11px ui-monospace,Menlo,Consolas,monospace;border:1px solid var(--line);border-bottom-width:2px;
border-radius:4px;padding:0 4px;background:#fff}
.r{display:grid;grid-template-columns:56px 92px 40px minmax(0,1fr) minmax(0,1fr) 46px 18px;gap:0 12px;
padding:5px 20px 5px 16px;border-bottom:1px solid #eaeef2;border-left:4px solid transparent;align-items:start;
content-visibility:auto;contain-intrinsic-size:auto 44px;scroll-margin:90px 0}
.r[hidden]{display:none}
.r.head{font-size:12px;font-weight:600;color:var(--muted);background:#fff;content-visibility:visible}
.n{text-align:right}
.p{color:var(--muted);font-variant-numeric:tabular-nums}
.p small{display:block;font-size:11px;line-height:1.2;overflow-wrap:anywhere}
.ids{font:12px/20px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:var(--muted)}
.b{justify-self:start;font:600 11px/18px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:0 6px;
border-radius:9px;background:#eaeef2;color:#424a53;margin-top:1px}
.r.m .b{background:#ddf4ff;color:#0550ae}.r.u .b{background:var(--low);color:#fff}
.t{overflow-wrap:anywhere;white-space:pre-wrap}
.t:empty::before{content:"(nothing on this side)";color:#8c959f;font-style:italic}
.r.s{background:#fff5f5;border-left-color:var(--low)}
.r.u{background:repeating-linear-gradient(135deg,#fff1f0 0 10px,#fff8f7 10px 20px)}
.r.flag{background:#ddf4ff}
.r.cur{outline:2px solid #0969da;outline-offset:-2px}
.sc{justify-self:end;font:600 12px/20px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:0 5px;
border-radius:4px}
.sc.high{color:var(--high);background:var(--high-bg)}.sc.mid{color:var(--mid);background:var(--mid-bg)}
.sc.low{color:#fff;background:var(--low)}.sc.none{color:var(--none)}
.f{width:16px;height:16px;margin:2px 0 0;cursor:pointer}
#none{padding:16px 20px;color:var(--muted)}
table.docs{border-collapse:collapse;margin:4px 20px;font-size:14px}
.docs th,.docs td{padding:5px 14px;border-bottom:1px solid #eaeef2;text-align:left}
.docs th.n,.docs td.n{text-align:right;font-variant-numeric:tabular-nums}
.docs thead th{color:var(--muted);font-size:12px;border-bottom:1px solid var(--line)}
.docs tfoot td{font-weight:600;border-top:1px solid var(--line)}
.docs a{color:#0969da}.docs td.warn{color:var(--low);font-weight:600}
.hint{margin:8px 20px;color:var(--muted);font-size:12px}
"""

# No data in here: everything comes from the rows' markup, so no text of a document can reach a
# script. Filters only touch rows whose visibility changes (hidden), which is what keeps 10,000
# rows fast; texts for the search are read and folded (case, accents) on the first search.
_SCRIPT = r"""
(function () {
  "use strict";
  function $(id) { return document.getElementById(id); }
  var rows = Array.prototype.slice.call($("rows").children), n = rows.length;
  var score = new Float64Array(n), notOne = new Uint8Array(n), unaligned = new Uint8Array(n);
  var shown = new Uint8Array(n).fill(1), suspects = [], texts = null, current = -1;
  for (var i = 0; i < n; i++) {
    var row = rows[i];
    score[i] = parseFloat(row.getAttribute("data-score")) || 0;
    notOne[i] = row.getAttribute("data-kind") !== "1-1" ? 1 : 0;
    unaligned[i] = row.classList.contains("u") ? 1 : 0;
    if (row.classList.contains("s")) suspects.push(i);
  }
  var below = $("below"), not11 = $("not11"), onlyUnaligned = $("unaligned"), search = $("q"), cut = $("cut");
  var langs = (document.body.getAttribute("data-langs") || "fr en").split(" ");

  function fold(text) { return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  function cellText(row, k) { return row.children[3 + k].textContent; }

  function apply() {
    var threshold = parseFloat(below.value), useThreshold = threshold < 1, wantNot11 = not11.checked;
    var wantUnaligned = onlyUnaligned.checked, query = fold(search.value.trim()), visible = 0;
    if (query && texts === null) {
      texts = new Array(n);
      for (var t = 0; t < n; t++) texts[t] = fold(cellText(rows[t], 0) + "\n" + cellText(rows[t], 1));
    }
    for (var i = 0; i < n; i++) {
      var ok = (!useThreshold || score[i] < threshold) && (!wantNot11 || notOne[i] === 1) &&
        (!wantUnaligned || unaligned[i] === 1) && (!query || texts[i].indexOf(query) !== -1);
      if (ok) visible++;
      if (shown[i] !== (ok ? 1 : 0)) { shown[i] = ok ? 1 : 0; rows[i].hidden = !ok; }
    }
    $("below-value").textContent = useThreshold ? "< " + threshold.toFixed(2) : "any";
    $("shown").textContent = visible;
    $("none").hidden = visible > 0;
    if (cut) {
      var x = +cut.getAttribute("data-left") + threshold * +cut.getAttribute("data-width");
      cut.setAttribute("x1", x); cut.setAttribute("x2", x);
      cut.setAttribute("visibility", useThreshold ? "visible" : "hidden");
    }
  }

  function setCurrent(i, scroll) {
    if (current >= 0) { rows[current].classList.remove("cur"); rows[current].removeAttribute("aria-current"); }
    current = i;
    rows[i].classList.add("cur");
    rows[i].setAttribute("aria-current", "true");
    if (scroll) rows[i].scrollIntoView({block: "center"});
  }

  function move(step) {
    // The next (or previous) suspect row after the current one that the filters show.
    for (var a = step > 0 ? 0 : suspects.length - 1; a >= 0 && a < suspects.length; a += step) {
      var s = suspects[a];
      if ((step > 0 ? s > current : s < current) && shown[s]) return setCurrent(s, true);
    }
  }

  function countFlags() {
    var flagged = 0;
    for (var i = 0; i < n; i++) {
      var checked = rows[i].lastElementChild.checked;
      rows[i].classList.toggle("flag", checked);
      if (checked) flagged++;
    }
    $("flagged").textContent = flagged;
    $("download").disabled = flagged === 0;
  }

  function clean(text) { return text.replace(/[\t\r\n]+/g, " "); }

  function flaggedTsv() {
    var lines = [["paragraph", "src_ids", "tgt_ids", langs[0], langs[1], "score"].join("\t")];
    for (var i = 0; i < n; i++) {
      var row = rows[i];
      if (!row.lastElementChild.checked) continue;
      lines.push([row.getAttribute("data-p"), row.getAttribute("data-src"), row.getAttribute("data-tgt"),
        clean(cellText(row, 0)), clean(cellText(row, 1)), row.getAttribute("data-score")].join("\t"));
    }
    return lines.join("\n") + "\n";
  }

  function download() {
    var blob = new Blob([flaggedTsv()], {type: "text/tab-separated-values;charset=utf-8"});
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = document.body.getAttribute("data-file") || "flagged.tsv";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 60000);
  }

  below.addEventListener("input", apply);
  not11.addEventListener("change", apply);
  onlyUnaligned.addEventListener("change", apply);
  search.addEventListener("input", apply);
  $("download").addEventListener("click", download);
  $("rows").addEventListener("change", function (event) {
    var box = event.target;
    if (!box.classList.contains("f")) return;
    box.parentNode.classList.toggle("flag", box.checked);
    var flagged = +$("flagged").textContent + (box.checked ? 1 : -1);
    $("flagged").textContent = flagged;
    $("download").disabled = flagged === 0;
  });
  $("rows").addEventListener("click", function (event) {
    var row = event.target.closest(".r");
    if (row && event.target.tagName !== "INPUT") setCurrent(rows.indexOf(row), false);
  });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target === search) {
      if (event.key === "Escape") { search.blur(); event.preventDefault(); }
      return;
    }
    if (target && (target.isContentEditable || target.tagName === "TEXTAREA" ||
        (target.tagName === "INPUT" && target.type !== "checkbox" && target.type !== "range"))) return;
    if (event.key === "/") { event.preventDefault(); search.focus(); search.select(); }
    else if (event.key === "j") { event.preventDefault(); move(1); }
    else if (event.key === "k") { event.preventDefault(); move(-1); }
  });
  // A page brought back from the history keeps its checked boxes and filters: show them as they are.
  window.addEventListener("pageshow", function () { countFlags(); apply(); });
  apply();
})();
"""
