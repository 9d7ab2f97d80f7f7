"""The bilingual dictionary signal: reading FreeDict and TSV dictionaries, and what it changes."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from aligned import Bead, Lexicon, align
from aligned.cli import main
from aligned.lexicon import DictionaryError, words
from aligned.similarity import Weights

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _b64(value: int) -> str:
    digits = ""
    while True:
        digits = _B64[value % 64] + digits
        value //= 64
        if not value:
            return digits


def write_dictd(root: Path, name: str, entries: dict[str, str]) -> Path:
    """A dictd dictionary as FreeDict ships it: `name.index` + gzip'd `name.dict.dz`."""
    data, index, offset = b"", [], 0
    for headword, body in entries.items():
        raw = body.encode("utf-8")
        index.append(f"{headword}\t{_b64(offset)}\t{_b64(len(raw))}")
        data, offset = data + raw, offset + len(raw)
    (root / f"{name}.dict.dz").write_bytes(gzip.compress(data))
    path = root / f"{name}.index"
    path.write_text("\n".join(sorted(index)) + "\n", encoding="utf-8")
    return path


DEU_FRA = {
    "00-database-info": "00-database-info\nA test dictionary.\n",
    "Gipfel": "Gipfel /ˈɡɪpfl̩/ <n, masc>\n1. sommet, cime\nhöchster Punkt eines Berges\n2. apogée\nHöhepunkt\n",
    "gehen": "gehen /ˈɡeːən/ <v>\n1. aller, marcher 2.\nsich schreitend fortbewegen\n 3.\nfunktionieren\n",
    "rote Karte": "rote Karte <n, fem>\ncarton rouge\nim Fußball\n",
}
FRA_DEU = {"neige": "neige /nɛʒ/ <n, fem>\nSchnee\nniederschlag\n"}


def test_freedict_entries_give_translations_and_skip_glosses(tmp_path):
    write_dictd(tmp_path, "freedict-fra-deu", FRA_DEU)
    forward = write_dictd(tmp_path, "freedict-deu-fra", DEU_FRA)
    lexicon = Lexicon.freedict("de", "fr", root=tmp_path)
    assert len(lexicon) == 3  # gipfel, gehen, schnee
    assert lexicon.translations("gipfel") == {"somme", "cime", "apoge"}  # target words cut to 5 letters
    assert lexicon.translations("gehen") == {"aller", "march"}  # "2." sense references dropped
    assert lexicon.translations("schnee") == {"neige"}  # from the reverse dictionary
    assert "hochster" not in str(lexicon.table) and "punkt" not in lexicon.table  # glosses are not translations
    assert "rote" not in lexicon.table and "karte" not in lexicon.table  # multi-word headwords skipped
    assert not any(word.startswith("database") for word in lexicon.table)
    assert Lexicon.load(forward).translations("schnee") == frozenset()  # no reverse given


def test_inflected_source_words_found_by_prefix(tmp_path):
    tsv = tmp_path / "de-fr.tsv"
    tsv.write_text("Gletscher\tglacier\nHütte\tcabane\n", encoding="utf-8")
    lexicon = Lexicon.load(tsv)
    assert lexicon.translations("gletschern") == {"glaci"}
    assert lexicon.translations(words("Hütte")[0]) == {"caban"}
    assert lexicon.translations("brot") == frozenset()


def test_bags_match_translated_words_only(tmp_path):
    tsv = tmp_path / "de-fr.tsv"
    tsv.write_text("Gipfel\tsommet\nSchnee\tneige\nBrot\tpain\n", encoding="utf-8")
    lexicon = Lexicon.load(tsv)
    src = lexicon.source_bags(["Der Gipfel im Schnee.", "Das Brot."])
    tgt = Lexicon.target_bags(["Le sommet sous la neige.", "Le pain.", "Rien."])
    overlap = src @ tgt.T
    assert overlap[0, 0] == 2 and overlap[1, 1] == 1
    assert overlap[0, 1] == overlap[1, 0] == 0 and not overlap[:, 2].any()
    assert np.array_equal(src.sum(1), [2.0, 1.0])  # each known word weighs 1, spread over its translations


def test_dictionary_decides_when_it_is_the_only_signal(tmp_path):
    tsv = tmp_path / "de-fr.tsv"
    tsv.write_text("Gipfel\tsommet\nweiss\tblanc\nBrot\tpain\nassen\tmangeons\n", encoding="utf-8")
    src = ["Der Gipfel war weiss.", "Wir assen Brot."]
    tgt = ["Le sommet était blanc.", "Il pleuvait fort.", "Nous mangeons du pain."]
    only_dictionary = Weights(embedding=0.0, ngrams=0.0, lexicon=1.0, length=0.0, merge=-5.0, priors={})
    beads = align(src, tgt, src_lang="de", tgt_lang="fr", lexicon=Lexicon.load(tsv), weights=only_dictionary)
    assert [(b.src, b.tgt) for b in beads] == [((0,), (0,)), ((), (1,)), ((1,), (2,))]
    blind = align(src, tgt, src_lang="de", tgt_lang="fr", weights=only_dictionary)
    assert [(b.src, b.tgt) for b in blind] != [(b.src, b.tgt) for b in beads]


def test_real_text_with_a_dictionary_keeps_every_sentence(shared_data, tmp_path):
    lines = lambda name: (shared_data / "text-berg" / name).read_text(encoding="utf-8").splitlines()[:80]  # noqa: E731
    tsv = tmp_path / "de-fr.tsv"
    tsv.write_text("Berg\tmontagne\nGipfel\tsommet\nGletscher\tglacier\nHütte\tcabane\n", encoding="utf-8")
    src, tgt = lines("dev.de"), lines("dev.fr")
    beads = align(src, tgt, src_lang="de", tgt_lang="fr", lexicon=Lexicon.load(tsv))
    assert [i for b in beads for i in b.src] == list(range(len(src)))
    assert [j for b in beads for j in b.tgt] == list(range(len(tgt)))


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no such file"),
        (b"", "no translations found"),
        (b"\xff\xfe\x00binary", "not UTF-8"),
        (b"just words without tabs\n", "no translations found"),
    ],
)
def test_bad_dictionary_files_say_what_is_wrong(tmp_path, content, message):
    path = tmp_path / "dict.tsv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DictionaryError, match=message):
        Lexicon.load(path)


def test_missing_freedict_names_the_package_to_install(tmp_path):
    with pytest.raises(DictionaryError, match="apt-get install dict-freedict-deu-fra"):
        Lexicon.freedict("de", "fr", root=tmp_path)


def test_cli_dictionary_option(tmp_path, capsys):
    src, tgt, tsv = tmp_path / "de.txt", tmp_path / "fr.txt", tmp_path / "d.tsv"
    src.write_text("Der Gipfel war weiss.\nWir assen Brot.\n", encoding="utf-8")
    tgt.write_text("Le sommet était blanc.\nNous mangeons du pain.\n", encoding="utf-8")
    tsv.write_text("Gipfel\tsommet\nBrot\tpain\n", encoding="utf-8")
    common = [str(src), str(tgt), "--presplit", "--src-lang", "de", "--tgt-lang", "fr"]
    assert main(common + ["--dictionary", str(tsv)]) == 0
    assert [(b.src, b.tgt) for b in map(Bead.from_vecalign, capsys.readouterr().out.splitlines())] == [
        ((0,), (0,)),
        ((1,), (1,)),
    ]
    assert main(common + ["--dictionary", str(tmp_path / "missing.tsv")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing.tsv: no such file" in err
