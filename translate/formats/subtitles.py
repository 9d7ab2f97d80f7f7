"""Subtitles: SubRip (``.srt``, read and written with ``srt``) and WebVTT (``.vtt``, with ``webvtt-py``).

Read: the text of every cue. A sentence often runs over several cues, and a cue alone is often
half a sentence that no model can translate well, so cues are *grouped*, and each group is one
segment (kind ``cue``, ``cues`` = its cue numbers: the SubRip number, or for WebVTT the cue's
1-based position in the file). A group collects consecutive cues until a cue ends a sentence
(its text ends with ``.``, ``!``, ``?`` or ``…``, possibly followed by a closing quote, guillemet
or bracket; a trailing ``...`` followed by a cue that starts with ``...`` or a lower-case letter
is a continuation, not an end), or until the next cue starts more than 2 s after this one ends,
starts earlier than this one (timings out of order), sits elsewhere on screen (other SubRip
``{\\an8}``-style position tag, other WebVTT cue settings) or has another WebVTT speaker
(``<v Name>``), or the group reaches 6 cues or 500 characters (so a group never outgrows the
model's input). A cue with no letter (``♪♪``, ``...``) is a group of its own; an empty cue is no
segment. The segment text is the cues' lines joined by spaces, with markup (``<i>``, ``<b>``,
``<font>``, ``{\\an8}``, WebVTT ``<c.x>``, ``<v Speaker>``, timestamps) stripped and WebVTT
character references (``&amp;``) decoded.

Written back: the English of a group is shared out over the group's cues in proportion to the
length of each cue's French (in characters), cut only between words; each cue gets at least one
word when there are as many words as cues (a cue left without a word repeats the English of the
cue before it, so the line stays on screen). Each cue's English is wrapped to at most two lines,
balanced, of about 42 characters (a dialogue cue, ``- ... - ...``, is cut at the second speaker's
dash). A letterless cue, and a group the model gave no English for, keep their original text.
The file is written as UTF-8.

Kept: every cue, with its timings, number or identifier and WebVTT cue settings
(``align:start position:10%``), in the input's order (out-of-order timings are kept and noted);
SubRip coordinates after the timings; WebVTT header line, metadata, ``NOTE``, ``STYLE`` and
``REGION`` blocks; the line endings (LF or CRLF) and a byte order mark. Markup that wraps a
whole cue (``<i>...</i>``, also line by line), a position tag at the start of a SubRip cue and
a WebVTT voice tag at the start of a cue are kept around the cue's English.

Lost: the line breaks inside a cue (the English is wrapped anew); markup around part of a cue
(its segment counts as simplified); timestamps are written in the canonical form
(``00:00:01,000``, ``00:00:01.000``) with the same values; WebVTT blocks that are neither a cue
nor a ``NOTE``, ``STYLE`` or ``REGION`` block (players ignore them too). Cues that cannot be read
(a timing line such as ``00:00:99.000 --> xx``) are an error naming the line, never dropped.
"""

from __future__ import annotations

import codecs
import html
import io
import re
from dataclasses import dataclass
from typing import Callable, Sequence

import srt
import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError
from webvtt.models import Caption

from aligned.textio import decode, looks_binary
from translate.formats.base import FormatError, Parsed, Rebuilt, Segment

MAX_GAP_S = 2.0  # a longer silence between two cues ends a group
MAX_GROUP_CUES = 6
MAX_GROUP_CHARS = 500
LINE_WIDTH = 42  # characters a subtitle line should not exceed (two lines per cue at most)

_SRT_TAG = re.compile(r"</?[A-Za-z][^<>]*>|\{\\[^{}]*\}")
_VTT_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<\d[\d:.]*>")
_POSITION_TAGS = re.compile(r"^(?:\{\\[^{}]*\})+")  # SubRip {\an8}-style tags starting a cue
_VOICE = re.compile(r"^<v(?:\.[^\s>]+)*(?:\s[^>]*)?>")
_WRAPPER = re.compile(r"^<([A-Za-z]+)(?:[.\s][^>]*)?>")
_DASHES = ("-", "–", "—")  # a dialogue line starts with one
_SENTENCE_END = re.compile(r"[.!?…][\s\"'»”’)\]]*$")
_ELLIPSIS_END = re.compile(r"(?:\.\.\.|…)[\s\"'»”’)\]]*$")


@dataclass(frozen=True)
class _Frame:
    """What is kept around a cue's English: tags that wrap the whole cue, opening and closing."""

    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class _Cue:
    """One cue as grouping and rebuilding see it."""

    position: int  # 0-based place in the file
    number: int  # SubRip number, or WebVTT 1-based position
    raw: str  # the cue text as written in the file
    text: str  # for the model: lines joined by spaces, markup stripped
    start: float  # seconds
    end: float
    place: str  # position tags, cue settings and speaker: a change ends a group
    frame: _Frame
    simplified: bool  # markup inside the cue that cannot be carried to the English

    @property
    def has_letter(self) -> bool:
        return any(char.isalpha() for char in self.text)


@dataclass(frozen=True)
class _Dialect:
    """How SubRip and WebVTT differ for the shared policy: their markup and their escaping."""

    tags: re.Pattern[str]
    unescape: Callable[[str], str]
    escape: Callable[[str], str]


def _escape_srt(text: str) -> str:
    """SubRip has no escaping; an arrow in the English must still never look like a timing line."""
    return text.replace("-->", "->")


def _escape_vtt(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_SRT = _Dialect(_SRT_TAG, lambda text: text, _escape_srt)
_VTT = _Dialect(_VTT_TAG, html.unescape, _escape_vtt)


# --- SubRip -----------------------------------------------------------------------------------


def read_srt(data: bytes) -> Parsed:
    """Read a SubRip file: one segment per group of cues (see the module docstring)."""
    text, notes = _decode(data, "SubRip")
    subtitles = _parse_srt(text)
    numbers = [sub.index if sub.index is not None else position for position, sub in enumerate(subtitles, start=1)]
    unnumbered = sum(sub.index is None for sub in subtitles)
    if unnumbered:
        notes.append(f"{unnumbered} cue(s) had no number; numbered by their position")
    cues = [
        _cue(position, number, sub.content, sub.start.total_seconds(), sub.end.total_seconds(), "", _SRT)
        for position, (number, sub) in enumerate(zip(numbers, subtitles))
    ]
    notes += _timing_notes(cues)
    eol = "\r\n" if "\r\n" in text else "\n"
    bom = _bom_of(data)

    def rebuild(english: list[str]) -> Rebuilt:
        contents, simplified = _rebuild_cues(cues, groups, english, _SRT)
        rebuilt = [
            srt.Subtitle(number, sub.start, sub.end, content, sub.proprietary)
            for number, sub, content in zip(numbers, subtitles, contents)
        ]
        composed = srt.compose(rebuilt, reindex=False, strict=True, eol=eol)
        return Rebuilt(bom + composed.encode("utf-8"), simplified)

    groups = _group(cues)
    return Parsed(_segments(groups), rebuild, notes)


def _parse_srt(text: str) -> list[srt.Subtitle]:
    """Every cue, or a FormatError naming the first line that is not part of one."""
    if "-->" not in text:
        raise FormatError(
            "no subtitle cues found (no 'HH:MM:SS,mmm --> HH:MM:SS,mmm' timing line); "
            "give a SubRip (.srt) subtitle file"
        )
    try:
        subtitles = list(srt.parse(text))
    except srt.SRTParseError as error:
        shown = _first_telling_line(error.unmatched_content)
        at = error.expected_start + max(error.unmatched_content.find(shown), 0)
        line = text.count("\n", 0, at) + 1
        raise FormatError(
            f"not valid SubRip at line {line} ({shown!r}): a cue is a number, a timing line "
            "'HH:MM:SS,mmm --> HH:MM:SS,mmm' and its text; fix or remove that cue"
        ) from None
    except (ValueError, OverflowError):
        raise FormatError("not valid SubRip: a timing is out of range; fix the timing lines") from None
    if not subtitles:
        raise FormatError("no subtitle cues found; give a SubRip (.srt) subtitle file")
    return subtitles


def _first_telling_line(content: str) -> str:
    """The timing line of a block that could not be read, else its first two lines."""
    lines = [line.strip() for line in content.splitlines() if line.strip()]
    return next((line for line in lines if "-->" in line), " / ".join(lines[:2]))[:80]


# --- WebVTT -----------------------------------------------------------------------------------


def read_vtt(data: bytes) -> Parsed:
    """Read a WebVTT file: one segment per group of cues (see the module docstring)."""
    text, notes = _decode(data, "WebVTT")
    captions = _parse_vtt(text).captions
    cues = [
        _cue(
            position - 1,
            position,
            caption.raw_text,
            caption.start_time.in_milliseconds() / 1000,
            caption.end_time.in_milliseconds() / 1000,
            str(caption.settings),
            _VTT,
        )
        for position, caption in enumerate(captions, start=1)
    ]
    notes += _timing_notes(cues)
    eol = "\r\n" if "\r\n" in text else "\n"
    bom = _bom_of(data)

    def rebuild(english: list[str]) -> Rebuilt:
        contents, simplified = _rebuild_cues(cues, groups, english, _VTT)
        document = _parse_vtt(text)  # fresh objects: rebuild never changes what the reader holds
        for caption, content in zip(document.captions, contents):
            caption.lines = content.split("\n") if content else []
        written = document.content
        if eol != "\n":
            written = written.replace("\n", eol)
        return Rebuilt(bom + written.encode("utf-8"), simplified)

    groups = _group(cues)
    return Parsed(_segments(groups), rebuild, notes)


def _parse_vtt(text: str) -> webvtt.WebVTT:
    """The document, or a FormatError; a cue block the library would silently skip is an error."""
    if not text.startswith("WEBVTT"):
        raise FormatError(
            "not a WebVTT file: the first line must be 'WEBVTT'; add that line "
            "(or, if it is a SubRip file, name it .srt)"
        )
    try:
        document = webvtt.WebVTT.from_buffer(io.StringIO(text))
    except (MalformedFileError, MalformedCaptionError, ValueError) as error:
        raise FormatError(f"not a valid WebVTT file ({error}); fix it or re-export it") from None
    _check_every_cue_read(text, len(document.captions))
    if not document.captions:
        raise FormatError(
            "no subtitle cues found (no 'HH:MM:SS.mmm --> HH:MM:SS.mmm' timing line); give a WebVTT file with cues"
        )
    return document


def _check_every_cue_read(text: str, captions: int) -> None:
    """webvtt-py skips a cue whose timing line it cannot read; here that is an error naming the
    line, since the translated file would otherwise lack the cue."""
    arrows = [
        (number, line)
        for number, line in enumerate(text.splitlines(), start=1)
        if "-->" in line and number > 1 and not line.startswith("NOTE")
    ]
    if len(arrows) <= captions:
        return
    for number, line in arrows:
        start, _, end = line.partition("-->")
        try:
            Caption(start.strip() or "-", (end.split() or ["-"])[0])
        except MalformedCaptionError:
            raise FormatError(
                f"bad cue timing at line {number} ({line.strip()[:80]!r}); expected "
                "'HH:MM:SS.mmm --> HH:MM:SS.mmm': fix or remove that cue"
            ) from None
    raise FormatError(
        f"{len(arrows) - captions} cue block(s) could not be read (first timing line at line {arrows[0][0]}); "
        "check that every cue is separated by an empty line"
    )


# --- the shared policy ------------------------------------------------------------------------


def _decode(data: bytes, what: str) -> tuple[str, list[str]]:
    """The text and the decoder's repair notes; binary data and empty files are errors."""
    if looks_binary(data):
        raise FormatError(f"binary data, not {what} subtitles; give a {what} text file")
    decoded = decode(data, repair=True)
    if not decoded.text.strip():
        raise FormatError(f"no subtitle cues found: the file is empty; give a {what} file with cues")
    return decoded.text, list(decoded.notes)


def _bom_of(data: bytes) -> bytes:
    """A file that had a byte order mark gets one back (UTF-8: the output is always UTF-8)."""
    return codecs.BOM_UTF8 if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else b""


def _cue(position: int, number: int, raw: str, start: float, end: float, settings: str, dialect: _Dialect) -> _Cue:
    frame, inner = _frame_of(raw)
    stripped = dialect.tags.sub("", inner)
    text = " ".join(line.strip() for line in dialect.unescape(stripped).splitlines() if line.strip())
    position_tags = _POSITION_TAGS.match(raw.strip())
    voice = _VOICE.match(raw.strip())
    place = " ".join(match.group(0) for match in (position_tags, voice) if match) + settings
    return _Cue(position, number, raw, text, start, end, place, frame, stripped != inner)


def _frame_of(raw: str) -> tuple[_Frame, str]:
    """Split a cue into the markup that wraps all of it (kept) and the inside (for the model).

    Position tags and a voice tag at the start, then tags opened at the very start and closed at
    the very end (``<i>...</i>``, also ``<i>line</i>`` on every line) wrap the whole cue; the
    English gets them once, around all its lines."""
    inner = raw.strip()
    prefix = suffix = ""
    for pattern in (_POSITION_TAGS, _VOICE):
        match = pattern.match(inner)
        if match:
            prefix += match.group(0)
            inner = inner[match.end() :].lstrip()
            if pattern is _VOICE and inner.endswith("</v>") and "</v>" not in inner[:-4]:
                suffix, inner = "</v>", inner[:-4].rstrip()
    while True:
        opening, closing, per_line = _wrapper(inner)
        if not opening:
            return _Frame(prefix, suffix), inner
        prefix, suffix = prefix + opening, closing + suffix
        inner = _unwrap(inner, opening, closing, per_line)


def _wrapper(inner: str) -> tuple[str, str, bool]:
    """The tag pair around the whole of ``inner`` (or around each of its lines), else empty."""
    match = _WRAPPER.match(inner)
    if not match:
        return "", "", False
    opening, closing = match.group(0), f"</{match.group(1)}>"
    body = inner[len(opening) :]
    if body.endswith(closing) and closing not in body[: -len(closing)]:
        return opening, closing, False
    lines = [line.strip() for line in inner.splitlines() if line.strip()]
    if len(lines) > 1 and all(
        line.startswith(opening) and line.endswith(closing) and line.count(closing) == 1 for line in lines
    ):
        return opening, closing, True
    return "", "", False


def _unwrap(inner: str, opening: str, closing: str, per_line: bool) -> str:
    if not per_line:
        return inner[len(opening) : -len(closing)].strip()
    lines = [line.strip() for line in inner.splitlines() if line.strip()]
    return "\n".join(line[len(opening) : -len(closing)] for line in lines)


def _timing_notes(cues: Sequence[_Cue]) -> list[str]:
    """Timings that go backwards are kept as they are (players sort or show them as given), and
    reported, since they usually come from a bad edit."""
    backwards = [cue.number for before, cue in zip(cues, cues[1:]) if cue.start < before.start]
    inverted = [cue.number for cue in cues if cue.end < cue.start]
    notes = []
    if backwards:
        notes.append(
            f"timings out of order: {len(backwards)} cue(s) start before the cue above them "
            f"(first: cue {backwards[0]}); kept as they are"
        )
    if inverted:
        notes.append(f"{len(inverted)} cue(s) end before they start (first: cue {inverted[0]}); kept as they are")
    return notes


def _group(cues: Sequence[_Cue]) -> list[list[_Cue]]:
    """Consecutive cues that make one sentence (or a few), within the caps; see the module docstring."""
    groups: list[list[_Cue]] = []
    group: list[_Cue] = []
    for cue, following in zip(cues, [*cues[1:], None]):
        if not cue.text:
            continue  # an empty cue: nothing to translate, and it ends the group before it
        group.append(cue)
        if following is None or _ends_group(group, following):
            groups.append(group)
            group = []
    return groups


def _ends_group(group: list[_Cue], following: _Cue) -> bool:
    cue = group[-1]
    return (
        not cue.has_letter
        or not following.has_letter
        or _ends_sentence(cue.text, following.text)
        or following.start - cue.end > MAX_GAP_S
        or following.start < cue.start
        or following.place != cue.place
        or len(group) >= MAX_GROUP_CUES
        or sum(len(member.text) + 1 for member in group) + len(following.text) > MAX_GROUP_CHARS
    )


def _ends_sentence(text: str, following: str) -> bool:
    """A sentence end, unless a trailing ``...`` is taken up by the next cue (``...`` or lower case)."""
    if not _SENTENCE_END.search(text):
        return False
    following = following.lstrip()
    return not (_ELLIPSIS_END.search(text) and (following.startswith(("...", "…")) or following[:1].islower()))


def _segments(groups: list[list[_Cue]]) -> list[Segment]:
    return [Segment(" ".join(cue.text for cue in group), "cue", tuple(cue.number for cue in group)) for group in groups]


def _rebuild_cues(
    cues: Sequence[_Cue], groups: list[list[_Cue]], english: list[str], dialect: _Dialect
) -> tuple[list[str], int]:
    """Each cue's new text (in file order) and how many groups lost inline markup."""
    if len(english) != len(groups):
        raise ValueError(f"expected {len(groups)} English texts (one per segment), got {len(english)}")
    contents = [cue.raw for cue in cues]
    simplified = 0
    for group, translation in zip(groups, english):
        words = translation.split()
        if not words or not any(cue.has_letter for cue in group):
            continue  # nothing to put in place of the French: the cues stay as they were
        simplified += any(cue.simplified for cue in group)
        shares = _share(words, [max(len(cue.text), 1) for cue in group])
        previous = ""
        for cue, share in zip(group, shares):
            previous = " ".join(share) or previous
            contents[cue.position] = _dress(previous, cue.frame, dialect)
    return contents, simplified


def _share(words: list[str], weights: list[int]) -> list[list[str]]:
    """Cut ``words`` into one run per cue, each run's length in proportion to its cue's weight.

    Cuts fall between words, at the word end nearest the proportional place; every cue gets at
    least one word while there are words enough (the first cue always gets one)."""
    count, cues = len(words), len(weights)
    ends = [0]
    for word in words:
        ends.append(ends[-1] + len(word) + (1 if ends[-1] else 0))
    total, weight_sum = ends[-1], sum(weights)
    bounds = [0]
    reached = 0
    for index, weight in enumerate(weights[:-1]):
        reached += weight
        target = total * reached / weight_sum
        if count >= cues:
            low, high = bounds[-1] + 1, count - (cues - 1 - index)
        else:
            low, high = max(bounds[-1], 1), count
        bounds.append(min(range(low, high + 1), key=lambda bound: (abs(ends[bound] - target), bound)))
    bounds.append(count)
    return [words[start:end] for start, end in zip(bounds, bounds[1:])]


def _dress(english: str, frame: _Frame, dialect: _Dialect) -> str:
    """The cue's English wrapped to at most two lines, escaped, inside the cue's kept markup."""
    lines = "\n".join(dialect.escape(line) for line in _wrap(english))
    return f"{frame.prefix}{lines}{frame.suffix}"


def _wrap(text: str, width: int = LINE_WIDTH) -> list[str]:
    """One line if it fits, else two lines as even as the words allow (a cue shows two lines).

    A dialogue cue (``- Tu viens ? - Oui.``) is cut where the second speaker's dash is, as
    subtitles show each speaker on a line of their own."""
    words = text.split(" ")
    if text.startswith(_DASHES):
        turn = next((index for index, word in enumerate(words) if index and word.startswith(_DASHES)), 0)
        if turn:
            return [" ".join(words[:turn]), " ".join(words[turn:])]
    if len(text) <= width:
        return [text]
    if len(words) < 2:
        return [text]
    cuts = range(1, len(words))
    best = min(cuts, key=lambda cut: (max(len(" ".join(words[:cut])), len(" ".join(words[cut:]))), cut))
    return [" ".join(words[:best]), " ".join(words[best:])]
