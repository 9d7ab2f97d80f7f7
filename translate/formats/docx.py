"""Word documents (.docx), read and written back with python-docx.

Read: the paragraphs of the body in reading order (tables cell by cell, nested tables and
content controls included, each merged cell once), the text boxes anchored in a paragraph
(right after it), then the headers and footers of each section (each part once; a header
linked to the previous section is that section's), then footnotes and endnotes. Kinds come
from the paragraph style (Title, Heading N, List ..., Caption, Quote) or its numbering and
outline level; table cells, headers, footers and notes have their own kinds. Text is taken
from the runs a reader sees: tracked deletions, field codes and the results of fields that
lie within one paragraph (page numbers, dates, cross-references) are not text.

Written back: each paragraph's English goes into one ``w:t`` of the paragraph (the first run
with the segment's dominant character formatting) and the other texts are emptied, so the
paragraph element, its style, numbering and properties, every run, image, drawing, bookmark,
field, comment anchor and footnote reference stay where they were (runs are never rebuilt:
``run.text = ...`` would delete the drawings a run holds). Everything outside the segments is
python-docx's own round trip of the package: images, styles, numbering, section settings,
comments and custom parts come back unchanged.

Kept: paragraph and table structure, styles, lists, images, fields, footnote references,
formatting that covers a whole paragraph, a link that covers a whole paragraph. Lost (the
segment counts as simplified): character formatting that covers part of a paragraph (the
English takes the dominant formatting), a link over part of a paragraph (kept after the
English, showing its target). Also lost, not counted: line breaks and tabs between a
paragraph's words, and the place inside a sentence of a picture, field or note reference (it
stays in its run, before or after the whole English). Text in charts, SmartArt, equations and
comments is not translated.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from translate.errors import first_line
from translate.formats.base import FormatError, Parsed, Rebuilt, Segment
from translate.formats.inline import with_edges
from translate.formats.safety import parse_xml
from translate.formats.zip_package import open_zip, replace_members

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
RT_ENDNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/endnotes"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


# Block containers whose content is read as if it stood in their parent (content controls, custom XML).
_BLOCK_WRAPPERS = {_w("customXml")}
# Inline containers whose runs are part of the paragraph's text (w:del and w:moveFrom are not: deleted text).
_INLINE_WRAPPERS = {_w("ins"), _w("smartTag"), _w("customXml"), _w("moveTo"), _w("dir"), _w("bdo")}
# Run children that are text, and what each reads as; w:t is the one that receives English.
_RUN_TEXT = {_w("tab"): "\t", _w("ptab"): "\t", _w("cr"): "\n", _w("noBreakHyphen"): "-", _w("softHyphen"): ""}
# Word saves a password-protected .docx as an OLE container holding an "EncryptedPackage" stream.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_NOTE_SEPARATORS = {"separator", "continuationSeparator", "continuationNotice"}
# Character properties that differ between runs without changing how the text looks.
_INVISIBLE_RPR = {_w("lang"), _w("noProof"), _w("rPrChange"), _w("webHidden")}


@dataclass
class _Atom:
    """One piece of a paragraph's text: a w:t (or a tab, break...) with the run and link it is in."""

    element: etree._Element
    text: str
    run: etree._Element
    link: etree._Element | None


@dataclass
class _Unit:
    """One segment's paragraphs (a text box's fallback copy is a twin that gets the same English)
    and the part whose relationships its links use."""

    paragraphs: list[etree._Element]
    kind: str
    part: object
    text: str = ""


@dataclass
class _Loaded:
    document: object
    units: list[_Unit]
    # Note parts python-docx keeps as opaque bytes: (zip member name, parsed root) to write back.
    raw_parts: list[tuple[str, etree._Element]] = field(default_factory=list)


def read_docx(data: bytes) -> Parsed:
    """The segments of a .docx file and a ``rebuild`` that writes English into a fresh copy."""
    loaded = _load(data)
    segments = [Segment(unit.text, unit.kind) for unit in loaded.units]

    def rebuild(english: list[str]) -> Rebuilt:
        return _rebuild(data, len(segments), english)

    return Parsed(segments, rebuild)


def _rebuild(data: bytes, count: int, english: list[str]) -> Rebuilt:
    """Load the original again (so a Parsed can be rebuilt more than once), write, and save."""
    if len(english) != count:
        raise ValueError(f"rebuild needs {count} English texts, got {len(english)}")
    loaded = _load(data)
    simplified = 0
    for unit, text in zip(loaded.units, english):
        results = [_write_paragraph(paragraph, text, unit.part) for paragraph in unit.paragraphs]
        simplified += results[0]
    buffer = io.BytesIO()
    loaded.document.save(buffer)
    output = buffer.getvalue()
    if loaded.raw_parts:
        output = replace_members(output, {name: _serialize(root) for name, root in loaded.raw_parts})
    return Rebuilt(output, simplified)


# ---------------------------------------------------------------------------------------------
# Loading


def _load(data: bytes) -> _Loaded:
    """Guard the zip, open it with python-docx, and find every unit in reading order."""
    if data.startswith(_OLE) and _ENCRYPTED_PACKAGE in data:
        raise FormatError("DOCX is password-protected (encrypted); remove the password and save it again")
    open_zip(data, "DOCX").close()
    import docx  # python-docx, imported here so runs over other formats never load it

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises KeyError, ValueError, lxml errors... for damaged packages
        raise _not_word(error)
    try:
        return _find_units(document)
    except FormatError:
        raise
    except Exception as error:  # XML python-docx accepted but whose structure is not Word's
        raise FormatError(f"not a valid Word document ({type(error).__name__}: {first_line(error)}); re-save it")


def _not_word(error: Exception) -> FormatError:
    """What python-docx's refusal means to a user: another kind of Office file, or a damaged one."""
    content_type = re.search(r"content type is '([^']*)'", str(error))
    if isinstance(error, ValueError) and content_type:  # a .docm, .dotx, or not a word-processing file at all
        return FormatError(
            f"not a Word document (.docx) but {content_type.group(1) or 'an unknown type'}; "
            "save it as a Word Document (.docx)"
        )
    return FormatError(
        f"not a Word document ({type(error).__name__}: {first_line(error)}); "
        "open it in Word or LibreOffice and save it as .docx"
    )


def _find_units(document: object) -> _Loaded:
    if document.element.body is None:
        raise FormatError(
            "no document body in the usual Word format (Strict Open XML?); save it as a Word Document (.docx)"
        )
    styles = _Styles(document.styles.element)
    main_part = document.part
    loaded = _Loaded(document, [])
    _walk_blocks(document.element.body, None, main_part, styles, loaded.units)
    for part, kind in _header_footer_parts(document):
        _walk_blocks(part.element, kind, part, styles, loaded.units)
    for reltype in (RT_FOOTNOTES, RT_ENDNOTES):
        for rel in list(main_part.rels.values()):
            if rel.reltype != reltype or rel.is_external:
                continue
            part = rel.target_part
            if hasattr(part, "element"):  # a python-docx version that knows notes parts
                root = part.element
            else:
                root = parse_xml(part.blob, f"DOCX part {part.partname}")
                loaded.raw_parts.append((str(part.partname).lstrip("/"), root))
            for note in root:
                if note.tag in (_w("footnote"), _w("endnote")) and note.get(_w("type")) not in _NOTE_SEPARATORS:
                    _walk_blocks(note, "footnote", part, styles, loaded.units)
    return loaded


def _header_footer_parts(document: object) -> Iterator[tuple[object, str]]:
    """Each header and footer part once, section by section, headers before footers. A header
    linked to the previous section has no reference of its own, so it is read once, there."""
    body = document.element.body
    seen: set[str] = set()
    section_properties = body.findall(f"{_w('p')}/{_w('pPr')}/{_w('sectPr')}") + body.findall(_w("sectPr"))
    section_properties.sort(key=lambda element: _document_position(body, element))
    related = document.part.related_parts
    for properties in section_properties:
        for tag, kind in (("headerReference", "header"), ("footerReference", "footer")):
            for reference in properties.findall(_w(tag)):
                part = related.get(reference.get(f"{{{R_NS}}}id"))
                if part is None or not hasattr(part, "element") or str(part.partname) in seen:
                    continue
                seen.add(str(part.partname))
                yield part, kind


def _document_position(body: etree._Element, element: etree._Element) -> int:
    """Index of the body child that holds ``element`` (a section break lies in a paragraph)."""
    while element.getparent() is not body:
        element = element.getparent()
    return body.index(element)


class _Styles:
    """Paragraph style names by id, with what they are based on, to give each paragraph a kind."""

    def __init__(self, root: etree._Element) -> None:
        self.names: dict[str, str] = {}
        self.based_on: dict[str, str] = {}
        self.numbered: set[str] = set()
        self.outline: set[str] = set()
        self.default: str | None = None
        for style in root.findall(_w("style")):
            if style.get(_w("type")) != "paragraph":
                continue
            style_id = style.get(_w("styleId"), "")
            name = style.find(_w("name"))
            self.names[style_id] = (name.get(_w("val"), "") if name is not None else style_id).lower()
            based = style.find(_w("basedOn"))
            if based is not None:
                self.based_on[style_id] = based.get(_w("val"), "")
            properties = style.find(_w("pPr"))
            if properties is not None and _numbered(properties):
                self.numbered.add(style_id)
            if properties is not None and _outline_heading(properties):
                self.outline.add(style_id)
            if style.get(_w("default")) in ("1", "true", "on"):
                self.default = style_id

    def kind(self, paragraph: etree._Element) -> str:
        properties = paragraph.find(_w("pPr"))
        style = properties.find(_w("pStyle")) if properties is not None else None
        style_id = style.get(_w("val")) if style is not None else self.default
        chain = self._chain(style_id)
        for name in (self.names.get(item, "") for item in chain):
            kind = _kind_of_style_name(name)
            if kind:
                return kind
        if (properties is not None and _outline_heading(properties)) or any(item in self.outline for item in chain):
            return "heading"
        if (properties is not None and _numbered(properties)) or any(item in self.numbered for item in chain):
            return "list-item"
        return "paragraph"

    def _chain(self, style_id: str | None) -> list[str]:
        chain: list[str] = []
        while style_id and style_id not in chain and len(chain) < 20:
            chain.append(style_id)
            style_id = self.based_on.get(style_id)
        return chain


def _kind_of_style_name(name: str) -> str | None:
    if name == "title":
        return "title"
    if re.fullmatch(r"heading \d|subtitle|toc heading", name):
        return "heading"
    if name.startswith("list"):
        return "list-item"
    if name == "caption":
        return "caption"
    if name in ("quote", "intense quote"):
        return "quote"
    return None


def _numbered(properties: etree._Element) -> bool:
    number = properties.find(f"{_w('numPr')}/{_w('numId')}")
    return number is not None and number.get(_w("val")) not in (None, "0")


def _outline_heading(properties: etree._Element) -> bool:
    level = properties.find(_w("outlineLvl"))
    return level is not None and level.get(_w("val"), "9").isdigit() and int(level.get(_w("val"), "9")) < 9


# ---------------------------------------------------------------------------------------------
# Walking blocks in reading order


def _walk_blocks(
    container: etree._Element, context: str | None, part: object, styles: _Styles, units: list[_Unit]
) -> None:
    """Paragraphs and tables of a body, cell, header, note or text box, in document order.
    ``context`` is the kind every paragraph here gets (cell, header, footer, footnote), if any."""
    for child in container:
        if child.tag == _w("p"):
            _add_paragraph(child, context, part, styles, units)
        elif child.tag == _w("tbl"):
            for row in _through_wrappers(child, _w("tr")):
                for cell in _through_wrappers(row, _w("tc")):
                    _walk_blocks(cell, context or "cell", part, styles, units)
        elif child.tag == _w("sdt"):
            content = child.find(_w("sdtContent"))
            if content is not None:
                _walk_blocks(content, context, part, styles, units)
        elif child.tag in _BLOCK_WRAPPERS:
            _walk_blocks(child, context, part, styles, units)


def _through_wrappers(container: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children named ``tag``, also those inside content controls and custom XML (rows, cells)."""
    for child in container:
        if child.tag == tag:
            yield child
        elif child.tag == _w("sdt"):
            content = child.find(_w("sdtContent"))
            if content is not None:
                yield from _through_wrappers(content, tag)
        elif child.tag in _BLOCK_WRAPPERS:
            yield from _through_wrappers(child, tag)


def _add_paragraph(
    paragraph: etree._Element, context: str | None, part: object, styles: _Styles, units: list[_Unit]
) -> None:
    text = "".join(atom.text for atom in _atoms(paragraph))
    if text.strip():
        units.append(_Unit([paragraph], context or styles.kind(paragraph), part, text))
    for box, twin in _text_boxes(paragraph):
        found: list[_Unit] = []
        _walk_blocks(box, context, part, styles, found)
        if twin is not None:
            copies: list[_Unit] = []
            _walk_blocks(twin, context, part, styles, copies)
            if [unit.text for unit in copies] == [unit.text for unit in found]:
                for unit, copied in zip(found, copies):
                    unit.paragraphs.extend(copied.paragraphs)
        units.extend(found)


def _text_boxes(paragraph: etree._Element) -> Iterator[tuple[etree._Element, etree._Element | None]]:
    """The text boxes drawn in this paragraph (not in nested ones), each with its twin: Word
    writes a box twice, as DrawingML (mc:Choice) and as VML for older readers (mc:Fallback)."""
    for box in paragraph.iter(_w("txbxContent")):
        owner, alternate, in_fallback = _box_owner(box, paragraph)
        if owner is not paragraph or in_fallback:
            continue
        twin = None
        if alternate is not None:
            choice = [item for item in _own_boxes(alternate, paragraph, f"{{{MC_NS}}}Choice")]
            fallback = [item for item in _own_boxes(alternate, paragraph, f"{{{MC_NS}}}Fallback")]
            if len(choice) == len(fallback) and box in choice:
                twin = fallback[choice.index(box)]
        yield box, twin


def _box_owner(
    box: etree._Element, paragraph: etree._Element
) -> tuple[etree._Element | None, etree._Element | None, bool]:
    """The paragraph a text box is drawn in, its nearest mc:AlternateContent, and whether it is a fallback copy."""
    alternate = None
    in_fallback = False
    element = box.getparent()
    while element is not None and element.tag != _w("p"):
        if element.tag == f"{{{MC_NS}}}Fallback" and alternate is None:
            in_fallback = True
        if element.tag == f"{{{MC_NS}}}AlternateContent" and alternate is None:
            alternate = element
        element = element.getparent()
    return element, alternate, in_fallback


def _own_boxes(alternate: etree._Element, paragraph: etree._Element, branch: str) -> list[etree._Element]:
    boxes = []
    for child in alternate.findall(branch):
        for box in child.iter(_w("txbxContent")):
            owner, nearest, _ = _box_owner(box, paragraph)
            if owner is paragraph and nearest is alternate:
                boxes.append(box)
    return boxes


# ---------------------------------------------------------------------------------------------
# A paragraph's text


def _atoms(paragraph: etree._Element) -> list[_Atom]:
    """The paragraph's text pieces in order, outside fields that begin and end in it."""
    runs: list[tuple[etree._Element, etree._Element | None, bool]] = []
    _collect_runs(paragraph, None, False, runs)
    in_field = _field_runs([run for run, _, _ in runs])
    atoms = []
    for index, (run, link, simple_field) in enumerate(runs):
        if simple_field or index in in_field:
            continue
        for child in run:
            text = _run_child_text(child)
            if text is not None:
                atoms.append(_Atom(child, text, run, link))
    return atoms


def _collect_runs(
    container: etree._Element,
    link: etree._Element | None,
    simple_field: bool,
    runs: list[tuple[etree._Element, etree._Element | None, bool]],
) -> None:
    for child in container:
        if child.tag == _w("r"):
            runs.append((child, link, simple_field))
        elif child.tag == _w("hyperlink"):
            _collect_runs(child, child, simple_field, runs)
        elif child.tag == _w("fldSimple"):
            _collect_runs(child, link, True, runs)
        elif child.tag in _INLINE_WRAPPERS:
            _collect_runs(child, link, simple_field, runs)
        elif child.tag == _w("sdt"):
            content = child.find(_w("sdtContent"))
            if content is not None:
                _collect_runs(content, link, simple_field, runs)


def _field_runs(runs: list[etree._Element]) -> set[int]:
    """Indexes of the runs of every complex field that begins and ends within this paragraph
    (page numbers, dates, cross-references). A field that spans paragraphs, like a table of
    contents, is read as text, though the fields nested in its entries (their page numbers) are not."""
    inside: set[int] = set()
    open_fields: list[int] = []
    for index, run in enumerate(runs):
        for mark in run.findall(_w("fldChar")):
            kind = mark.get(_w("fldCharType"))
            if kind == "begin":
                open_fields.append(index)
            elif kind == "end" and open_fields:
                inside.update(range(open_fields.pop(), index + 1))
    return inside


def _run_child_text(child: etree._Element) -> str | None:
    """What a run child reads as, or None when it is not text (drawings, field codes, marks)."""
    if child.tag == _w("t"):
        return child.text or ""
    if child.tag == _w("br"):
        return "\n" if child.get(_w("type"), "textWrapping") == "textWrapping" else None
    return _RUN_TEXT.get(child.tag)


# ---------------------------------------------------------------------------------------------
# Writing English back


def _write_paragraph(paragraph: etree._Element, english: str, part: object) -> bool:
    """Put ``english`` in place of the paragraph's text; True when formatting or a link over part
    of it could not be carried (the segment is then simplified)."""
    atoms = _atoms(paragraph)
    if english == "".join(atom.text for atom in atoms):
        return False  # untranslated (no letters) or unchanged: leave every byte as it was
    texts = [atom for atom in atoms if atom.element.tag == _w("t") and atom.text.strip()]
    if not texts:
        return False
    links = list(dict.fromkeys(atom.link for atom in texts))
    partial_links = [link for link in links if link is not None] if len(links) > 1 else []
    kept = [atom for atom in texts if atom.link not in partial_links]
    formats = list(dict.fromkeys(_format_key(atom.run) for atom in kept))
    simplified = bool(partial_links) or len(formats) > 1

    shown = [_link_target(link, part) or _text_in(atoms, link) for link in partial_links]
    target = _target(kept, texts, partial_links)
    french = "".join(atom.text for atom in atoms if atom.element.tag == _w("t"))
    _clear_text(atoms, texts, target)
    target.text = with_edges(french, english)
    target.set(XML_SPACE, "preserve")
    _move_links_after(target.getparent(), list(zip(partial_links, shown)))
    return simplified


def _text_in(atoms: list[_Atom], link: etree._Element) -> str:
    """A link's own text (shown when it has no target to show)."""
    return "".join(atom.text for atom in atoms if atom.link is link and atom.element.tag == _w("t"))


def _target(kept: list[_Atom], texts: list[_Atom], partial_links: list[etree._Element]) -> etree._Element:
    """The w:t that receives the English: in the first run with the dominant formatting (the
    formatting of most of the text), or in a new run before the first link when only links have text."""
    if kept:
        weight: dict[bytes, int] = {}
        for atom in kept:
            key = _format_key(atom.run)
            weight[key] = weight.get(key, 0) + len(atom.text.strip())
        dominant = max(weight, key=lambda key: weight[key])  # the first of equals: dicts keep order
        return next(atom.element for atom in kept if _format_key(atom.run) == dominant)
    run = _bare_run(texts[0].run, drop_style=True)
    partial_links[0].addprevious(run)
    return etree.SubElement(run, _w("t"))


def _clear_text(atoms: list[_Atom], texts: list[_Atom], target: etree._Element | None) -> None:
    """Empty every w:t but the target, and drop tabs and breaks that separated text (the English
    is one line); those before the first text or after the last (indents, trailing breaks) stay."""
    first = atoms.index(texts[0])
    last = atoms.index(texts[-1])
    for position, atom in enumerate(atoms):
        if atom.element is target:
            continue
        if atom.element.tag == _w("t"):
            atom.element.text = ""
        elif first < position < last:
            atom.run.remove(atom.element)


def _move_links_after(anchor: etree._Element, links: list[tuple[etree._Element, str]]) -> None:
    """Links over part of a paragraph go after the English, each showing its target."""
    for link, shown in links:
        texts = link.findall(f".//{_w('t')}")
        if texts:
            texts[0].text = shown
            texts[0].set(XML_SPACE, "preserve")
        space = _bare_run(anchor if anchor.tag == _w("r") else link.find(f".//{_w('r')}"), drop_style=True)
        etree.SubElement(space, _w("t")).text = " "
        space[-1].set(XML_SPACE, "preserve")
        anchor.addnext(space)
        space.addnext(link)
        anchor = link


def _link_target(link: etree._Element, part: object) -> str:
    """A hyperlink's URL (from the part's relationships) with its fragment, or ``#bookmark``."""
    address = ""
    rel_id = link.get(f"{{{R_NS}}}id")
    if rel_id:
        rel = getattr(part, "rels", {}).get(rel_id)
        if rel is not None and rel.is_external:
            address = rel.target_ref
    anchor = link.get(_w("anchor"))
    return f"{address}#{anchor}" if anchor else address


def _bare_run(run: etree._Element | None, drop_style: bool) -> etree._Element:
    """A new, empty run with ``run``'s character properties (so it looks like its neighbours)."""
    new = etree.Element(_w("r"))
    properties = run.find(_w("rPr")) if run is not None else None
    if properties is not None:
        properties = copy.deepcopy(properties)
        style = properties.find(_w("rStyle"))
        if drop_style and style is not None:
            properties.remove(style)
        new.append(properties)
    return new


def _format_key(run: etree._Element) -> bytes:
    """A run's character formatting as bytes, without properties that do not show (language, proofing)."""
    properties = run.find(_w("rPr"))
    if properties is None:
        return b""
    properties = copy.deepcopy(properties)
    for child in list(properties):
        if child.tag in _INVISIBLE_RPR:
            properties.remove(child)
    fonts = properties.find(_w("rFonts"))
    if fonts is not None:
        fonts.attrib.pop(_w("hint"), None)
        if not fonts.attrib:
            properties.remove(fonts)
    return etree.tostring(properties) if len(properties) else b""


# ---------------------------------------------------------------------------------------------
# Small helpers


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
