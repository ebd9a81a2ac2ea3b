"""person_name: names of persons in da/nb/nn/sv/en short texts. All names in the fixtures are invented."""

from __future__ import annotations

import time
from pathlib import Path
from types import ModuleType

import pytest

from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.names import OFFICIAL_SCORE, detect
from rettesnor.analysis.signals import SIGNAL_NAMES, Signal
from support.scriptload import load_script
from support.worstcase import GUARD_S

ROOT = Path(__file__).resolve().parents[2]
LEXICONS = ROOT / "src" / "rettesnor" / "lexicons"

DA = AnalysisContext(kind="comment", language="da", country="DK", organisation_names=("Hjørring Kommune",))
NB = AnalysisContext(kind="comment", language="nb", country="NO")
NN = AnalysisContext(kind="comment", language="nn", country="NO")
SV = AnalysisContext(kind="comment", language="sv", country="SE")
EN = AnalysisContext(kind="comment", language="en", country="DK")


def _names(text: str, ctx: AnalysisContext = DA, min_score: float = 0.5) -> list[str]:
    return [text[s.start : s.end] for s in detect(text, ctx) if s.score >= min_score]


def _one(text: str, ctx: AnalysisContext = DA) -> Signal:
    signals = list(detect(text, ctx))
    assert len(signals) == 1, [(text[s.start : s.end], s.score) for s in signals]
    return signals[0]


# --- positives -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ctx", "name"),
    [
        ("Min nabo Jens Pedersen larmer hver nat", DA, "Jens Pedersen"),
        ("Takk til Kari Nordmann i hjemmetjenesten", NB, "Kari Nordmann"),
        ("Eg vil takke Ingrid Haugland for god hjelp på sjukeheimen", NN, "Ingrid Haugland"),
        ("Handläggaren Kalle Svensson har inte svarat på mitt mejl", SV, "Kalle Svensson"),
        ("My neighbour Tom Jensen keeps parking on the pavement", EN, "Tom Jensen"),
        ("Jeg har talt med Birte Kjærsgaard om det i går", DA, "Birte Kjærsgaard"),
        ("Pædagogen Ulla Brandt-Mikkelsen sagde at vi skulle vente", DA, "Ulla Brandt-Mikkelsen"),
        ("Vi ringede til Søren Ravnholt, men han tog den ikke", DA, "Søren Ravnholt"),
        ("Er det Jens P. Hansen fra nr. 12?", DA, "Jens P. Hansen"),
        ("Hvorfor har Mette ikke fået svar?", DA, "Mette"),
    ],
)
def test_names_in_comments(text: str, ctx: AnalysisContext, name: str) -> None:
    assert name in _names(text, ctx)


def test_signal_shape_and_evidence() -> None:
    text = "Min nabo Jens Pedersen larmer hver nat"
    s = _one(text)
    assert s.name == "person_name" and s.name in SIGNAL_NAMES
    assert text[s.start : s.end] == "Jens Pedersen"
    assert s.detector == "names.gazetteer"
    assert 0.9 <= s.score <= 1.0
    assert s.evidence["pattern"] == "given+surname"
    assert "given_names" in s.evidence["gazetteer"] and "surnames" in s.evidence["gazetteer"]
    assert s.evidence["context"] == "min nabo"
    assert "Jens Pedersen" in s.evidence["explanation"]
    assert s.to_dict()["detector"] == "names.gazetteer"


@pytest.mark.parametrize(
    ("text", "ctx", "name", "cue"),
    [
        ("Naboen Xandro larmer hele natten", DA, "Xandro", "naboen"),
        ("Sagsbehandleren Qelyra har ikke svaret", DA, "Qelyra", "sagsbehandleren"),
        ("min saksbehandler Tjorvald svarer aldri", NB, "Tjorvald", "min saksbehandler"),
        ("Jag har mejlat handläggaren Ylvandra flera gånger", SV, "Ylvandra", "handläggaren"),
        ("Hr. Brumbæk klipper hæk kl. 6 om morgenen", DA, "Brumbæk", "hr"),
        ("Med venlig hilsen\nBirte Kjærsgaard", DA, "Birte Kjærsgaard", "med venlig hilsen"),
        ("Med vänlig hälsning\nAstrid Grönqvist", SV, "Astrid Grönqvist", "med vänlig hälsning"),
        ("Hej @Jens Pedersen, kan du se det her?", DA, "Jens Pedersen", "@"),
    ],
)
def test_context_cues(text: str, ctx: AnalysisContext, name: str, cue: str) -> None:
    s = _one(text, ctx)
    assert text[s.start : s.end] == name
    assert s.evidence["context"] == cue
    assert s.score >= 0.6


def test_unknown_word_after_a_cue_is_context_detector() -> None:
    s = _one("Naboen Xandro larmer hele natten")
    assert s.detector == "names.context"
    assert s.score == pytest.approx(0.75)


def test_names_in_lower_case_and_handles() -> None:
    assert "mette thomsen" in _names("tak til mette thomsen for hjælpen")
    assert "birgitte" in _names("hej birgitte, hvordan går det")
    assert _names("jeg så hans bil i går og per måned koster det meget") == []
    s = _one("@jens_p1987 har du set det?")
    assert s.evidence["pattern"] == "mention" and s.score == 0.5
    assert _names("Følg @Kommunen og @DRNyheder for nyt") == []


def test_handles_without_a_letter_are_no_names() -> None:
    # "@" before a number (a time, an amount, a version) is no account of a person; with no letter in
    # a text at all nothing in it can be a name, and the tagger is not run
    assert _names("Mødet er @14.30 (ring: 98 76 54 32) @2026") == []
    assert detect("@72825163 ) @9364 : 12/4 @007 -- @16.84", DA) == []
    assert detect(" @12 (3) +45 " * 2000, DA) == []
    assert [s.evidence["pattern"] for s in detect("@12 og @jens_p1987 kommer", DA)] == ["mention"]


# --- negatives -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Hjørring Kommune holder lukket i dag",
        "Vi glæder os til Kim Larsen-koncerten i parken",
        "Kim Larsen-koncert på torvet",
        "Så er der Kim Larsen-prisen igen",
        "Mandag holder vi lukket.",
        "Det er dejligt vejr. Vejret er godt! Husk solcreme.",
        "Følg os på Facebook og Instagram",
        "Hans bil blev fjernet i går.",
        "Per måned koster det 200 kr.",
        "Dag og nat larmer de.",
        "Jens Pedersen Skole holder åbent hus",
        "Anna Hansen-prisen uddeles i morgen",
        "Vi har lukket Hjørring kommune for i dag",
        "Mvh Borgerservice",
        "Kontakt Jobcentret eller Borgerservice",
        "Hundige Strandvej er lukket",
        "Processen er gået i stå. Indbydelsen kom for sent.",
        "Bor du i Danmark, Norge eller Sverige?",
        "HUSK AT STEMME I DAG",
        "I dag kommer DR og TV2 forbi",
        "Skriv til kommune@hjoring.dk",
    ],
)
def test_not_names(text: str) -> None:
    assert _names(text) == []


def test_organisation_names_of_the_context_are_not_persons() -> None:
    ctx = AnalysisContext(
        kind="comment", language="da", country="DK", organisation_names=("Karen Blixen Museet",)
    )
    assert _names("Besøg Karen Blixen i dag", ctx) == []
    assert _names("Besøg Karen Blixen i dag", DA) == ["Karen Blixen"]


# --- public officials ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ctx", "name", "title"),
    [
        ("Borgmester Arne Bjerregaard åbner den nye skole", DA, "Arne Bjerregaard", "borgmester"),
        ("Vi har talt med borgmester Arne Bjerregaard om sagen", DA, "Arne Bjerregaard", "borgmester"),
        ("Arne Bjerregaard, borgmester i byen, ønsker god sommer", DA, "Arne Bjerregaard", "borgmester"),
        ("Ordfører Kari Nordmann vil svare i morgen", NB, "Kari Nordmann", "ordfører"),
        ("Kommunstyrelsens ordförande Anna Berg inviterar", SV, "Anna Berg", "kommunstyrelsens ordförande"),
        ("Kommunalrådet Lars Lindqvist svarar", SV, "Lars Lindqvist", "kommunalrådet"),
        ("The mayor Jane Smith will attend", EN, "Jane Smith", "mayor"),
        ("Vi mødte S-borgmester Jens Hansen", DA, "Jens Hansen", "borgmester"),
        ("Beskæftigelsesminister Ole Dam kommer", DA, "Ole Dam", "beskæftigelsesminister"),
    ],
)
def test_public_officials_are_flagged_low(text: str, ctx: AnalysisContext, name: str, title: str) -> None:
    s = _one(text, ctx)
    assert text[s.start : s.end] == name
    assert s.score == OFFICIAL_SCORE == 0.5
    assert s.evidence["public_official"] is True
    assert s.evidence["title"] == title
    assert _names(text, ctx, min_score=0.6) == []  # a pack that ignores public officials


def test_private_person_next_to_an_official() -> None:
    text = "Borgmester Arne Bjerregaard har ikke svaret min nabo Jens Pedersen"
    signals = sorted(detect(text, DA), key=lambda s: s.start)
    assert [(text[s.start : s.end], s.evidence.get("public_official", False)) for s in signals] == [
        ("Arne Bjerregaard", True),
        ("Jens Pedersen", False),
    ]


# --- lists and build -------------------------------------------------------------------------------


def _lines(name: str) -> list[str]:
    text = (LEXICONS / f"names_{name}").read_text("utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def test_gazetteers_are_present_and_sized() -> None:
    assert len(_lines("given_names.txt")) > 500
    assert len(_lines("surnames.txt")) > 300
    assert len(_lines("given_names.train.txt")) > 300
    assert len(_lines("surnames.train.txt")) > 500
    assert len(_lines("stop_words.txt")) > 200
    assert len(_lines("titles.txt")) > 50
    for name in (
        "given_names.train.txt",
        "surnames.train.txt",
        "non_names.train.txt",
        "common_words.train.txt",
    ):
        assert (LEXICONS / f"names_{name}").read_text("utf-8").startswith("# GENERATED")


def test_stop_words_are_not_hand_written_given_names() -> None:
    given = {n.lower() for n in _lines("given_names.txt")}
    clash = {w.lower() for w in _lines("stop_words.txt")} & given
    assert clash <= {"august", "maj"}  # months that are also names: a surname must follow


def _builder() -> ModuleType:
    return load_script(ROOT / "scripts" / "build_name_gazetteer.py")


def test_builder_is_deterministic_and_splits_swedish_80_20() -> None:
    builder = _builder()
    held = [i for i in range(100) if builder.swedish_is_heldout(i)]
    assert len(held) == 20
    sentences = [
        [("Formanden", "O"), ("Torvald", "B-PER"), ("Brixe", "I-PER"), ("talte", "O"), (".", "O")],
        [("I", "O"), ("Brixe", "B-PER"), ("bor", "O"), ("i", "O"), ("Ydrup", "B-LOC"), (".", "O")],
        [("de", "O"), ("talte", "O"), ("de", "O"), ("talte", "O")],
    ]
    lists = builder.build(sentences)
    assert lists == builder.build(sentences)
    assert lists["given_names.train.txt"] == ["Torvald"]
    assert lists["surnames.train.txt"] == ["Brixe"]
    assert lists["non_names.train.txt"] == ["Ydrup"]
    assert lists["common_words.train.txt"] == ["de", "talte"]
    assert builder.swedish_to_bio([("Ada", "PER"), ("Lund", "PER"), ("sa", "0")]) == [
        ("Ada", "B-PER"),
        ("Lund", "I-PER"),
        ("sa", "O"),
    ]


# --- speed -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "unit",
    [
        "Min nabo Jens Pedersen larmer. Hilsen Kari Nordmann, Hjørring Kommune. ",
        "Jens\n",
        "Aa ",
        "A. ",
        "@Jens ",
        "mette thomsen ",
        "@jens_p ",
        "Det Er Mandag Facebook Google Apple ",
        "Xyzzy Qwert Zorp ",
        "Xyzzy ",
        "naboen Xyzzy, ",
        "Anne-Sofie Bech-Nielsen-koncert ",
        "Jens-",
        "a",
        "Ø",
    ],
)
def test_one_megabyte_is_bounded(unit: str) -> None:
    text = (unit * (1_000_000 // len(unit) + 1))[:1_000_000]
    t0 = time.perf_counter()
    signals = detect(text, DA)
    assert time.perf_counter() - t0 < GUARD_S
    assert len(signals) <= 1001
    assert all(s.name == "person_name" and 0.5 <= s.score <= 1.0 for s in signals)
