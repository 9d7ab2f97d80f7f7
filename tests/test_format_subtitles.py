"""SubRip and WebVTT: cues grouped into sentences, English shared back over the cues, timings kept."""

from __future__ import annotations

import codecs
import html
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
import srt
import webvtt

from tests.cli_helpers import lines, translate_files
from translate.formats.base import FormatError, Parsed
from translate.formats.subtitles import LINE_WIDTH, _share, read_srt, read_vtt


def _t(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


SRT_CUES = [
    (1, 0.0, 2.0, "Bonjour, je m'appelle Marie\net j'habite à Paris."),
    (2, 2.5, 4.0, "Hier, nous sommes allés"),
    (3, 4.2, 6.0, "au marché avec\nmon petit frère"),
    (4, 6.1, 8.0, "pour acheter des pommes."),
    (5, 9.0, 11.0, "<i>Il pleuvait beaucoup.</i>"),
    (6, 11.5, 13.0, "♪♪"),
    (7, 13.5, 15.0, "{\\an8}C'était <b>vraiment</b> une belle journée !"),
    (8, 16.0, 17.0, "Et puis"),  # no full stop, but a long silence follows
    (9, 25.0, 27.0, "<i>« Au revoir,\nmes amis. »</i>"),
]


def _srt_bytes(cues=SRT_CUES, eol: str = "\n") -> bytes:
    subtitles = [srt.Subtitle(index, _t(start), _t(end), text) for index, start, end, text in cues]
    return srt.compose(subtitles, reindex=False, eol=eol).encode("utf-8")


def _segments(parsed: Parsed) -> list[tuple[str, str, tuple[int, ...]]]:
    return [(segment.kind, " ".join(segment.text.split()), segment.cues) for segment in parsed.segments]


def _fake_english(parsed: Parsed) -> list[str]:
    return [f"EN {i} " + " ".join(segment.text.split()).upper() for i, segment in enumerate(parsed.segments)]


def _cue_words(contents: list[str], parsed: Parsed) -> list[str]:
    """The English of each group, read back from its cues with the tags kept around them removed."""
    by_number = dict(zip([cue for segment in parsed.segments for cue in segment.cues], contents, strict=False))
    return [" ".join(by_number[cue] for cue in segment.cues).split() for segment in parsed.segments]


def _untagged(text: str) -> str:
    for tag in ("<i>", "</i>", "{\\an8}", "<v Marie>", "</v>"):
        text = text.replace(tag, "")
    return text


# --- SubRip -----------------------------------------------------------------------------------


def test_srt_cues_are_grouped_into_sentences_with_markup_stripped() -> None:
    parsed = read_srt(_srt_bytes())
    assert _segments(parsed) == [
        ("cue", "Bonjour, je m'appelle Marie et j'habite à Paris.", (1,)),
        ("cue", "Hier, nous sommes allés au marché avec mon petit frère pour acheter des pommes.", (2, 3, 4)),
        ("cue", "Il pleuvait beaucoup.", (5,)),
        ("cue", "♪♪", (6,)),
        ("cue", "C'était vraiment une belle journée !", (7,)),
        ("cue", "Et puis", (8,)),
        ("cue", "« Au revoir, mes amis. »", (9,)),
    ]
    assert parsed.notes == []


def test_srt_rebuild_keeps_every_cue_and_timing_and_shares_the_english_in_order() -> None:
    data = _srt_bytes()
    parsed = read_srt(data)
    english = _fake_english(parsed)
    rebuilt = parsed.rebuild(english)
    before, after = list(srt.parse(data.decode())), list(srt.parse(rebuilt.data.decode()))
    assert [(s.index, s.start, s.end, s.proprietary) for s in after] == [
        (s.index, s.start, s.end, s.proprietary) for s in before
    ]
    contents = [_untagged(s.content) for s in after]
    assert all(content.strip() for content in contents)
    assert _cue_words(contents, parsed)[:3] == [text.split() for text in english[:3]]
    assert after[5].content == "♪♪"  # no letter: the original, whatever the English
    assert after[4].content.startswith("<i>") and after[4].content.endswith("</i>")  # wraps the whole cue: kept
    assert after[8].content.startswith("<i>") and after[8].content.endswith("</i>")
    assert after[6].content.startswith("{\\an8}") and "<b>" not in after[6].content  # part of a cue: dropped
    assert rebuilt.simplified == 1
    for subtitle in after:
        assert len(subtitle.content.split("\n")) <= 2
    # the group of three cues gets its words in proportion to each cue's French
    # (French 23, 30 and 24 characters; the English cut at the word ends nearest those shares)
    assert contents[1:4] == [
        "EN 1 HIER, NOUS SOMMES ALLÉS",
        "AU MARCHÉ AVEC MON PETIT FRÈRE",
        "POUR ACHETER DES POMMES.",
    ]


def test_srt_english_is_wrapped_to_two_balanced_lines() -> None:
    parsed = read_srt(_srt_bytes(SRT_CUES[:1]))
    english = "This is a rather long English sentence that will not fit on one subtitle line."
    content = next(srt.parse(parsed.rebuild([english]).data.decode())).content
    first, second = content.split("\n")
    assert f"{first} {second}" == english
    assert max(len(first), len(second)) <= LINE_WIDTH
    short = next(srt.parse(parsed.rebuild(["Hello."]).data.decode())).content
    assert short == "Hello."


def test_srt_dialogue_cue_puts_each_speaker_on_a_line() -> None:
    parsed = read_srt(_srt_bytes([(1, 0.0, 2.0, "<i>- Tu viens ?</i>\n<i>- Oui.</i>")]))
    assert _segments(parsed) == [("cue", "- Tu viens ? - Oui.", (1,))]
    rebuilt = parsed.rebuild(["- Are you coming? - Yes."])
    assert next(srt.parse(rebuilt.data.decode())).content == "<i>- Are you coming?\n- Yes.</i>"
    assert rebuilt.simplified == 0


def test_srt_a_short_english_leaves_no_cue_empty() -> None:
    parsed = read_srt(_srt_bytes())
    english = _fake_english(parsed)
    english[1] = "Yes."  # one word for three cues: the later cues repeat it, so it stays on screen
    after = list(srt.parse(parsed.rebuild(english).data.decode()))
    assert [s.content for s in after[1:4]] == ["Yes.", "Yes.", "Yes."]


def test_share_cuts_between_words_in_proportion_and_gives_every_cue_a_word() -> None:
    words = "one two three four five six".split()
    assert _share(words, [1, 1, 1]) == [["one", "two"], ["three", "four"], ["five", "six"]]
    assert _share(words, [100, 1, 1]) == [["one", "two", "three", "four"], ["five"], ["six"]]
    assert _share(["a", "b"], [5, 5, 5]) == [["a"], [], ["b"]]  # too few words: a cue gets none


def test_srt_rebuild_twice_gives_the_same_file_and_keeps_crlf_and_bom() -> None:
    data = codecs.BOM_UTF8 + _srt_bytes(eol="\r\n")
    parsed = read_srt(data)
    english = _fake_english(parsed)
    first, second = parsed.rebuild(english), parsed.rebuild(english)
    assert first == second
    assert first.data.startswith(codecs.BOM_UTF8)
    assert b"\r\n" in first.data and b"\n" not in first.data.replace(b"\r\n", b"")


def test_srt_windows_1252_is_repaired_with_a_note() -> None:
    data = "1\n00:00:01,000 --> 00:00:02,000\nÇa coûte cher.\n".encode("cp1252")
    parsed = read_srt(data)
    assert _segments(parsed) == [("cue", "Ça coûte cher.", (1,))]
    assert any("Windows-1252" in note for note in parsed.notes)


def test_srt_groups_stop_at_six_cues_or_500_characters() -> None:
    words = [(n, n * 1.0, n + 0.9, f"mot{n} sans fin") for n in range(1, 9)]
    assert [segment.cues for segment in read_srt(_srt_bytes(words)).segments] == [(1, 2, 3, 4, 5, 6), (7, 8)]
    long = [(n, n * 1.0, n + 0.9, "bla " * 60) for n in range(1, 4)]  # 240 characters each
    assert [segment.cues for segment in read_srt(_srt_bytes(long)).segments] == [(1, 2), (3,)]


def test_srt_cues_without_numbers_are_numbered_by_position() -> None:
    parsed = read_srt(b"00:00:01,000 --> 00:00:02,000\nUn.\n\n00:00:03,000 --> 00:00:04,000\nDeux.\n")
    assert [segment.cues for segment in parsed.segments] == [(1,), (2,)]
    assert parsed.notes == ["2 cue(s) had no number; numbered by their position"]
    assert [s.index for s in srt.parse(parsed.rebuild(["One.", "Two."]).data.decode())] == [1, 2]


def test_srt_timings_out_of_order_are_kept_and_noted() -> None:
    cues = [(2, 5.0, 6.0, "Deuxième."), (1, 1.0, 2.0, "Premier."), (3, 9.0, 8.0, "Troisième.")]
    parsed = read_srt(_srt_bytes(cues))
    assert [segment.cues for segment in parsed.segments] == [(2,), (1,), (3,)]
    assert any("out of order" in note and "cue 1" in note for note in parsed.notes)
    assert any("end before they start" in note and "cue 3" in note for note in parsed.notes)
    after = list(srt.parse(parsed.rebuild(["Second.", "First.", "Third."]).data.decode()))
    assert [(s.index, s.start, s.end, s.content) for s in after] == [
        (2, _t(5), _t(6), "Second."),
        (1, _t(1), _t(2), "First."),
        (3, _t(9), _t(8), "Third."),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"1\n00:00:99,000 --> xx\nBonjour\n", "not valid SubRip at line 2 ('00:00:99,000 --> xx')"),
        (
            b"1\n00:00:01,000 --> 00:00:02,000\nOui.\n\n2\n00:00:03,000 -> 00:00:04,000\nNon.\n",
            "at line 5 ('2 / 00:00:03,000 -> 00:00:04,000')",
        ),
        ("Il était une fois un roi.\n\nEt une reine.\n".encode(), "no subtitle cues found"),
        (b"", "no subtitle cues found: the file is empty"),
        (b" \n\n", "no subtitle cues found: the file is empty"),
        (b"\x89PNG\r\n\x1a\n\0\0\0", "binary data, not SubRip"),
        (b"1\n99999999999999999999:00:01,000 --> 00:00:02,000\nA\n", "a timing is out of range"),
    ],
)
def test_srt_bad_input_is_a_format_error(data: bytes, message: str) -> None:
    with pytest.raises(FormatError) as caught:
        read_srt(data)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value) and ";" in str(caught.value)


# --- WebVTT -----------------------------------------------------------------------------------


def _vtt_bytes() -> bytes:
    document = webvtt.WebVTT(
        header_text="- Sous-titres",
        header_comments=["Traduit à la main"],
        styles=[webvtt.Style("::cue(.jaune) { color: yellow }")],
        captions=[
            webvtt.Caption(
                "00:00:01.000",
                "00:00:04.000",
                "<v Marie>Bonjour à tous,\nje suis très contente",
                identifier="intro",
                settings="align:start position:10%",
            ),
            webvtt.Caption(
                "00:00:04.500", "00:00:06.000", "<v Marie>d'être ici &amp; là.</v>", settings="align:start position:10%"
            ),
            webvtt.Caption("00:00:07.000", "00:00:09.000", "<c.jaune>Le train part</c> à huit heures"),
            webvtt.Caption("00:00:09.100", "00:00:11.000", "et arrive à midi..."),
            webvtt.Caption("00:00:11.100", "00:00:12.000", "...je crois."),
            webvtt.Caption("00:00:12.500", "00:00:13.000", "<i>♪♪</i>"),
        ],
    )
    document.captions[3].comments = ["au milieu"]
    return document.content.encode("utf-8")


def test_vtt_cues_are_grouped_with_voice_and_classes_stripped() -> None:
    data = _vtt_bytes()
    assert b"NOTE Traduit" in data and b"STYLE" in data and b"intro\n" in data
    parsed = read_vtt(data)
    assert _segments(parsed) == [
        ("cue", "Bonjour à tous, je suis très contente d'être ici & là.", (1, 2)),
        ("cue", "Le train part à huit heures et arrive à midi... ...je crois.", (3, 4, 5)),
        ("cue", "♪♪", (6,)),
    ]


def test_vtt_crlf_and_bom_are_kept() -> None:
    data = codecs.BOM_UTF8 + _vtt_bytes().replace(b"\n", b"\r\n")
    parsed = read_vtt(data)
    assert [segment.cues for segment in parsed.segments] == [(1, 2), (3, 4, 5), (6,)]
    assert parsed.notes == ["removed byte order mark"]
    rebuilt = parsed.rebuild(_fake_english(parsed)).data
    assert rebuilt.startswith(codecs.BOM_UTF8 + b"WEBVTT - Sous-titres\r\n")
    assert b"\n" not in rebuilt.replace(b"\r\n", b"")
    assert len(webvtt.WebVTT.from_buffer(io.StringIO(rebuilt[3:].decode())).captions) == 6


def test_vtt_rebuild_keeps_header_notes_styles_identifiers_settings_and_voice() -> None:
    data = _vtt_bytes()
    parsed = read_vtt(data)
    english = [f"EN {i} <{segment.text.upper()}> & co" for i, segment in enumerate(parsed.segments)]
    rebuilt = parsed.rebuild(english)
    before = webvtt.WebVTT.from_buffer(io.StringIO(data.decode()))
    after = webvtt.WebVTT.from_buffer(io.StringIO(rebuilt.data.decode()))
    assert (after.header_text, after.header_comments, [s.text for s in after.styles]) == (
        "- Sous-titres",
        ["Traduit à la main"],
        ["::cue(.jaune) { color: yellow }"],
    )
    assert [(c.identifier, c.start, c.end, str(c.settings), c.comments) for c in after.captions] == [
        (c.identifier, c.start, c.end, str(c.settings), c.comments) for c in before.captions
    ]
    raw = [caption.raw_text for caption in after.captions]
    assert raw[0].startswith("<v Marie>") and raw[1].startswith("<v Marie>") and raw[1].endswith("</v>")
    assert raw[5] == "<i>♪♪</i>"
    assert all(text.strip() for text in raw)
    assert "&amp; co" in raw[1] and "&lt;" in raw[0]  # the English is escaped, never read as markup
    words = [_untagged(text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") for text in raw]
    assert _cue_words(words, parsed)[:2] == [text.split() for text in english[:2]]
    assert rebuilt.simplified == 1  # the <c.jaune> span inside cue 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"00:00:01.000 --> 00:00:02.000\nBonjour.\n", "not a WebVTT file: the first line must be 'WEBVTT'"),
        (
            b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nOui.\n\n00:00:99.000 --> xx\nMal.\n",
            "bad cue timing at line 6 ('00:00:99.000 --> xx')",
        ),
        (b"WEBVTT\n\nNOTE rien que des notes\n", "no subtitle cues found"),
        (b"", "no subtitle cues found: the file is empty"),
        ("Il était une fois un roi.\n".encode(), "not a WebVTT file"),
    ],
)
def test_vtt_bad_input_is_a_format_error(data: bytes, message: str) -> None:
    with pytest.raises(FormatError) as caught:
        read_vtt(data)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value) and ";" in str(caught.value)


# --- through the CLI --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def translated(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One run over an SRT and a VTT file."""
    files = {"film.srt": _srt_bytes(), "clip.vtt": _vtt_bytes()}
    return translate_files(tmp_path_factory.mktemp("subtitles"), files, tiny_model)


def _english_column(out_dir: Path, stem: str) -> list[str]:
    return [line.split("\t")[2] for line in lines(out_dir / f"{stem}.paragraphs.fr-en.tsv")[1:]]


def test_cli_translates_srt_keeping_every_cue(translated: Path) -> None:
    data = _srt_bytes()
    french = " ".join(line for line in lines(translated / "film.fr") if line)
    assert french == " ".join(text for _, text, _ in _segments(read_srt(data)) if text != "♪♪")
    assert "-->" not in french and "<i>" not in french
    before = list(srt.parse(data.decode()))
    after = list(srt.parse((translated / "film.en.srt").read_text(encoding="utf-8")))
    assert [(s.index, s.start, s.end) for s in after] == [(s.index, s.start, s.end) for s in before]
    assert after[5].content == "♪♪"
    english = _english_column(translated, "film")
    cue_text = [_untagged(s.content) for i, s in enumerate(after) if i != 5]
    assert " ".join(" ".join(cue_text).split()) == " ".join(" ".join(english).split())
    records = [json.loads(line) for line in lines(translated / "film.jsonl")]
    assert {record["segment"] for record in records} == {"cue"}
    assert sorted({cue for record in records for cue in record["cues"]}) == [1, 2, 3, 4, 5, 7, 8, 9]


def test_cli_translates_vtt_keeping_header_and_settings(translated: Path) -> None:
    after = webvtt.WebVTT.from_buffer(io.StringIO((translated / "clip.en.vtt").read_text(encoding="utf-8")))
    before = webvtt.WebVTT.from_buffer(io.StringIO(_vtt_bytes().decode()))
    assert [(c.identifier, c.start, c.end, str(c.settings)) for c in after.captions] == [
        (c.identifier, c.start, c.end, str(c.settings)) for c in before.captions
    ]
    assert after.header_comments == ["Traduit à la main"] and len(after.styles) == 1
    assert all(caption.raw_text.strip() for caption in after.captions)
    english = _english_column(translated, "clip")
    cue_text = [html.unescape(_untagged(c.raw_text)) for c in after.captions[:5]]
    assert " ".join(" ".join(cue_text).split()) == " ".join(" ".join(english).split())
    french = " ".join(line for line in lines(translated / "clip.fr") if line)
    assert french == " ".join(text for _, text, _ in _segments(read_vtt(_vtt_bytes())) if text != "♪♪")
    records = [json.loads(line) for line in lines(translated / "clip.jsonl")]
    assert {record["segment"] for record in records} == {"cue"}
    assert sorted({cue for record in records for cue in record["cues"]}) == [1, 2, 3, 4, 5]
