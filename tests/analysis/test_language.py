"""Language identification: ``analyse`` (heliport, then the west Nordic model among da, nb and nn) and
``check``'s word-list detector, through the real ``check`` and ``check_many`` paths."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from rettesnor.analysis.language import (
    WEST,
    WestModel,
    detect_language,
    detect_languages,
    has_nynorsk_form,
    heliport_costs,
    identify,
    west_features,
)
from rettesnor.check import check, check_many
from rettesnor.item import Item
from rettesnor.policy.loader import load_pack

# Sentences written for this test (none of the training or evaluation sets).
CASES = [
    ("Eg meiner at kommunen ikkje har gjort noko med vegen sidan i fjor.", "nn"),
    ("Kvifor svarar de ikkje når me ringjer til skulen?", "nn"),
    ("Jeg mener at kommunen ikke har gjort noe med veien siden i fjor.", "nb"),
    ("Hvorfor svarer dere ikke når vi ringer til skolen?", "nb"),
    ("Jeg synes ikke at kommunen har gjort noget ved vejen siden sidste år.", "da"),
    ("Hvorfor svarer I ikke, når vi ringer til skolen?", "da"),
    ("Varför svarar ni inte när vi ringer till skolan?", "sv"),
    ("Why do you never answer when we call the school?", "en"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_identify_tells_the_five_apart(text: str, expected: str) -> None:
    lang, confidence = identify(text, "SE")  # another country's pack must not decide a whole sentence
    assert lang == expected
    assert 0.0 < confidence <= 1.0


def test_a_very_short_unclear_text_takes_the_countrys_language() -> None:
    assert identify("ok", "NO")[0] == "nb"
    assert identify("ok", "DK")[0] == "da"


def test_the_west_model_is_plain_json_over_the_three() -> None:
    doc = json.loads(files("rettesnor.models").joinpath("language.json").read_text(encoding="utf-8"))
    assert doc["format"] == "rettesnor.language-west/1"
    assert tuple(doc["classes"]) == WEST
    assert all(len(w) == len(WEST) for w in doc["weights"].values())


def test_the_west_model_reads_heliports_costs_and_the_words() -> None:
    text = "Eg veit ikkje kva dei har tenkt å gjere med skulen."
    features = west_features(text)
    assert {"h:da", "h:nb", "h:nn", "w:ikkje", "s:len"} <= set(features)
    costs = heliport_costs(text)
    model = WestModel(
        json.loads(files("rettesnor.models").joinpath("language.json").read_text(encoding="utf-8"))
    )
    lang, p = model.decide(west_features(text, costs))
    assert lang == "nn"
    assert p > 0.5


def test_the_country_settles_a_sentence_valid_in_danish_and_bokmal() -> None:
    text = "Det var en fin dag i parken."  # written for this test; the same words in both
    assert identify(text, "NO")[0] == "nb"
    assert identify(text, "DK")[0] == "da"


def test_a_clear_sentence_is_not_pulled_to_the_countrys_language() -> None:
    assert identify("Eg veit ikkje kva dei har tenkt å gjere med skulen.", "DK")[0] == "nn"
    assert identify("Jeg synes ikke at kommunen har gjort noget ved vejen.", "NO")[0] == "da"


def test_a_nynorsk_form_of_the_dictionary_tips_a_sentence_to_nynorsk() -> None:
    # written for this test: bokmål-looking words and a name, and one nynorsk form ("hovudkontoret")
    text = "Møtet med Naturvernforbundet er flytta til hovudkontoret i Oslo."
    assert has_nynorsk_form(text)
    assert identify(text, "NO")[0] == "nn"
    assert identify(text, None)[0] == "nn"
    # the same sentence in bokmål has no such form and stays bokmål
    bokmal = "Møtet med Naturvernforbundet er flyttet til hovedkontoret i Oslo."
    assert not has_nynorsk_form(bokmal)
    assert identify(bokmal, "NO")[0] == "nb"
    # only words written in lower case count: a capitalised name that is a nynorsk form does not
    assert has_nynorsk_form("Det er hovudkontoret.") and not has_nynorsk_form("Det er Hovudkontoret.")


# Written for this test: nynorsk, and dialect comments written the nynorsk way ("æ", "ka", "dokker").
NYNORSK = [
    "Eg har venta i tre veker på svar frå kommunen om søknaden min.",
    "Kvifor er ikkje vegen brøyta enno? Bussen kjem seg ikkje fram.",
    "Dei burde heller bruke pengane på skulen enn på eit nytt rådhus.",
    "Æ skjønne ikkje ka dokker held på med, vegen har vore stengd i to veker no.",
    "Ka i all verda tenkjer dokker på? Ungane må gå langs riksvegen heile vinteren.",
    "Det er berre tull, eg trur ikkje på eit ord av det ordføraren seier.",
]
# Bokmål that a Swedish pack read as Danish or Swedish before the learnt words and the spelling rule.
BOKMAL = [
    "Hvorfor er ikke veien brøytet ennå? Bussen kommer seg ikke fram.",
    "Det er helt uakseptabelt at det tar så lang tid å få svar.",
    "Hvem har ansvaret for at lysene i tunnelen fortsatt ikke virker?",
    "Vi har ikke fått svar",
]


@pytest.mark.parametrize("pack", ["dk-hjorring", "se-norsjo", "no-hustadvika"])
def test_check_reads_nynorsk_and_dialect_comments_under_any_pack(pack: str) -> None:
    loaded = load_pack(pack)
    items = [Item(text=t, kind="comment") for t in NYNORSK]
    assert [check(item, loaded).language for item in items] == ["nn"] * len(NYNORSK)
    assert [r.language for r in check_many(items, loaded)] == ["nn"] * len(NYNORSK)


@pytest.mark.parametrize("pack", ["se-norsjo", "no-hustadvika"])
def test_check_reads_bokmal_under_a_swedish_pack(pack: str) -> None:
    loaded = load_pack(pack)
    items = [Item(text=t, kind="comment") for t in BOKMAL]
    assert [check(item, loaded).language for item in items] == ["nb"] * len(BOKMAL)
    assert [r.language for r in check_many(items, loaded)] == ["nb"] * len(BOKMAL)


def test_spelling_breaks_a_danish_bokmal_tie_only_away_from_their_own_packs() -> None:
    # "Jeg har ikke … om det" is Danish and bokmål alike; "-sjon" is Norwegian, "-tion" Danish (a rare
    # word: the common "informasjon" is a dictionary word of Norwegian and no tie)
    assert detect_language("Jeg har ikke reservasjon om det", "SE") == "nb"
    assert detect_language("Jeg har ikke reservation om det", "SE") == "da"
    # under a Danish or Norwegian pack the country's language keeps its ties
    assert detect_language("Jeg har ikke reservasjon om det", "DK") == "da"
    assert detect_language("Jeg har ikke reservation om det", "NO") == "nb"


# Written for this test: Danish that a Norwegian pack read as bokmål, and bokmål that a Danish or
# Swedish pack read as Danish, before the dictionary words ("urimeligt", "søen" / "sjøen", "informasjon").
DANISH_UNDER_NO = [
    "Det er helt urimeligt at borgerne skal vente så længe.",
    "Hvorfor er der ingen lys på stien ved søen?",
]
BOKMAL_UNDER_DK = ["Hvorfor er det ingen lys på stien ved sjøen?", "Jeg har ikke informasjon om det"]


def test_dictionary_words_tell_danish_from_norwegian_under_the_other_countrys_pack() -> None:
    for country in ("NO", "SE"):
        assert [detect_language(t, country) for t in DANISH_UNDER_NO] == ["da", "da"]
        assert detect_languages(DANISH_UNDER_NO, country) == ["da", "da"]
    for country in ("DK", "SE"):
        assert [detect_language(t, country) for t in BOKMAL_UNDER_DK] == ["nb", "nb"]
        assert detect_languages(BOKMAL_UNDER_DK, country) == ["nb", "nb"]


# Written for this test: nynorsk without its commonest words ("ikkje", "eg", "frå"), which a Norwegian
# pack read as bokmål before the dictionary's nynorsk forms ("gløymt", "framleis", "øydelagde").
NYNORSK_FORMS = [
    "Kommunen har gløymt å måke fortauet framfor barnehagen.",
    "Søppeldunkane står framleis fulle i gata vår.",
    "Lysa langs turstien er øydelagde.",
]


def test_nynorsk_forms_of_the_dictionary_are_read_as_nynorsk() -> None:
    for country in ("NO", "DK", "SE"):
        assert [detect_language(t, country) for t in NYNORSK_FORMS] == ["nn"] * len(NYNORSK_FORMS)
        assert detect_languages(NYNORSK_FORMS, country) == ["nn"] * len(NYNORSK_FORMS)


def test_the_dictionary_words_leave_telling_words_as_they_are() -> None:
    doc = json.loads(files("rettesnor.models").joinpath("language_words.json").read_text(encoding="utf-8"))
    dictionary = doc["dictionary"]
    assert set(dictionary) == {"da", "no", "nn"} and min(len(ws) for ws in dictionary.values()) > 1000
    assert "urimeligt" in dictionary["da"] and "sjøen" in dictionary["no"]
    assert not set(dictionary["da"]) & set(dictionary["no"])
    assert not set(dictionary["nn"]) & (set(dictionary["da"]) | set(dictionary["no"]))
    # the dictionary's names are left out
    assert "gløymt" in dictionary["nn"] and "olav" not in dictionary["nn"]
    # "ei" is nynorsk and bokmål alike; as a learnt nynorsk word it is not made a dictionary word of both
    assert "ei" not in dictionary["no"]
    learnt = {w for ws in doc["words"].values() for w in ws}
    assert not (set(dictionary["da"]) | set(dictionary["no"])) & learnt


def test_batch_detection_agrees_with_one_text_at_a_time() -> None:
    texts = [
        *NYNORSK,
        *BOKMAL,
        *DANISH_UNDER_NO,
        "Jeg har ikke reservasjon om det",
        "Blåbærsyltetøj",
        "Är",
        "å",
    ]
    for country in ("DK", "NO", "SE"):
        assert detect_languages(texts, country) == [detect_language(t, country) for t in texts]


def test_the_learnt_words_are_plain_json_without_names() -> None:
    doc = json.loads(files("rettesnor.models").joinpath("language_words.json").read_text(encoding="utf-8"))
    assert doc["format"] == "rettesnor.language-words/1"
    assert set(doc["words"]) == {"da", "nb", "nn", "sv", "no"}
    words = [w for ws in doc["words"].values() for w in ws]
    assert all(w == w.lower() for w in words)
    assert "å" in doc["words"]["no"]  # the infinitive marker of both written standards
