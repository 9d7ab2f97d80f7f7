"""Abbreviation lists for the rule-based sentence splitter (see aligned/splitter.py).

NEVER_FINAL holds abbreviations that practically never end a sentence: a period after them is
no boundary even before a capital ("M. Dupont", "Dr. Ur", "cf. Martin", "vgl. Kap. 3").
Abbreviations that often *do* end a sentence ("etc.", "Inc.", "Jr.", "J.-C.", "a.m.") are left
out on purpose: before a capital they are taken as the end of the sentence, which is right far
more often than not ("… en 44 av. J.-C. Les Romains …").

After an initial or a short dotted abbreviation ("J.", "U.S.", "p.m.", "J.-C.") a capital is
ambiguous ("J. Dupont", "the U.S. Senate" against "… in the U.S. The …"): there a sentence ends
only when the next word is one of the common SENTENCE_STARTERS of the language, minus the
NAME_PARTICLES that also start surnames ("J.-M. Le Pen").

BEFORE_NUMBER holds words that are abbreviations only in front of a number ("No. 5", but
"I said no. Then …").

Entries are written without the final period, as they appear in running text, and match
case-sensitively; a capitalised variant is added so sentence-initial forms ("Cf.", "Vgl.")
match too.
"""

from __future__ import annotations

_COMMON = """
    Dr Drs Prof St vs cf e.g i.e ca fig figs vol vols pp p
"""

_FRENCH = """
    M MM Mme Mmes Mlle Mlles Me Mgr Pr Ste Sts
    av apr art chap ex env éd coll réf suiv sq op cit t tél boul bd ann resp
    c.-à-d c-à-d p.ex N.B
"""

_ENGLISH = """
    Mr Mrs Ms Messrs Mmes Mt Ft Gen Col Lt Sgt Capt Cmdr Maj Adm Gov Sen Rep Rev Hon Pres
    Supt Insp Det approx viz chap ch art eds
    Jan Feb Aug Sept Oct Nov Dec
"""

_GERMAN = """
    Hr Hrn Fr bzw vgl Nr sog ggf evtl inkl zzgl gem Abs Bd Bde Jh Jhd Mio Mrd Tsd Str
    geb gest Hg Hrsg Dipl Ing Dir Präs Kt allg bes ev kath
    z u d o v ü s
    Jan Febr Aug Sept Okt Nov Dez
    z.B d.h u.a o.ä s.o s.u
"""

_BEFORE_NUMBER = "No Nos no nos Nr nr n Art art Sec sec Tel tel Std Min"


_STARTERS = {
    "fr": """
        Le La Les L' Un Une Des Du De Il Elle Ils Elles On Ce Cet Cette Ces C' Ceci Cela Je J'
        Nous Vous Sa Son Ses Leur Leurs Mais Et Or Donc Pour Par Dans En Au Aux À Selon Après
        Avant Depuis Lors Quand Si Alors Pourtant Cependant Ainsi Enfin Puis Qu' D' S' N'
    """,
    "en": """
        The An He She It They We You This That These Those There Here His Her Its Their Our My
        In On At By For From With After Before During When While If As But And So Yet However
        According Some Many Most All No Yes Other Another Meanwhile Then Today Yesterday
    """,
    "de": """
        Der Die Das Den Dem Des Ein Eine Einen Er Sie Es Wir Ihr Ich Man Dies Diese Dieser Im
        In Am Auf Aus Bei Mit Nach Vor Von Zu Zum Zur Als Wenn Dann Doch Aber Und So Auch
    """,
}

_NAME_PARTICLES = "Le La De Du Da Di Del Van Von Mac"


def _words(*blocks: str) -> frozenset[str]:
    words = {w for block in blocks for w in block.split()}
    return frozenset(words | {w[:1].upper() + w[1:] for w in words})


NEVER_FINAL: dict[str, frozenset[str]] = {
    "fr": _words(_COMMON, _FRENCH),
    "en": _words(_COMMON, _ENGLISH),
    "de": _words(_COMMON, _GERMAN),
    "": _words(_COMMON),
}

BEFORE_NUMBER: frozenset[str] = frozenset(_BEFORE_NUMBER.split())

SENTENCE_STARTERS: dict[str, frozenset[str]] = {
    lang: frozenset(_STARTERS.get(lang, "").split()) - frozenset(_NAME_PARTICLES.split()) for lang in NEVER_FINAL
}
