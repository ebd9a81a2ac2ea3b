"""Language identification of ``analyse``: heliport, then the west Nordic model among da, nb and nn."""

from __future__ import annotations

import json
from importlib.resources import files

import pytest

from rettesnor.analysis.language import WEST, WestModel, heliport_costs, identify, west_features

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
