"""person_name, what the learned tagger adds to the rules before it (issue 16): one-word names after a
verb of saying, names after a public-office title written in lower case, names written in lower case in
informal comments, names in the genitive; and how the model file is built. Every sentence and name here
is invented for these tests; none is taken from the training data."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from rettesnor.analysis import names
from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.names import OFFICIAL_SCORE, detect
from support.scriptload import load_script

ROOT = Path(__file__).resolve().parents[2]

DA = AnalysisContext(kind="comment", language="da", country="DK")
NB = AnalysisContext(kind="comment", language="nb", country="NO")
NN = AnalysisContext(kind="comment", language="nn", country="NO")
SV = AnalysisContext(kind="comment", language="sv", country="SE")


def _found(text: str, ctx: AnalysisContext, min_score: float = 0.5) -> list[str]:
    return [text[s.start : s.end] for s in detect(text, ctx) if s.score >= min_score]


@pytest.mark.parametrize(
    ("text", "ctx", "name"),
    [
        ("- Vi venter stadig på et svar, sagde Vibeke til avisen.", DA, "Vibeke"),
        ("- Det er ikke godt nok, siger Torbjørn, der bor på vejen.", DA, "Torbjørn"),
        ("- Vi har ventet i to år, sa Solfrid på møtet i går.", NB, "Solfrid"),  # missed before 2026-12-04
        ("- Vegen er for smal for bussen, seier Gunnhild.", NN, "Gunnhild"),
        ("– Vi fick inget besked alls, sade Ingegerd efter mötet.", SV, "Ingegerd"),
    ],
)
def test_one_word_name_after_a_verb_of_saying(text: str, ctx: AnalysisContext, name: str) -> None:
    assert name in _found(text, ctx, min_score=0.6)  # a private person: the full score


@pytest.mark.parametrize(
    ("text", "ctx", "name", "title"),
    [
        (
            "I går besøgte kulturminister Helle Vestergaard biblioteket",
            DA,
            "Helle Vestergaard",
            "kulturminister",
        ),
        ("Det svarer borgmester Klaus Hjortdal ikke på", DA, "Klaus Hjortdal", "borgmester"),
        ("Møtet ble ledet av ordfører Trond Isaksen i fjor", NB, "Trond Isaksen", "ordfører"),
        (
            "Brevet gick till kommunalrådet Birgitta Holmqvist förra veckan",
            SV,
            "Birgitta Holmqvist",
            "kommunalrådet",
        ),
    ],
)
def test_name_after_a_lower_case_title_is_an_official(
    text: str, ctx: AnalysisContext, name: str, title: str
) -> None:
    signals = [s for s in detect(text, ctx) if text[s.start : s.end] == name]
    assert len(signals) == 1, [(text[s.start : s.end], s.score) for s in detect(text, ctx)]
    assert signals[0].score == OFFICIAL_SCORE
    assert signals[0].evidence["title"] == title
    assert name not in _found(text, ctx, min_score=0.6)  # public officials keep their lower score


@pytest.mark.parametrize(
    ("text", "ctx", "name"),
    [
        ("hej karoline, har du fået svar fra kommunen?", DA, "karoline"),
        ("tak til morten for hjælpen med ansøgningen", DA, "morten"),  # a known miss until stop 24
        ("jeg talte med mads jørgensen om hegnet i går", DA, "mads jørgensen"),
        ("snakket med sigrid i dag, hun var helt enig", NB, "sigrid"),
        ("hej annika! tack för hjälpen igår", SV, "annika"),
    ],
)
def test_lower_case_names_in_informal_comments(text: str, ctx: AnalysisContext, name: str) -> None:
    assert name in _found(text, ctx)


@pytest.mark.parametrize(
    "text",
    [
        "hej med dig, har I fået svar fra kommunen?",
        "tak for hjælpen med ansøgningen i går",
        "vi snakket om det i dag og var helt enige",
    ],
)
def test_lower_case_comments_without_names(text: str) -> None:
    assert _found(text, DA) == []


@pytest.mark.parametrize(
    ("word", "candidate"),
    [
        ("anne-sofie", True),  # "sofie" is a frequent word, but a listed name
        ("Schaumburg-muller", True),  # "muller": a surname of the wide lists
        ("Larsen-koncerten", False),  # about a name, not a name
        ("Jensen-sagen", False),
    ],
)
def test_hyphenated_words_ending_in_a_name_are_candidates(word: str, candidate: bool) -> None:
    m = names.model()
    assert names.is_candidate(word, None, m.freq, m.wide) is candidate


def test_hyphenated_given_name_in_lower_case() -> None:
    assert "anne-sofie" in _found("hej anne-sofie, tak for hjælpen i går", DA)


def test_name_in_the_genitive() -> None:
    assert "Hvidbergs" in _found("Vi har læst Hvidbergs forslag om cykelstien", DA)


# --- the model file and its training script ---------------------------------------------------------


def _trainer() -> ModuleType:
    return load_script(ROOT / "scripts" / "train_names.py")


def test_shipped_model_carries_its_threshold_lists_and_cv_figures() -> None:
    m = names.model()
    assert min(_trainer().THRESHOLDS) <= m.threshold <= max(_trainer().THRESHOLDS)
    assert m.threshold == m.info["threshold"]
    assert m.wide.get("garcía", 0) & names.WIDE_SURNAME
    assert m.wide.get("pedro", 0) & names.WIDE_GIVEN
    cv = m.info["cross_validation"]
    for key in ("da_news", "da_twitter", "da_arto", "sv", "nb", "nn"):
        assert {"precision", "recall", "f1"} <= set(cv[key]["all_signals"])


def test_training_sentences_count_informal_sets_and_add_lower_cased_copies() -> None:
    tn = _trainer()
    news = [[("Ada", "B-PER"), ("Lund", "I-PER"), ("talte", "O")]] * 2
    tweets = [[("Hej", "O"), ("Bo", "B-PER")]]
    out = tn.training_sentences({"da_news": news, "da_twitter": tweets})
    base = len(news) + tn.INFORMAL_COPIES * len(tweets)
    n_lower = len(range(2, base, tn.LOWER_EVERY))
    n_synth = len(range(tn.SYNTH_EVERY - 1, len(news), tn.SYNTH_EVERY)) if tn.SYNTH_EVERY else 0
    n_comments = len(tn.comment_sentences())  # the synthetic comments (none where SYNTH_COMMENTS is 0)
    assert len(out) == base + n_lower + n_synth + n_comments  # informal copies of the edited sets only
    assert Counter(tuple(s) for s in out)[tuple(tweets[0])] == tn.INFORMAL_COPIES
    lowered = out[base : base + n_lower]
    assert all(t == t.lower() for s in lowered for t, _ in s)
    assert [tag for s in lowered for _, tag in s] == [tag for s in out[2:base:3] for _, tag in s]


def test_informal_copies_keep_the_labels_and_are_deterministic() -> None:
    import random

    tn = _trainer()
    sentence = [("Borgmester", "O"), ("Ada", "B-PER"), ("Lund", "I-PER"), ("talte", "O"), ("i", "O")]
    sentence += [("Hjørring", "O"), (".", "O")]
    copies = [tn.informal_copy(sentence, random.Random(f"t:{i}")) for i in range(200)]
    assert copies == [tn.informal_copy(sentence, random.Random(f"t:{i}")) for i in range(200)]
    for copy in copies:
        names_ = [t for t, tag in copy if tag != "O"]
        assert [tag for t, tag in copy if tag != "O"] == ["B-PER", "I-PER"][: len(names_)]
        assert names_ and all(t.lower() not in ("borgmester", "talte", "hjørring", ".") for t in names_)
        assert [t.lower() for t, tag in copy if tag == "O" and t[0] not in "@.😂🙄👍❤😡🤔😊🙏"] == [
            "borgmester",
            "talte",
            "i",
            "hjørring",
        ]
    assert any(len([t for t, tag in c if tag != "O"]) == 1 for c in copies) == (tn.SYNTH_SURNAME > 0)
    assert any(c[-1][0] != "." for c in copies) and any(c[0][0] == "borgmester" for c in copies)


def test_synthetic_comments_are_deterministic_labelled_and_apart_from_the_probe() -> None:
    import re

    tn = _trainer()
    out = tn.comment_sentences(56)
    assert out == tn.comment_sentences(56) and len(out) == 56 * len(tn.COMMENT_FRAMES)
    assert tn.comment_sentences(0) == []
    probe = (ROOT / "bench" / "names_given_probe.py").read_text("utf-8")
    probe_names = set(re.search(r'GIVEN = """(.*?)"""', probe, re.S).group(1).lower().split())  # type: ignore[union-attr]
    persons = 0
    for sentence in out:
        tags = [tag for _, tag in sentence]
        assert all(tag in ("O", "B-PER", "I-PER") for tag in tags)
        assert all(b != "I-PER" or a != "O" for a, b in zip(["O", *tags], tags, strict=False))
        spans = [t.lower() for t, tag in sentence if tag == "B-PER"]
        persons += len(spans)
        assert not probe_names & set(spans)  # the probe's 59 names are never drawn
    # look-alikes in the same frames: a municipality or a place after "til"/"till", labelled no person
    look_alikes = [s for s in out if any(t in ("Kommune", "kommune", "kommun") for t, _ in s)]
    assert look_alikes and all(tag == "O" for s in look_alikes for t, tag in s if t[:1].isupper())
    assert persons > len(out) // 2
    frames = [f for fs in tn.COMMENT_FRAMES.values() for f in fs]
    ours = [set(re.findall(r"\w+", f.lower())) - {"x", "p", "m"} for f in frames]
    for probe_frame in re.findall(r'"([^"]*\{\}[^"]*)"', probe):  # none of the probe's frames is ours
        assert set(re.findall(r"\w+", probe_frame.lower())) not in ours


@pytest.mark.parametrize(
    ("text", "handle"),
    [
        ("Godt sagt, @torbenlykke, helt enig", "@torbenlykke"),
        ("Spørg @realMortenHolm om det", "@realMortenHolm"),
        ("Tak @ingrid_s82 for svaret", "@ingrid_s82"),
    ],
)
def test_handles_with_a_given_name_are_mentions(text: str, handle: str) -> None:
    mentions = [s for s in detect(text, DA) if text[s.start : s.end].lstrip("@") in handle]
    assert mentions, [(text[s.start : s.end], s.score) for s in detect(text, DA)]
    assert all(s.score == 0.5 for s in mentions)


@pytest.mark.parametrize("text", ["Skriv til @Kommunen eller @Borgerservice", "Læs mere hos @DRNyheder"])
def test_handles_of_bodies_are_no_persons(text: str) -> None:
    assert _found(text, DA) == []


@pytest.mark.parametrize(
    "text",
    [
        "Send søknaden til postmottak@hustadvika.kommune.no innen fredag.",
        "Skriv til borgerservice@hjorring.dk eller ring.",
        "Mail til kontakt+presse@annasen.dk",
    ],
)
def test_the_domain_of_an_e_mail_address_is_no_mention(text: str) -> None:
    """Found as a user (2026-12-05): the domain after an address's "@" was read as a handle, so an
    official post with the municipality's address named a person. The address is the e-mail signal's."""
    at = text.index("@")
    assert [s for s in detect(text, DA) if s.start <= at < s.end or s.start == at + 1] == []
    mention = f"Tak {text[at:].split()[0].rstrip('.')}"  # the same word as a mention after a space
    assert [s.evidence["pattern"] for s in detect(mention, DA)] in ([], ["mention"])


# A given name alone, thanked in a comment: the commonest way a municipal page names a person. Written on
# 2026-12-04 (stop 24) after the synthetic comment sentences were chosen and before this model was run on
# them; none is a frame of `bench/names_given_probe.py` or of `train_names.COMMENT_FRAMES`. The model before
# them found four of the seven (the nb "Ingrid", "Håkon" and sv "Birgitta" were missed).
@pytest.mark.parametrize(
    ("text", "ctx", "name"),
    [
        ("Stor tak til Birthe for hjælpen med min ansøgning i sidste uge.", DA, "Birthe"),
        ("Vi vil gerne takke Lone for hendes store indsats i børnehaven.", DA, "Lone"),
        ("Takk til Ingrid for god hjelp med søknaden.", NB, "Ingrid"),
        ("Tusen takk til Håkon for at han ordnet brøytingen så raskt.", NB, "Håkon"),
        ("Takk til Kari for hjelpa med søknaden.", NB, "Kari"),
        ("Tack till Birgitta för all hjälp med ansökan.", SV, "Birgitta"),
        ("Stort tack till Stina för en fin kväll på biblioteket.", SV, "Stina"),
    ],
)
def test_a_given_name_thanked_alone_is_a_name(text: str, ctx: AnalysisContext, name: str) -> None:
    assert name in _found(text, ctx)
