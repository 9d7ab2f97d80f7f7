"""Markdown (``.md``, ``.markdown``): CommonMark with GitHub tables and YAML front matter, read with markdown-it-py.

Read: the text (decoded by ``aligned.textio.decode``, repairs reported as notes) is parsed by
markdown-it-py; each heading (ATX ``#`` and setext) is a ``heading`` segment, each paragraph a
``paragraph``, a paragraph inside a list item a ``list-item``, inside a block quote a ``quote``,
and each table cell (header cells too) a ``cell``. A segment's text is what a reader sees:
link texts and inline code are part of it, markup is not. Never read: front matter, fenced and
indented code, HTML blocks, link destinations and titles, reference definitions (``[x]: url``),
images, autolinks (``<https://...>``) and inline HTML tags; a paragraph whose only letters are
in inline code is code, not a segment.

Written back: the source text with only the segments' spans replaced (markdown-it's line maps
and the parser's own line offsets locate them), so everything else is byte-identical: front
matter, heading marks, list markers, ``>`` prefixes, table pipes and alignment row, code blocks,
HTML blocks, reference definitions, blank lines, line endings (LF or CRLF) and a byte order
mark (the file is written as UTF-8). A paragraph (or setext heading) over several source lines
is one segment; its English goes on its first line, after that line's prefix (``> ``, list
marker or indentation), and its other lines are removed. English that would change the
structure is backslash-escaped: a line start that would open a heading, list, quote, thematic
break, code fence or reference definition, a closing ``#`` run in a heading, ``|`` in a table
cell, ``[`` and ``]`` inside a link, ``<`` that would open an HTML tag; a ``|`` on a line above
one such as ``---`` (which would make a table of it) is written ``&#124;``. A segment whose
English is its French text unchanged (the pipeline gives back letterless cells so) keeps its
source bytes.

Kept: emphasis, strong emphasis, a link and HTML tags around a whole segment (``**...**``,
``[...](url "title")``, reference links with their label, ``<b>...</b>``), around the English;
inline code is re-marked where its exact text appears in the English as a word, else kept after
it; a link around part of a segment is kept after the English, showing its target as its text
(``[https://x.fr](https://x.fr "title")``, ``[https://x.fr][label]``, ``<a href="u">u</a>``);
images, autolinks and lone HTML tags (``<br>``, comments) are kept verbatim: at the start or end
of a segment in place, in mid-sentence after the English. Link and image destinations and
titles stay byte-identical.

Lost: emphasis and HTML elements (other than links) around part of a segment, and hard line
breaks inside a paragraph (the segment counts as simplified, as does one whose code, link,
image or tag moved after the English); a paragraph's line wrapping; image alt texts and link
titles stay in French. markdown-it drops blocks nested more than 20 block quotes or lists deep:
those lines are kept as they are, untranslated, and a note says which.
"""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass
from typing import Callable, Iterator

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from aligned.textio import DecodeError, decode, looks_binary
from translate.formats.base import FormatError, Parsed, Rebuilt, Segment
from translate.formats.inline import find_in_order

_LINE_END = re.compile(r"\r\n|\r|\n")  # markdown-it's own line endings (it normalises them to "\n")
_DROPPED = "translate.markdown.dropped"  # env keys this module's parser hooks write to
_STARTS = "translate.markdown.starts"
_CONTAINERS = {"blockquote_open": "quote", "list_item_open": "list-item"}
_EMPHASIS = ("em_open", "strong_open", "s_open")
_TEXT = ("text", "text_special")


# --- reading -----------------------------------------------------------------------------------


def read_markdown(data: bytes) -> Parsed:
    """The segments of a Markdown file, and how to write the English back into its source."""
    text, notes = _decode(data)
    source = _Source(text)
    md, env = _parser(front_matter=source.normalized.startswith("---"))
    try:
        tokens = md.parse(source.normalized, env)
    except RecursionError:  # markdown-it limits nesting; this is a guard, not a path seen in tests
        raise FormatError("Markdown nested too deeply to read; flatten its block quotes or lists") from None
    notes += _dropped_notes(env, md.options["maxNesting"])
    blocks = list(_blocks(tokens, source, env, md, notes))
    bom = codecs.BOM_UTF8 if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else b""
    segments = [Segment(_visible_text(block.tokens), block.kind) for block in blocks]

    def rebuild(english: list[str]) -> Rebuilt:
        if len(english) != len(blocks):
            raise ValueError(f"expected {len(blocks)} translations, got {len(english)}")
        edits: list[tuple[int, int, str]] = []
        simplified = 0
        for block, segment, translation in zip(blocks, segments, english):
            if translation == segment.text:  # untranslated (letterless): keep the source bytes
                continue
            written, lossy = block.render(translation)
            if written:
                edits.append((block.start, block.end, written))
                simplified += lossy
        return Rebuilt(bom + _apply(source.text, edits).encode("utf-8"), simplified)

    return Parsed(segments, rebuild, notes)


def _decode(data: bytes) -> tuple[str, list[str]]:
    """Text from bytes, refusing what is not text: a Markdown file never holds a NUL."""
    if looks_binary(data):
        raise FormatError("binary file, not Markdown text; give a UTF-8 Markdown file")
    try:
        decoded = decode(data, repair=True)
    except DecodeError as error:  # repair=True should not raise; a guard so no library error escapes
        raise FormatError(f"not readable as text ({error}); save it as UTF-8") from None
    if "\0" in decoded.text:
        offset = decoded.text.index("\0")
        raise FormatError(f"NUL character at offset {offset}, not Markdown text; give a UTF-8 Markdown file")
    return decoded.text, list(decoded.notes)


class _Source:
    """The decoded text and where each line starts, in it and in markdown-it's normalised copy
    (which has "\\n" for every line ending): the columns within a line are the same in both."""

    def __init__(self, text: str):
        self.text = text
        self.starts = [0]  # offset of each line in ``text``
        self.lengths = []  # each line's length without its ending
        for match in _LINE_END.finditer(text):
            self.lengths.append(match.start() - self.starts[-1])
            self.starts.append(match.end())
        self.lengths.append(len(text) - self.starts[-1])
        self.normalized = _LINE_END.sub("\n", text)
        self.normalized_starts = [0]
        for length in self.lengths[:-1]:
            self.normalized_starts.append(self.normalized_starts[-1] + length + 1)

    def line(self, number: int) -> str:
        return self.text[self.starts[number] : self.starts[number] + self.lengths[number]]

    def offset(self, line: int, column: int) -> int:
        return self.starts[line] + column


def _parser(front_matter: bool) -> tuple[MarkdownIt, dict]:
    """A markdown-it parser of its own (hooks are per instance, no shared state) whose block
    rules record where each line's text starts, whose link and image rules record their source
    span, and which notes the lines it drops at its nesting limit.

    The front matter plugin is used only for a file that starts with ``---``: it also takes a
    list item on the first line whose text starts with two dashes for front matter."""
    md = MarkdownIt("commonmark").enable("table")
    if front_matter:
        md.use(front_matter_plugin)
    for name in ("paragraph", "heading", "lheading", "table"):
        _wrap_rule(md.block.ruler, name, _recording_line_starts)
    for name in ("link", "image", "autolink"):
        _wrap_rule(md.inline.ruler, name, _recording_source)
    tokenize = md.block.tokenize

    def tokenize_noting_drops(state, start: int, end: int) -> None:
        if state.level >= state.md.options["maxNesting"]:
            line = state.skipEmptyLines(start)
            if line < end and state.sCount[line] >= state.blkIndent:
                state.env[_DROPPED].append((line, end))
        tokenize(state, start, end)

    md.block.tokenize = tokenize_noting_drops
    return md, {_DROPPED: [], _STARTS: {}}


def _wrap_rule(ruler, name: str, wrapper: Callable) -> None:
    rule = ruler.__rules__[ruler.__find__(name)]
    ruler.at(name, wrapper(rule.fn), {"alt": list(rule.alt)})


def _recording_line_starts(rule: Callable) -> Callable:
    """A block rule that, when it makes tokens, records where the text of each of its lines
    starts (after container prefixes and indentation) as an offset in the normalised source."""

    def recorded(state, start: int, end: int, silent: bool) -> bool:
        matched = rule(state, start, end, silent)
        if matched and not silent:
            starts = state.env[_STARTS]
            for line in range(start, min(state.line, end)):
                starts[line] = state.bMarks[line] + state.tShift[line]
        return matched

    return recorded


def _recording_source(rule: Callable) -> Callable:
    """An inline rule that puts on the link or image token it makes its span in the inline
    source, and for a link where its text ends: ``meta["source"] = (start, end, label_end)``."""

    def recorded(state, silent: bool) -> bool:
        start, first = state.pos, len(state.tokens)
        matched = rule(state, silent)
        if matched and not silent:
            token = next((token for token in state.tokens[first:] if token.type in ("link_open", "image")), None)
            if token is not None:
                # The link rule found its text's end the same way; parseLinkLabel restores state.pos.
                label_end = state.md.helpers.parseLinkLabel(state, start, True) if state.src[start] == "[" else -1
                token.meta["source"] = (start, state.pos, label_end)
        return matched

    return recorded


def _dropped_notes(env: dict, limit: int) -> list[str]:
    """markdown-it stops at its nesting limit and drops what is deeper; those lines stay as they are."""
    notes = []
    for first, end in env[_DROPPED]:
        lines = f"line {end}" if end == first + 1 else f"lines {first + 1}-{end}"
        notes.append(f"{lines}: nested more than {limit} block quotes or lists deep; left as they are, untranslated")
    return notes


# --- blocks ------------------------------------------------------------------------------------


@dataclass
class _Block:
    """One segment's place in the source: the span its English replaces, and how to write it."""

    kind: str
    tokens: list[Token]  # the inline token's children
    plan: _InlinePlan
    start: int  # offsets in the decoded text
    end: int
    context: str  # "line" (paragraph, setext heading), "heading" (ATX) or "cell"
    no_pipes: bool  # the next line could be a table's delimiter row (see ``_escape_text``)

    def render(self, english: str) -> tuple[str, bool]:
        return self.plan.render(english, self.context, self.no_pipes)


def _blocks(tokens: list[Token], source: _Source, env: dict, md: MarkdownIt, notes: list[str]) -> Iterator[_Block]:
    """Every translatable inline token of the document with its kind and source span, in reading order."""
    containers: list[str] = []
    cell = -1  # the cell's column in its table row
    rows: dict[int, list[tuple[int, int]]] = {}  # each table row's cell spans, split once
    for index, token in enumerate(tokens):
        if token.type in _CONTAINERS:
            containers.append(_CONTAINERS[token.type])
        elif token.type in ("blockquote_close", "list_item_close"):
            containers.pop()
        elif token.type == "tr_open":
            cell = -1
        elif token.type in ("th_open", "td_open"):
            cell += 1
        elif token.type == "inline" and token.map and _is_translatable(token.children or []):
            opener = tokens[index - 1]
            span = _span(opener, token, source, env, cell, rows)
            if span is None:  # a guard: markdown-it's line maps and offsets always placed text in tests
                notes.append(f"line {token.map[0] + 1}: text not found in the source; left untranslated")
                continue
            kind, context = _kind(opener, containers)
            plan = _InlinePlan.of(token.children or [], token.content, md)
            no_pipes = context != "cell" and _delimiter_row_follows(source, token.map[1])
            yield _Block(kind, token.children or [], plan, *span, context, no_pipes)


def _kind(opener: Token, containers: list[str]) -> tuple[str, str]:
    if opener.type == "heading_open":
        return "heading", ("heading" if opener.markup.startswith("#") else "line")
    if opener.type in ("th_open", "td_open"):
        return "cell", "cell"
    return (containers[-1] if containers else "paragraph"), "line"


def _span(
    opener: Token, inline: Token, source: _Source, env: dict, cell: int, rows: dict[int, list[tuple[int, int]]]
) -> tuple[int, int] | None:
    """Where in the decoded text the inline token's text lies (None if it cannot be found)."""
    first, end = inline.map
    starts = env[_STARTS]
    if first not in starts:
        return None
    column = starts[first] - source.normalized_starts[first]
    line = source.line(first)
    if opener.type in ("th_open", "td_open"):
        if first not in rows:
            rows[first] = _row_cells(line, column)
        row = rows[first]
        if cell >= len(row):
            return None
        cell_start, cell_end = row[cell]
        if _unescape_pipes(line[cell_start:cell_end]) != inline.content:
            return None
        return source.offset(first, cell_start), source.offset(first, cell_end)
    if opener.type == "heading_open" and opener.markup.startswith("#"):
        found = line.find(inline.content, column + len(opener.markup))
        return None if found < 0 else (source.offset(first, found), source.offset(first, found + len(inline.content)))
    head = inline.content.split("\n", 1)[0]
    found = line.find(head, column)
    if found < 0 or line[column:found].strip():
        return None
    return source.offset(first, found), source.offset(end - 1, source.lengths[end - 1])


def _delimiter_row_follows(source: _Source, line: int) -> bool:
    """Whether the line after a block could be a table's delimiter row (``---``, ``|:-|``, even
    behind ``>``): a line with a pipe written above it would be read as a table header."""
    return line < len(source.lengths) and bool(_DELIMITER_ROW.fullmatch(source.line(line)))


_DELIMITER_ROW = re.compile(r"[ \t>]*[-|:][-|: \t]*")


def _row_cells(line: str, column: int) -> list[tuple[int, int]]:
    """Each cell's text span (columns in ``line``) of a table row whose text starts at ``column``,
    split as markdown-it splits it: at pipes not preceded by a backslash, outer pipes dropped."""
    text_end = len(line.rstrip())
    pieces: list[tuple[int, int]] = []
    piece_start = column
    for position in range(column, text_end):
        if line[position] == "|" and (position == 0 or line[position - 1] != "\\"):
            pieces.append((piece_start, position))
            piece_start = position + 1
    pieces.append((piece_start, text_end))
    if pieces and pieces[0][0] == pieces[0][1]:
        pieces.pop(0)
    if pieces and pieces[-1][0] == pieces[-1][1]:
        pieces.pop()
    cells = []
    for start, end in pieces:
        piece = line[start:end]
        stripped = piece.strip()
        offset = start + (len(piece) - len(piece.lstrip())) if stripped else start
        cells.append((offset, offset + len(stripped)))
    return cells


def _unescape_pipes(cell: str) -> str:
    return cell.replace("\\|", "|")


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    pieces = []
    position = 0
    for start, end, written in sorted(edits):
        pieces += [text[position:start], written]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


# --- inline content ----------------------------------------------------------------------------


def _visible_text(tokens: list[Token], with_code: bool = True) -> str:
    """What a reader sees: texts, link texts and inline code; line breaks as "\\n"; images,
    autolinks and HTML tags left out."""
    pieces = []
    in_autolink = False
    for token in tokens:
        if token.type == "link_open" and token.markup == "autolink":
            in_autolink = True
        elif token.type == "link_close" and in_autolink:
            in_autolink = False
        elif in_autolink:
            continue
        elif token.type in _TEXT or (token.type == "code_inline" and with_code):
            pieces.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            pieces.append("\n")
    return "".join(pieces)


def _is_translatable(tokens: list[Token]) -> bool:
    """Some visible text, and not only code: a segment whose letters are all in inline code
    is code (a number cell, with no code, is still a segment: the pipeline skips it)."""
    if not _visible_text(tokens).strip():
        return False
    has_code = any(token.type == "code_inline" for token in tokens)
    return not has_code or any(ch.isalpha() for ch in _visible_text(tokens, with_code=False))


@dataclass(frozen=True)
class _InlinePlan:
    """How a segment's inline markup goes around and after its English, worked out once when
    reading so that rebuilding needs no parser."""

    wrappers: tuple[tuple[str, str], ...]  # outermost first: ("**", "**"), ("[", "](url)")
    leading: str  # images, autolinks, tags before the first word, with their spacing
    trailing: str  # the same after the last word
    codes: tuple[tuple[int, str], ...]  # (token index, code text) in order
    moved: tuple[tuple[int, str], ...]  # (token index, markdown) kept after the English
    lossy: bool  # formatting dropped or moved whatever the English

    @classmethod
    def of(cls, tokens: list[Token], content: str, md: MarkdownIt) -> _InlinePlan:
        inner, wrappers = _unwrap(tokens, content)
        words = [i for i, token in enumerate(inner) if _is_word(token)]
        first_word, last_word = (words[0], words[-1]) if words else (len(inner), -1)
        pairs = _html_pairs(inner)
        closing = _closings(inner)
        leading, trailing, codes, moved = [], [], [], []
        lossy = False
        index = 0
        while index < len(inner):
            token = inner[index]
            atom_end = _atom_end(inner, index, closing)
            if atom_end is None:
                if token.type == "code_inline":
                    codes.append((index, token.content))
                elif token.type == "link_open":
                    moved.append((index, _link_as_target(token, content, md)))
                lossy = lossy or token.type in (*_EMPHASIS, "hardbreak", "link_open")
                index += 1
                continue
            markdown = _atom_source(token, content)
            partner = pairs.get(index)
            if partner is not None and not (min(index, partner) < first_word and max(index, partner) > last_word):
                # An HTML element around part of the segment is formatting, dropped; but <a href> is a link.
                lossy = True
                href = _html_href(markdown) if partner > index else None
                if href:
                    moved.append((index, markdown + href + _atom_source(inner[partner], content)))
            elif atom_end < first_word:
                leading.append(markdown + (" " if _space_after(inner, atom_end) else ""))
            elif index > last_word:
                trailing.append((" " if _space_before(inner, index) else "") + markdown)
            else:
                moved.append((index, markdown))
                lossy = True
            index = atom_end + 1
        return cls(tuple(wrappers), "".join(leading), "".join(trailing), tuple(codes), tuple(moved), lossy)

    def render(self, english: str, context: str, no_pipes: bool) -> tuple[str, bool]:
        """The Markdown for ``english`` in this segment's place, and whether formatting was lost."""
        english = " ".join(english.split())
        if not english:
            return "", False
        in_link = any(opening == "[" for opening, _ in self.wrappers)
        body, unplaced = _mark_code(english, self.codes, in_link, no_pipes)
        after = sorted(self.moved + tuple((index, _code_span(code, no_pipes)) for index, code in unplaced))
        written = self.leading + body + "".join(" " + markdown for _, markdown in after) + self.trailing
        for opening, closing in reversed(self.wrappers):
            written = opening + written + closing
        at_line_start = not self.leading and not self.wrappers  # the English itself starts the line
        return _escape_structure(written, context, at_line_start), self.lossy or bool(unplaced)


def _unwrap(tokens: list[Token], content: str) -> tuple[list[Token], list[tuple[str, str]]]:
    """The tokens inside the emphasis and links that wrap the whole segment, and those wrappers."""
    closing = _closings(tokens)
    wrappers: list[tuple[str, str]] = []
    low, high = 0, len(tokens)
    while True:
        first, last = low, high
        while first < last and _is_blank(tokens[first]):
            first += 1
        while last > first and _is_blank(tokens[last - 1]):
            last -= 1
        if last - first < 2 or not _is_wrapper(tokens[first]) or closing.get(first) != last - 1:
            return tokens[low:high], wrappers
        opener = tokens[first]
        if opener.type == "link_open":
            wrappers.append(("[", "]" + _link_tail(opener, content)))
        else:
            wrappers.append((opener.markup, opener.markup))
        low, high = first + 1, last - 1


def _is_blank(token: Token) -> bool:
    return token.type == "softbreak" or (token.type in _TEXT and not token.content.strip())


def _is_wrapper(token: Token) -> bool:
    return token.type in _EMPHASIS or (token.type == "link_open" and token.markup != "autolink")


def _is_word(token: Token) -> bool:
    return (token.type in _TEXT and bool(token.content.strip())) or token.type == "code_inline"


def _closings(tokens: list[Token]) -> dict[int, int]:
    """For each opening token (emphasis, link), the index of the token that closes it."""
    closing: dict[int, int] = {}
    opened: list[int] = []
    for index, token in enumerate(tokens):
        if token.nesting == 1:
            opened.append(index)
        elif token.nesting == -1 and opened:
            closing[opened.pop()] = index
    return closing


def _atom_end(tokens: list[Token], index: int, closing: dict[int, int]) -> int | None:
    """For an image, autolink or HTML tag (kept verbatim, never translated), the index of its
    last token; None for anything else."""
    token = tokens[index]
    if token.type in ("image", "html_inline"):
        return index
    if token.type == "link_open" and token.markup == "autolink":
        return closing.get(index, index)
    return None


_HTML_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^>]*?(/?)>\Z", re.DOTALL)
_HTML_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_HTML_HREF = re.compile(r"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)


def _html_pairs(tokens: list[Token]) -> dict[int, int]:
    """Inline HTML opening and closing tags that match (``<b>`` ... ``</b>``), both ways round."""
    pairs: dict[int, int] = {}
    open_tags: list[tuple[str, int]] = []
    for index, token in enumerate(tokens):
        match = _HTML_TAG.match(token.content) if token.type == "html_inline" else None
        if match is None or match[3] or match[2].lower() in _HTML_VOID:
            continue
        name = match[2].lower()
        if not match[1]:
            open_tags.append((name, index))
            continue
        for position in range(len(open_tags) - 1, -1, -1):
            if open_tags[position][0] == name:
                opener = open_tags[position][1]
                del open_tags[position:]
                pairs[opener], pairs[index] = index, opener
                break
    return pairs


def _html_href(tag: str) -> str | None:
    match = _HTML_HREF.search(tag)
    return next((group for group in match.groups() if group is not None), None) if match else None


def _atom_source(token: Token, content: str) -> str:
    if token.type == "html_inline":
        return _one_line(token.content)
    if "source" not in token.meta:  # a guard: the wrapped rules make every image and autolink
        return f"![]({token.attrs.get('src', '')})" if token.type == "image" else f"<{token.attrs.get('href', '')}>"
    start, end, _ = token.meta["source"]
    return _one_line(content[start:end])


def _space_after(tokens: list[Token], index: int) -> bool:
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    return following is not None and (_is_blank(following) or following.content[:1].isspace())


def _space_before(tokens: list[Token], index: int) -> bool:
    preceding = tokens[index - 1] if index > 0 else None
    return preceding is not None and (_is_blank(preceding) or preceding.content[-1:].isspace())


def _link_tail(token: Token, content: str) -> str:
    """What follows a link's text in its source: ``(url "title")`` or ``[label]``; a collapsed or
    shortcut reference (``[texte][]``, ``[texte]``) gets its label written out, as the English
    text no longer names the reference."""
    if "source" not in token.meta:  # a guard: the wrapped link rule records every link's source
        return f"(<{token.attrs.get('href', '')}>)"
    start, end, label_end = token.meta["source"]
    tail = content[label_end + 1 : end]
    if tail in ("", "[]"):
        tail = "[" + content[start + 1 : label_end] + "]"
    return _one_line(tail)


def _link_as_target(token: Token, content: str, md: MarkdownIt) -> str:
    """A link kept after the English: its target as its text, its destination as in the source."""
    target = md.normalizeLinkText(token.attrs.get("href", "")) or "link"
    return "[" + _escape_inline(target) + "]" + _link_tail(token, content)


def _one_line(markdown: str) -> str:
    return markdown.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")


def _mark_code(
    english: str, codes: tuple[tuple[int, str], ...], in_link: bool, no_pipes: bool
) -> tuple[str, list[tuple[int, str]]]:
    """The English with each inline code span re-marked where its exact text appears (in order,
    as a whole word), and the code spans that do not appear."""
    pieces, unplaced = [], []
    cursor = 0
    for (index, code), span in zip(codes, find_in_order(english, [code for _, code in codes])):
        if span is None:
            unplaced.append((index, code))
            continue
        pieces += [_escape_text(english[cursor : span[0]], in_link, no_pipes), _code_span(code, no_pipes)]
        cursor = span[1]
    pieces.append(_escape_text(english[cursor:], in_link, no_pipes))
    return "".join(pieces), unplaced


def _code_span(code: str, no_pipes: bool) -> str:
    """Inline code for ``code``: a fence longer than any backtick run in it; as HTML where no
    pipe may be written (see ``_escape_text``)."""
    if no_pipes and "|" in code:
        return "<code>" + html.escape(code, quote=False).replace("|", "&#124;") + "</code>"
    fence = "`" * (max((len(run) for run in re.findall(r"`+", code)), default=0) + 1)
    padded = code.startswith("`") or code.endswith("`") or (code[:1] == code[-1:] == " " and code.strip() != "")
    pad = " " if padded else ""
    return fence + pad + code + pad + fence


def _escape_text(text: str, in_link: bool, no_pipes: bool) -> str:
    """English that looks like an HTML tag would become one (and vanish from view); inside a
    link, brackets would end the link text early; and a line with a pipe (even an escaped one)
    above a line such as ``---`` (a setext underline, a thematic break after a list) may become
    a table header, so there a pipe is written as an entity (in code, the code as HTML)."""
    text = _TAG_START.sub(r"\\<", text)
    text = text.replace("|", "&#124;") if no_pipes else text
    return re.sub(r"([\[\]])", r"\\\1", text) if in_link else text


def _escape_inline(text: str) -> str:
    """A URL shown as a link's text: nothing in it may read as markup."""
    return re.sub(r"([\\\[\]*_`<])", r"\\\1", text)


# A line start that would open another block: heading, quote, bullet, thematic break or front
# matter, code fence, reference definition; and an ordered list marker (escaped before its "." or
# ")"). HTML starts are escaped wherever they are (``_TAG_START``).
_BLOCK_START = re.compile(
    r"#{1,6}(?:[ \t]|$)|>|[-+*](?:[ \t]|$)|([-*_])(?:[ \t]*\1){2,}[ \t]*$|-{3}|`{3}|~{3}|\[[^\]]*\]:"
)
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_ORDERED_START = re.compile(r"(\d{1,9})([.)](?:[ \t]|$))")
_CLOSING_HASHES = re.compile(r"([ \t])(#+[ \t]*)$")


def _escape_structure(written: str, context: str, at_line_start: bool) -> str:
    """Escape only what would change the document's structure where the English is written."""
    if context == "cell":  # a row without a leading pipe starts with its first cell: escape as a line start
        written = written.replace("|", "\\|")
    if at_line_start and _BLOCK_START.match(written):
        written = "\\" + written
    elif at_line_start and _ORDERED_START.match(written):
        written = _ORDERED_START.sub(r"\1\\\2", written, count=1)
    if context == "heading":
        written = _CLOSING_HASHES.sub(r"\1\\\2", written)
    return written
