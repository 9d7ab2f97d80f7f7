"""HTML and XHTML pages, and the XHTML chapters of an EPUB (``xhtml_document``).

Read: the text of every block that holds text directly, in reading order: the page ``<title>``
(title), ``h1``-``h6`` (heading), ``p``, ``li`` (list-item), ``td``/``th`` (cell),
``caption``/``figcaption``/``legend`` (caption), ``blockquote`` (quote), ``dt``/``dd``, and the
text runs that sit directly in a container (``div``, ``section``, ``nav``, ``header`` (header),
``footer`` (footer), ...) beside its child blocks, each run its own segment. A block inside a
block (``li`` holding a ``p``) gives the inner block only, and a segment takes the kind of its
nearest block that has one (a ``p`` in a ``blockquote`` is a quote). ``<br>`` ends a segment
(each line of a poem or address is translated as written). Labels and buttons are inline text
of the block around them; ``select``/``option`` lists are form data and are not translated.
Never read: ``script``, ``style``, ``noscript``, ``template``, ``pre``, ``textarea``, ``svg``,
``math``, embedded objects, a block that is all inline code, a block that is only a URL, and
every attribute (``href``, ``src``, ``alt``, ``title``).

Written back: the same page with each segment's text replaced by its English and ``lang="fr"``
on the root made ``en``, as UTF-8 (a declared ``<meta charset>`` is rewritten to match). Kept:
the doctype, ``<head>``, every attribute, comments, scripts, styles, ``pre``/``code`` blocks,
images, tables, lists, and all markup between segments, as lxml serialises them (HTML is
re-serialised by libxml2, so optional tags and attribute quoting may be normalised; XHTML keeps
its XML declaration when it had one). Inline markup follows the common policy: formatting that
wraps a whole segment is kept around the English; formatting around part of a segment is
dropped (the segment counts as simplified); inline code whose exact text is in the English is
marked as code again, and links, code and images that cannot be placed are kept after the
English (a link then shows its target as its text, unless its text has no letter, like a
footnote number, when it keeps its own). Comments and empty anchors inside a segment move to its
start. Lost: partial inline formatting, and (for HTML nested more than ~180 levels deep, as
unclosed tags make it) the markup of the deepest levels, whose text is kept, with a note.

Nothing is fetched or resolved: HTML is parsed with no network access; XHTML goes through
``safety.parse_xml``, which refuses any entity declaration. Every walk over the tree is
iterative, so no nesting depth reaches Python's recursion limit.
"""

from __future__ import annotations

import codecs
import html.entities
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser as Tokenizer
from typing import Callable, Iterator, Union

import lxml.html
from lxml import etree

from aligned.textio import decode
from translate.formats.base import FormatError, Parsed, Rebuilt, Segment
from translate.formats.inline import find_in_order
from translate.formats.safety import parse_xml

XHTML_NS = "http://www.w3.org/1999/xhtml"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Blocks with a kind of their own; a segment takes the kind of its nearest such block.
_KINDS = {
    "title": "title",
    **{f"h{level}": "heading" for level in range(1, 7)},
    "li": "list-item",
    "td": "cell",
    "th": "cell",
    "caption": "caption",
    "figcaption": "caption",
    "legend": "caption",
    "blockquote": "quote",
    "header": "header",
    "footer": "footer",
}
# Every element that starts a new block: text on either side of one is a separate segment.
_BLOCKS = frozenset(_KINDS) | frozenset(
    "html head body p div section article nav aside main address hgroup search dialog center ul ol menu dir dl dt "
    "dd table thead tbody tfoot tr colgroup col figure form fieldset details summary hr optgroup frameset "
    "frame".split()
)
# Elements whose content is never translated (code, scripts, media, form data); they also split segments.
_SKIPPED = frozenset(
    "script style noscript noframes noembed template pre listing xmp plaintext textarea select datalist svg math "
    "iframe object embed canvas audio video map".split()
)
_CODE = frozenset({"code", "kbd", "samp", "tt"})
_VISIBLE_EMPTY = frozenset({"img", "input", "picture", "image", "meter", "progress", "button"})
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr keygen frame".split())
_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)\S+|[^\s@]+@[^\s@]+\.\w+", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_PRESCAN_BYTES = 4096
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # lxml refuses to store these
_XML_DECLARED_ENCODING = re.compile(rb"""^(<\?xml[^>]*?encoding\s*=\s*["'])[^"']*""")
_DOCTYPE_FIRST = re.compile(r"\s*(?:<!--.*?-->\s*|<\?.*?>\s*)*<!doctype", re.IGNORECASE | re.DOTALL)
# Names a page may declare that browsers read as something wider (the WHATWG encoding standard).
_CHARSET_ALIASES = {"iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252"}
_CHARSET_ALIASES.update({"us-ascii": "cp1252", "iso8859-1": "cp1252", "l1": "cp1252"})
# libxml2 stops parsing at 256 levels; unclosed tags beyond this depth are dropped before a second parse.
_FLATTEN_DEPTH = 180

Node = etree._Element  # elements, comments, processing instructions and entity references alike
Piece = Union[str, Node]


# --- reading -----------------------------------------------------------------------------------


def read_html(data: bytes) -> Parsed:
    """An HTML page: its segments, and a rebuild that writes the page back as UTF-8 HTML."""
    text, notes = _decode_html(data)
    tree, parse_notes = _parse_html(text)
    has_doctype = bool(_DOCTYPE_FIRST.match(text))

    def parse() -> etree._ElementTree:
        return _parse_html(text)[0]

    def serialise(fresh: etree._ElementTree) -> bytes:
        _declare_utf8(fresh)
        out = _XML_DECLARED_ENCODING.sub(rb"\1utf-8", etree.tostring(fresh, method="html", encoding="utf-8"))
        if not has_doctype:  # libxml2 gives every page a doctype; one that had none gets none back
            out = re.sub(rb"^<!DOCTYPE[^>]*>\n?", b"", out, flags=re.IGNORECASE)
        return out if out.endswith(b"\n") or not data.endswith(b"\n") else out + b"\n"

    return _document(tree, parse, serialise, notes + parse_notes)


def read_xhtml(data: bytes) -> Parsed:
    """A standalone XHTML page (parsed as XML: no entity, DTD or network is ever used)."""
    return xhtml_document(data, "XHTML")


def xhtml_document(data: bytes, what: str) -> Parsed:
    """One XHTML document, e.g. an EPUB chapter; ``what`` names it in error messages."""
    declared = _has_xml_declaration(data)

    def parse() -> etree._ElementTree:
        return parse_xml(data, what).getroottree()

    def serialise(fresh: etree._ElementTree) -> bytes:
        _declare_utf8(fresh)
        _open_empty_elements(fresh.getroot())
        return etree.tostring(fresh, encoding="utf-8", xml_declaration=declared)

    return _document(parse(), parse, serialise, [])


def _document(
    tree: etree._ElementTree,
    parse: Callable[[], etree._ElementTree],
    serialise: Callable[[etree._ElementTree], bytes],
    notes: list[str],
) -> Parsed:
    """Segments of ``tree``; rebuild parses the source again (no tree is shared between calls)
    and finds the same runs there, in the same order."""
    runs = _find_runs(tree.getroot())
    segments = [Segment(run.text, run.kind) for run in runs]

    def rebuild(english: list[str]) -> Rebuilt:
        if len(english) != len(segments):
            raise ValueError(f"expected {len(segments)} English segments, got {len(english)}")
        fresh = parse()
        simplified = sum(_apply(run, text) for run, text in zip(_find_runs(fresh.getroot()), english))
        _set_english(fresh.getroot())
        return Rebuilt(serialise(fresh), simplified)

    return Parsed(segments, rebuild, notes)


def _decode_html(data: bytes) -> tuple[str, list[str]]:
    """The page's text: a byte-order mark wins, then a ``<meta charset>`` near the top, else
    UTF-8 with the pipeline's repairs (lines that are not UTF-8 read as Windows-1252)."""
    notes: list[str] = []
    declared = None if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else _charset(data)
    if declared:
        try:
            codec = codecs.lookup(_CHARSET_ALIASES.get(declared, declared)).name
        except LookupError:
            notes.append(f"unknown charset {declared!r} declared; read as UTF-8")
        else:
            if codec not in ("utf-8", "utf-16", "utf-16-le", "utf-16-be"):
                text = data.decode(codec, errors="replace")
                if "\ufffd" in text:
                    notes.append(f"{text.count(chr(0xFFFD))} byte(s) that are not {declared} replaced with U+FFFD")
                return _without_nul(text, notes)
    decoded = decode(data, repair=True)
    return _without_nul(decoded.text, notes + decoded.notes)


def _charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:_PRESCAN_BYTES])
    return match.group(1).decode("ascii").lower() if match else None


def _without_nul(text: str, notes: list[str]) -> tuple[str, list[str]]:
    """A NUL is never part of a page's text (libxml2 would make it U+FFFD inside a segment)."""
    if "\0" in text:
        notes.append(f"removed {text.count(chr(0))} NUL character(s)")
        text = text.replace("\0", "")
    return text, notes


def _parse_html(text: str) -> tuple[etree._ElementTree, list[str]]:
    """The page as an lxml tree. libxml2 stops at 256 levels of nesting (which a few hundred
    unclosed ``<b>`` or ``<font>`` reach): rather than lose the rest of the page, the tags
    beyond ``_FLATTEN_DEPTH`` are dropped and the page parsed again, with a note."""
    root, fatal = _lxml_html(text.encode("utf-8", errors="replace"))
    notes = []
    if fatal and "depth" in fatal.lower():
        flattened, dropped = _flatten(text, _FLATTEN_DEPTH)
        root, fatal = _lxml_html(flattened.encode("utf-8", errors="replace"))
        notes.append(
            f"elements are nested more than {_FLATTEN_DEPTH} levels deep (unclosed tags?): {dropped} tag(s) beyond "
            "that depth were removed; their text is kept"
        )
    if fatal:
        raise FormatError(f"HTML could not be read to the end ({fatal}); repair the page or save it again")
    return root.getroottree(), notes


def _lxml_html(data: bytes) -> tuple[etree._Element, str]:
    """Parse with nothing fetched; the message of the first fatal parser error, if any (libxml2
    stops at one and keeps what it had, so it must not pass silently)."""
    parser = lxml.html.HTMLParser(encoding="utf-8", no_network=True, remove_comments=False, remove_pis=False)
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except etree.ParserError as error:  # "Document is empty": nothing but comments or whitespace
        raise FormatError(f"no HTML content found ({error}); nothing to translate") from None
    except (etree.LxmlError, ValueError) as error:
        raise FormatError(f"not readable as HTML ({error}); repair the page or save it again") from None
    fatal = [" ".join(entry.message.split()) for entry in parser.error_log if entry.level_name == "FATAL"]
    return root, fatal[0] if fatal else ""


class _Flattener(Tokenizer):
    """Rewrites HTML source with the start tags nested deeper than ``limit`` (and their end
    tags) removed; everything else is written back as it came. Tokenising only, no recursion."""

    _CLOSED_BY = {
        "p": _BLOCKS | _SKIPPED,
        "li": {"li"},
        "dt": {"dt", "dd"},
        "dd": {"dt", "dd"},
        "tr": {"tr", "tbody", "thead", "tfoot"},
        "td": {"td", "th", "tr", "tbody", "thead", "tfoot"},
        "th": {"td", "th", "tr", "tbody", "thead", "tfoot"},
        "option": {"option", "optgroup"},
    }

    def __init__(self, limit: int):
        super().__init__(convert_charrefs=False)
        self.limit = limit
        self.out: list[str] = []
        self.open: list[str] = []
        self.dropped: Counter[str] = Counter()  # removed start tags whose end tag is still to come
        self.removed = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        raw = self.get_starttag_text() or f"<{tag}>"
        if tag in _VOID:
            self.out.append(raw)
            return
        self._close_implied(tag)
        if len(self.open) >= self.limit:
            self.dropped[tag] += 1
            self.removed += 1
            return
        self.open.append(tag)
        self.out.append(raw)

    def _close_implied(self, tag: str) -> None:
        """A new ``p`` closes the open one, and so on: HTML's implied end tags, so that pages of
        unclosed paragraphs are not counted as deep."""
        for depth in range(len(self.open) - 1, -1, -1):
            if tag in self._CLOSED_BY.get(self.open[depth], ()):
                del self.open[depth:]
                return
            if self.open[depth] in _BLOCKS:
                return

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.out.append(self.get_starttag_text() or f"<{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if self.dropped[tag]:
            self.dropped[tag] -= 1
            return
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag) :]
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<![{data}]>")


def _flatten(text: str, limit: int) -> tuple[str, int]:
    flattener = _Flattener(limit)
    flattener.feed(text)
    flattener.close()
    return "".join(flattener.out), flattener.removed


def _has_xml_declaration(data: bytes) -> bool:
    head = data[:200]
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    return head.removeprefix(codecs.BOM_UTF8).lstrip().startswith(b"<?xml")


# --- finding the segments ----------------------------------------------------------------------


@dataclass
class _Run:
    """Text that sits directly in ``container`` between two of its child blocks: the leading
    text (``container.text``, or the tail of ``lead_owner``, the block before the run) and the
    inline ``nodes`` that follow, with their tails."""

    container: Node
    lead_owner: Node
    nodes: list[Node]
    kind: str
    text: str

    @property
    def lead(self) -> str:
        return (self.lead_owner.text if self.lead_owner is self.container else self.lead_owner.tail) or ""

    @lead.setter
    def lead(self, value: str) -> None:
        if self.lead_owner is self.container:
            self.container.text = value
        else:
            self.lead_owner.tail = value


def _name(node: Node) -> str:
    """The lower-case local name of an element ('' for comments, PIs and entities); XHTML and
    HTML elements alike."""
    tag = node.tag
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2].lower()


def _is_element(node: Node) -> bool:
    return isinstance(node.tag, str)


def _breakers(root: Node) -> set[Node]:
    """Elements that split runs: blocks, skipped elements, ``br``, and inline elements that hold
    any of those (an ``<a>`` around a ``<div>`` is a container). Children come before parents
    in reversed document order, so one pass decides every element."""
    found: set[Node] = set()
    for node in reversed(list(root.iter())):
        name = _name(node)
        if name and (name in _BLOCKS or name in _SKIPPED or name == "br" or any(child in found for child in node)):
            found.add(node)
    return found


def _find_runs(root: Node) -> list[_Run]:
    """Every run that holds translatable text, in document order, without recursion."""
    breakers = _breakers(root)
    runs: list[_Run] = []
    stack: list[Union[Node, _Run]] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, _Run):
            if _translatable(item):
                runs.append(item)
            continue
        if _name(item) in _SKIPPED or _name(item) == "br":
            continue
        stack.extend(reversed(_container_items(item, breakers)))
    return runs


def _container_items(container: Node, breakers: set[Node]) -> list[Union[Node, _Run]]:
    """The container's runs and child blocks, in order."""
    kind = _kind(container)
    items: list[Union[Node, _Run]] = []
    run = _Run(container, container, [], kind, "")
    for child in container:
        if child in breakers:
            items += [run, child]
            run = _Run(container, child, [], kind, "")
        else:
            run.nodes.append(child)
    items.append(run)
    for item in items:
        if isinstance(item, _Run):
            item.text = _run_text(item).strip()
    return items


def _kind(container: Node) -> str:
    node = container
    while node is not None:
        kind = _KINDS.get(_name(node))
        if kind:
            return kind
        node = node.getparent()
    return "paragraph"


def _events(node: Node) -> Iterator[tuple[bool, Node]]:
    """(True, n) when n starts and (False, n) when it ends, for ``node`` and its descendants in
    document order: a recursion-free ``iterwalk`` that also sees comments and entities."""
    stack: list[tuple[bool, Node]] = [(True, node)]
    while stack:
        starting, current = stack.pop()
        yield starting, current
        if starting:
            stack.append((False, current))
            stack.extend((True, child) for child in reversed(list(current)))


def _entity_text(node: Node) -> str:
    """An entity reference left in XHTML (an XHTML 1.1 page using ``&nbsp;``: libxml2 keeps it
    unresolved): the character it names for the HTML vocabulary, else the reference itself."""
    name = node.name
    return html.entities.html5.get(f"{name};") or node.text or ""


def _own_text(node: Node) -> str:
    if node.tag is etree.Entity:
        return _entity_text(node)
    return (node.text or "") if _is_element(node) else ""


def _text(node: Node, skip_code: bool = False) -> str:
    """The text inside ``node`` (not its tail); comments and PIs have none. With ``skip_code``,
    text inside inline code is left out."""
    parts: list[str] = []
    skipping: Node | None = None
    for starting, current in _events(node):
        if skipping is not None:
            if not starting and current is skipping:
                skipping = None
                if current is not node:
                    parts.append(current.tail or "")
            continue
        if starting:
            if skip_code and _name(current) in _CODE:
                skipping = current
                continue
            parts.append(_own_text(current))
        elif current is not node:
            parts.append(current.tail or "")
    return "".join(parts)


def _run_text(run: _Run, skip_code: bool = False) -> str:
    return run.lead + "".join(_text(node, skip_code) + (node.tail or "") for node in run.nodes)


def _translatable(run: _Run) -> bool:
    """Has text, not only inline code, and not only a URL or e-mail address."""
    if not run.text or not _run_text(run, skip_code=True).strip():
        return False
    return not _URL.fullmatch(run.text)


# --- writing the English back ------------------------------------------------------------------


@dataclass
class _Level:
    """Where a run's content lives: a leading text slot and a list of nodes under ``parent``."""

    run: _Run
    wrapper: Node | None  # None: the run itself; else the element that wraps the whole run

    @property
    def nodes(self) -> list[Node]:
        return self.run.nodes if self.wrapper is None else list(self.wrapper)

    @property
    def lead(self) -> str:
        return self.run.lead if self.wrapper is None else (self.wrapper.text or "")

    def write(self, pieces: list[Piece]) -> None:
        """Replace the content with ``pieces`` (text and nodes), in place."""
        parent = self.run.container if self.wrapper is None else self.wrapper
        old = self.nodes
        if old:
            at = parent.index(old[0])
        elif self.wrapper is None and self.run.lead_owner is not self.run.container:
            at = parent.index(self.run.lead_owner) + 1
        else:
            at = 0
        for node in old:
            parent.remove(node)
        lead, last = [], None
        for piece in pieces:
            if isinstance(piece, str):
                if last is None:
                    lead.append(piece)
                else:
                    last.tail = (last.tail or "") + piece
            else:
                piece.tail = ""
                parent.insert(at, piece)
                at += 1
                last = piece
        if last is not None and not last.tail:
            last.tail = None
        if self.wrapper is None:
            self.run.lead = "".join(lead)
        else:
            self.wrapper.text = "".join(lead) or None


def _apply(run: _Run, english: str) -> bool:
    """Put ``english`` in place of the run's text; True when inline markup was simplified.
    A text that comes back unchanged (a number cell, skipped by the pipeline) leaves the run
    exactly as it was."""
    if english == run.text:
        return False
    english = _NOT_XML.sub("", english)
    level = _Level(run, None)
    while (wrapper := _whole_wrapper(level)) is not None:
        level = _Level(run, wrapper)
    return _replace(level, english)


def _has_text(node: Node) -> bool:
    return bool(_text(node).strip())


def _whole_wrapper(level: _Level) -> Node | None:
    """The one inline element around all of the level's text (``<b>`` in ``<p> <b>Tout</b></p>``),
    which keeps its place around the English; None when there is none."""
    if level.lead.strip():
        return None
    texty = []
    for node in level.nodes:
        if (node.tail or "").strip():
            return None
        if _has_text(node):
            texty.append(node)
    if len(texty) == 1 and _is_element(texty[0]) and _name(texty[0]) not in _CODE:
        return texty[0]
    return None


@dataclass
class _Layout:
    """A level's content sorted for writing back around the English."""

    texts: list[str]
    start: list[Node]  # comments, empty anchors: invisible, kept before the English
    visible: list[tuple[int, Node]]  # images and the like, each after texts[:index]
    links: list[Node]
    codes: list[Node]
    dropped: bool = False


def _layout(level: _Level) -> _Layout:
    layout = _Layout([level.lead], [], [], [], [])
    stack: list[Piece] = []
    for node in reversed(level.nodes):
        stack += [node.tail or "", node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            layout.texts.append(item)
            continue
        if item.tag is etree.Entity:
            layout.texts.append(_entity_text(item))
        elif not _is_element(item):
            layout.start.append(item)
        elif not _has_text(item):
            if _shows_something(item):
                layout.visible.append((len(layout.texts), item))
            else:
                layout.start.append(item)
        elif _name(item) == "a" and item.get("href") is not None:
            layout.links.append(item)
            layout.texts.append(_text(item))
        elif _name(item) in _CODE:
            layout.codes.append(item)
            layout.texts.append(_text(item))
        else:  # formatting around part of the text: dropped, its content read on
            layout.dropped = layout.dropped or _name(item) != "a"  # an <a> without href is only an anchor
            if item.get("id") is not None or item.get("name") is not None:
                layout.start.append(_empty_copy(item))
            children = list(item)
            stack += [piece for child in reversed(children) for piece in (child.tail or "", child)]
            stack.append(item.text or "")
    return layout


def _shows_something(node: Node) -> bool:
    return any(_name(sub) in _VISIBLE_EMPTY for sub in node.iter())


def _empty_copy(node: Node) -> Node:
    return node.makeelement(node.tag, dict(node.attrib))


def _replace(level: _Level, english: str) -> bool:
    """Write ``english`` into the level, following the inline markup policy (module docstring)."""
    layout = _layout(level)
    nodes = level.nodes
    first, last = level.lead, (nodes[-1].tail or "") if nodes else level.lead
    leading = first[: len(first) - len(first.lstrip())]
    trailing = last[len(last.rstrip()) :]
    body, unplaced = _mark_code(english, layout.codes)
    simplified = layout.dropped or bool(unplaced)
    with_text = [index for index, text in enumerate(layout.texts) if text.strip()] or [0]
    before = [node for at, node in layout.visible if at <= with_text[0]]
    middle = [node for at, node in layout.visible if with_text[0] < at <= with_text[-1]]
    after = [node for at, node in layout.visible if at > with_text[-1]]
    kept_after: list[Node] = []
    for link in layout.links:
        kept_after.append(_link_after(link))
        simplified = True
    kept_after += unplaced + middle
    simplified = simplified or bool(middle)
    pieces: list[Piece] = [leading, *layout.start]
    for node in before:
        pieces += [node, " "]
    pieces += body
    for node in kept_after + after:
        pieces += [" ", node]
    pieces.append(trailing)
    level.write(pieces)
    return simplified


def _link_after(link: Node) -> Node:
    """The link as kept after the English: its own text when that has no letter (a footnote
    number needs no translation), else its target, since its French words have no English."""
    if not any(char.isalpha() for char in _text(link)):
        return link
    copy = _empty_copy(link)
    copy.text = link.get("href")
    return copy


def _mark_code(english: str, codes: list[Node]) -> tuple[list[Piece], list[Node]]:
    """The English with each inline code span that it contains word for word marked as code
    again (in order); the spans it does not contain."""
    pieces: list[Piece] = []
    unplaced: list[Node] = []
    cursor = 0
    for code, span in zip(codes, find_in_order(english, [_text(code).strip() for code in codes])):
        if span is None:
            unplaced.append(code)
            continue
        pieces += [english[cursor : span[0]], code]
        cursor = span[1]
    pieces.append(english[cursor:])
    return pieces, unplaced


def _set_english(root: Node) -> None:
    """``lang="fr"`` (or fr-FR, ...) on the root or body becomes ``en``."""
    for node in (root, *(child for child in root if _name(child) == "body")):
        for attribute in ("lang", _XML_LANG, "xml:lang"):  # the HTML parser keeps xml:lang as a plain name
            value = node.get(attribute)
            if value is not None and value.lower().split("-")[0] == "fr":
                node.set(attribute, "en")


def _declare_utf8(tree: etree._ElementTree) -> None:
    """The output is UTF-8 whatever the input was; a ``<meta>`` that said otherwise would make
    browsers misread it."""
    for meta in tree.getroot().iter():
        if _name(meta) != "meta":
            continue
        if meta.get("charset") is not None:
            meta.set("charset", "utf-8")
        content = meta.get("content") or ""
        if (meta.get("http-equiv") or "").lower() == "content-type" and "charset" in content.lower():
            meta.set("content", re.sub(r"charset\s*=\s*[^;\s]*", "charset=utf-8", content, flags=re.IGNORECASE))


def _open_empty_elements(root: Node) -> None:
    """XHTML elements that are not void are written ``<p></p>``, not ``<p/>``: a page read as
    HTML would otherwise take ``<script/>`` or ``<div/>`` as an unclosed start tag."""
    for node in root.iter():
        if not _is_element(node) or len(node) or node.text is not None:
            continue
        namespace = etree.QName(node).namespace
        if namespace in (None, XHTML_NS) and _name(node) not in _VOID:
            node.text = ""
