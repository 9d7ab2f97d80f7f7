"""OpenDocument text (.odt), read and written back with odfpy.

Read: the paragraphs (``text:p``) and headings (``text:h``) of the body in reading order: lists
item by item, tables cell by cell (nested tables, sections and indexes included), the contents
of text frames and drawn shapes right after the paragraph they are anchored in, footnotes and
endnotes right after the paragraph that cites them, then the headers and footers of the page
styles. Kinds: ``text:h`` is a heading; a paragraph takes its kind from where it stands (list
item, table cell, note, header, footer) or its style (Title, Subtitle, Caption and the caption
styles Illustration/Figure/Table/Drawing, Quotations). A paragraph's text is its text, spans,
links, ``text:s`` spaces, tabs and line breaks; notes, frames, fields (page numbers, dates,
caption numbers, cross-references), bookmarks and comments are not part of it.

Written back: each paragraph element stays, with its style and attributes; its text is
replaced by the English, and everything in it that is not text (notes, frames and images,
fields, bookmarks, comments, soft page breaks) stays in the paragraph in its order, around the
English. odfpy saves the rest of the document as it loaded it (styles, automatic styles, page
styles, pictures, embedded objects, metadata; it names itself as the generator).

Kept: paragraph, heading, list and table structure, styles, images, notes, fields, spans and
links that cover a whole paragraph. Lost (the segment counts as simplified): spans over part of
a paragraph (their formatting is dropped), links over part of a paragraph (kept after the
English, showing their target). Also lost, not counted: line breaks and tabs between a
paragraph's words, and the place inside a sentence of an image, field or note (it follows the
English). Comments, text in charts and embedded objects, and form fields are not translated.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from xml.dom import Node

from translate.errors import first_line
from translate.formats.base import FormatError, Parsed, Rebuilt, Segment
from translate.formats.inline import with_edges
from translate.formats.safety import parse_xml
from translate.formats.zip_package import open_zip

TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
STYLE_NS = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
DRAW_NS = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
XLINK_NS = "http://www.w3.org/1999/xlink"
TEXT_MIMETYPE = "application/vnd.oasis.opendocument.text"

_PARAGRAPH = (TEXT_NS, "p")
_HEADING = (TEXT_NS, "h")
_LINK = (TEXT_NS, "a")
_WRAPPERS = {(TEXT_NS, "span"), _LINK, (TEXT_NS, "meta")}  # inline elements whose content is the paragraph's text
_SPACES = {(TEXT_NS, "tab"): "\t", (TEXT_NS, "line-break"): "\n"}
_ITEMS = {(TEXT_NS, "list-item"), (TEXT_NS, "list-header")}
_CELLS = {(TABLE_NS, "table-cell"), (TABLE_NS, "covered-table-cell")}
# Never read: deleted text kept for change tracking, comments, index templates, forms, declarations.
_SKIPPED = {
    (TEXT_NS, "tracked-changes"),
    (OFFICE_NS, "annotation"),
    (OFFICE_NS, "annotation-end"),
    (OFFICE_NS, "forms"),
    (TEXT_NS, "note-citation"),
    (TEXT_NS, "table-of-content-source"),
    (TEXT_NS, "illustration-index-source"),
    (TEXT_NS, "table-index-source"),
    (TEXT_NS, "object-index-source"),
    (TEXT_NS, "user-index-source"),
    (TEXT_NS, "alphabetical-index-source"),
    (TEXT_NS, "bibliography-source"),
    (TEXT_NS, "variable-decls"),
    (TEXT_NS, "sequence-decls"),
    (TEXT_NS, "user-field-decls"),
    (TABLE_NS, "table-columns"),
    (TABLE_NS, "table-column"),
}
_HEADERS = {
    (STYLE_NS, "header"): "header",
    (STYLE_NS, "header-left"): "header",
    (STYLE_NS, "header-first"): "header",
    (STYLE_NS, "footer"): "footer",
    (STYLE_NS, "footer-left"): "footer",
    (STYLE_NS, "footer-first"): "footer",
}
_PLACED_KINDS = ("cell", "header", "footer", "footnote")  # where a paragraph stands decides its kind
_XML_PARTS = ("content.xml", "styles.xml", "meta.xml", "settings.xml", "META-INF/manifest.xml")


@dataclass
class _Atom:
    """A piece of a paragraph's text: a text node or a space/tab/line-break element, with the
    spans and links it sits in (outermost first)."""

    node: Node
    text: str
    chain: tuple


@dataclass
class _Unit:
    paragraph: object
    kind: str
    text: str


def read_odt(data: bytes) -> Parsed:
    """The segments of an .odt file and a ``rebuild`` that writes English into a fresh copy."""
    _, units = _load(data)
    segments = [Segment(unit.text, unit.kind) for unit in units]

    def rebuild(english: list[str]) -> Rebuilt:
        if len(english) != len(segments):
            raise ValueError(f"rebuild needs {len(segments)} English texts, got {len(english)}")
        document, fresh = _load(data)  # a fresh tree each time: a Parsed can be rebuilt again
        simplified = sum(_write_paragraph(unit.paragraph, text) for unit, text in zip(fresh, english))
        buffer = io.BytesIO()
        document.save(buffer)
        return Rebuilt(buffer.getvalue(), simplified)

    return Parsed(segments, rebuild)


# ---------------------------------------------------------------------------------------------
# Loading


def _load(data: bytes) -> tuple[object, list[_Unit]]:
    """Guard the zip, check it is a text document with well-formed parts, load it with odfpy
    and find every unit in reading order."""
    archive = open_zip(data, "ODT")
    with archive:
        names = set(archive.namelist())
        mimetype = archive.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
        if mimetype and not mimetype.startswith(TEXT_MIMETYPE):
            raise FormatError(
                f"not an OpenDocument text (its type is {mimetype[:80]}); give a text document (.odt) "
                "or convert it to one"
            )
        for required in ("content.xml", "META-INF/manifest.xml"):
            if required not in names:
                raise FormatError(f"not an OpenDocument text (no {required}); re-save it as .odt")
        if b"encryption-data" in archive.read("META-INF/manifest.xml"):  # ODF encrypts parts, not the zip
            raise FormatError("ODT is password-protected; remove the password and save it again")
        # odfpy prints a part it cannot parse and goes on without it: parse every part first.
        for name in _XML_PARTS:
            if name in names:
                parse_xml(archive.read(name), f"ODT part {name}")
    from odf.opendocument import load  # odfpy, imported here so runs over other formats never load it

    try:
        document = load(io.BytesIO(data))
    except Exception as error:  # odfpy raises KeyError, UnicodeDecodeError, SAX errors... for damaged files
        raise FormatError(
            f"not a valid OpenDocument text ({type(error).__name__}: {first_line(error)}); "
            "open it in LibreOffice and save it as .odt"
        )
    body = next((child for child in document.body.childNodes if _qname(child) == (OFFICE_NS, "text")), None)
    if body is None:
        raise FormatError("not an OpenDocument text (its body holds no text); give a text document (.odt)")
    styles = _Styles(document)
    units: list[_Unit] = []
    _walk(body, None, styles, units)
    for page in document.masterstyles.childNodes:
        for part in getattr(page, "childNodes", []):
            if _qname(part) in _HEADERS:
                _walk(part, _HEADERS[_qname(part)], styles, units)
    return document, units


class _Styles:
    """Paragraph style names (display names, lower case) and parents, to give paragraphs a kind."""

    def __init__(self, document: object) -> None:
        self.names: dict[str, str] = {}
        self.parents: dict[str, str] = {}
        for container in (document.styles, document.automaticstyles):
            for style in container.childNodes:
                if _qname(style) != (STYLE_NS, "style"):
                    continue
                name = style.attributes.get((STYLE_NS, "name"), "")
                self.names[name] = style.attributes.get((STYLE_NS, "display-name"), name).lower()
                parent = style.attributes.get((STYLE_NS, "parent-style-name"))
                if parent:
                    self.parents[name] = parent

    def kind(self, paragraph: object) -> str | None:
        name = paragraph.attributes.get((TEXT_NS, "style-name"))
        seen: list[str] = []
        while name and name not in seen and len(seen) < 20:
            seen.append(name)
            kind = _kind_of_style_name(self.names.get(name, name.lower()).replace("_20_", " "))
            if kind:
                return kind
            name = self.parents.get(name)
        return None


def _kind_of_style_name(name: str) -> str | None:
    if name == "title":
        return "title"
    if name == "subtitle" or re.fullmatch(r"heading( \d+)?", name):
        return "heading"
    if name in ("caption", "illustration", "figure", "table", "drawing"):
        return "caption"
    if name in ("quotations", "quote"):
        return "quote"
    if name.startswith("list"):
        return "list-item"
    return None


# ---------------------------------------------------------------------------------------------
# Walking in reading order


def _walk(node: object, context: str | None, styles: _Styles, units: list[_Unit]) -> None:
    """Paragraphs and headings under ``node`` in document order. ``context`` is where they stand
    (list-item, cell, footnote, header, footer), if anywhere in particular."""
    for child in node.childNodes:
        name = _qname(child)
        if name is None or name in _SKIPPED:
            continue
        if name in (_PARAGRAPH, _HEADING):
            _add_paragraph(child, context, styles, units)
        elif name in _ITEMS:
            _walk(child, context or "list-item", styles, units)
        elif name in _CELLS:
            _walk(child, context if context in _PLACED_KINDS else "cell", styles, units)
        else:  # lists, tables and rows, sections, indexes, frames, text boxes, shapes
            _walk(child, context, styles, units)


def _add_paragraph(paragraph: object, context: str | None, styles: _Styles, units: list[_Unit]) -> None:
    text = "".join(atom.text for atom in _atoms(paragraph))
    if text.strip():
        units.append(_Unit(paragraph, _kind(paragraph, context, styles), text))
    for inner, inner_context in _anchored(paragraph, context):
        _walk(inner, inner_context, styles, units)


def _kind(paragraph: object, context: str | None, styles: _Styles) -> str:
    if context in _PLACED_KINDS:
        return context
    if _qname(paragraph) == _HEADING:
        return "heading"
    style_kind = styles.kind(paragraph)
    if style_kind in ("title", "heading", "caption", "quote"):
        return style_kind
    return context or style_kind or "paragraph"


def _anchored(node: object, context: str | None) -> list[tuple[object, str | None]]:
    """What is anchored in a paragraph and holds paragraphs of its own, in order: note bodies,
    and frames or shapes (text boxes, captioned images)."""
    found = []
    for child in node.childNodes:
        name = _qname(child)
        if name == (TEXT_NS, "note"):
            found.extend((part, "footnote") for part in child.childNodes if _qname(part) == (TEXT_NS, "note-body"))
        elif name is not None and name[0] == DRAW_NS:
            found.append((child, None if context == "list-item" else context))
        elif name in _WRAPPERS:
            found.extend(_anchored(child, context))
    return found


# ---------------------------------------------------------------------------------------------
# A paragraph's text


def _atoms(paragraph: object) -> list[_Atom]:
    atoms: list[_Atom] = []
    _collect(paragraph, (), atoms)
    return atoms


def _collect(node: object, chain: tuple, atoms: list[_Atom]) -> None:
    for child in node.childNodes:
        if child.nodeType == Node.TEXT_NODE:
            atoms.append(_Atom(child, child.data, chain))
            continue
        name = _qname(child)
        if name == (TEXT_NS, "s"):
            count = child.attributes.get((TEXT_NS, "c"), "1")
            atoms.append(_Atom(child, " " * (int(count) if count.isdigit() else 1), chain))
        elif name in _SPACES:
            atoms.append(_Atom(child, _SPACES[name], chain))
        elif name in _WRAPPERS:
            _collect(child, chain + (child,), atoms)


def _is_text(node: object) -> bool:
    return node.nodeType == Node.TEXT_NODE or _qname(node) == (TEXT_NS, "s") or _qname(node) in _SPACES


# ---------------------------------------------------------------------------------------------
# Writing English back


@dataclass
class _Plan:
    """How one paragraph is rewritten: the English goes into ``container`` (the innermost span or
    link around the whole text, or the paragraph) before ``anchor``; ``moved`` links follow it."""

    english: str
    container: object
    anchor: object
    whole: list
    partial: list
    moved: list


def _write_paragraph(paragraph: object, english: str) -> bool:
    """Replace the paragraph's text by ``english``; True when formatting or a link over part of
    it could not be carried (the segment is then simplified)."""
    from odf.element import Text

    atoms = _atoms(paragraph)
    if english == "".join(atom.text for atom in atoms):
        return False  # untranslated (no letters) or unchanged: leave it exactly as it was
    texts = [atom for atom in atoms if atom.node.nodeType == Node.TEXT_NODE and atom.text.strip()]
    if not texts:
        return False
    english = with_edges("".join(atom.text for atom in atoms), english)
    whole = _common_prefix([atom.chain for atom in texts])
    partial = list(dict.fromkeys(wrapper for atom in texts for wrapper in atom.chain[len(whole) :]))
    moved = [wrapper for wrapper in partial if _qname(wrapper) == _LINK]
    container = whole[-1] if whole else paragraph
    anchor = texts[0].node
    while anchor.parentNode is not container:
        anchor = anchor.parentNode
    plan = _Plan(english, container, anchor, whole, partial, moved)
    for link in moved:
        href = link.attributes.get((XLINK_NS, "href")) or "".join(atom.text for atom in atoms if link in atom.chain)
        _set_children(link, [Text(href)] + _strip(link, plan))
    _set_children(paragraph, _strip(paragraph, plan))
    return bool(partial)


def _strip(node: object, plan: _Plan) -> list:
    """``node``'s children with the text taken out (and the English put in where it goes): spans
    over part of the text are unwrapped, links over part of it moved; what is not text stays."""
    from odf.element import Text

    children = []
    for child in node.childNodes:
        if node is plan.container and child is plan.anchor:
            children.append(Text(plan.english))
            for link in plan.moved:
                children.extend([Text(" "), link])
        if _is_text(child) or any(child is link for link in plan.moved):
            continue
        if _qname(child) not in _WRAPPERS:
            children.append(child)  # notes, frames, fields, bookmarks, comments
            continue
        inner = _strip(child, plan)
        if any(child is wrapper for wrapper in plan.whole) or not any(child is span for span in plan.partial):
            if inner:  # the span or link around the whole text, or one around no text (an image, a field)
                _set_children(child, inner)
                children.append(child)
        else:
            children.extend(inner)  # a span over part of the text: its formatting cannot be placed
    return children


def _common_prefix(chains: list[tuple]) -> list:
    prefix = []
    for level in zip(*chains):
        if any(item is not level[0] for item in level):
            break
        prefix.append(level[0])
    return prefix


def _set_children(parent: object, children: list) -> None:
    """Give ``parent`` these children, with odfpy's parent and sibling links set as it sets them."""
    parent.childNodes[:] = children
    for index, child in enumerate(children):
        child.__dict__["parentNode"] = parent
        child.__dict__["previousSibling"] = children[index - 1] if index else None
        child.__dict__["nextSibling"] = children[index + 1] if index + 1 < len(children) else None


# ---------------------------------------------------------------------------------------------
# Small helpers


def _qname(node: object) -> tuple[str, str] | None:
    return node.qname if getattr(node, "nodeType", None) == Node.ELEMENT_NODE else None
