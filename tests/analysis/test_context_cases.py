"""Fresh context cases (``tests/analysis/data/context_cases.jsonl``), run as their users run them: case
numbers of the three countries, whose phone number or e-mail it is, Norwegian account numbers with a valid
and an invalid MOD11, identity numbers with other dashes and spaces, Nynorsk and dialect complaint and
case-question words, inflected special-category words, English under a Danish pack, and harmless
look-alikes of each.

Every case goes through the Python API (``analyse_text`` and ``check`` with its pack); a few go through
``rettesnor analyse --jsonl`` and ``rettesnor check --jsonl`` as processes and ``POST /api/v1/analyse``.
The cases were written before they were first run (a development set: ``bench/context_cases.py`` gives
the figure, docs/evaluation.md "Identifiers in context"). All names, numbers and addresses are invented.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rettesnor.analyse import analyse_text
from rettesnor.check import check
from rettesnor.item import Item
from rettesnor.policy.loader import load_pack
from support.scriptload import load_script
from support.webapp import TestClient, api_token, demo_engine, make_app

cases_mod = load_script(Path(__file__).resolve().parents[2] / "bench" / "context_cases.py")
# the two batches the fixes were chosen on, the 26 cases written after them (fixed after they were
# scored: docs/evaluation.md), and the third round of 104 (context_cases_3.jsonl: threats, mentioned
# words, harm look-alikes, with a topic each; fixed after they were scored too)
CASES: list[dict[str, Any]] = (
    cases_mod.load_cases() + cases_mod.load_cases(cases_mod.FRESH) + cases_mod.load_cases(cases_mod.THIRD)
)
BY_ID = {c["id"]: c for c in CASES}


def _param(case: dict[str, Any]) -> Any:
    """A case; one whose gap is a model's ("expected_miss": why) is expected to fail, strictly, so that the
    day the model finds it the data says so."""
    if case.get("expected_miss"):
        return pytest.param(
            case, id=case["id"], marks=pytest.mark.xfail(reason=case["expected_miss"], strict=True)
        )
    return pytest.param(case, id=case["id"])


# Cases whose expectations main (ed138c9) did not meet, one of each kind of gap, and a look-alike and a
# finding of each pack: these also run through the CLI processes and the HTTP API.
THROUGH_THE_CLI = (
    "nn-03",  # "Saksnummeret er 25/00871": definite label, linking verb
    "en-14",  # "Reference number 2025/1234"
    "sv-16",  # "Er beteckning KS 2025/123"
    "sv-18",  # "Diarienummer: KS.2025.0412"
    "nb-16",  # "Arkivsaksnr. 24/1234"
    "da-22",  # "CPR: 120388 - 1237"
    "nb-20",  # "KID-nummer 15032745188" is no account
    "nb-15",  # "Hvorfor har dere ikke svart på klagen min?"
    "nn-23",  # "eg klagar no"
    "nn-21",  # "psykiske lidingar"
    "da-04",  # a person's phone and free-mail address in an official post: findings
    "sv-05",  # the municipality's switchboard and address: no finding
    "nb-08",  # an account number whose MOD11 fails
    # the third round (context_cases_3.jsonl), one of each gap main (b065ff7) had
    "da-u02",  # "Jeg ved godt hvor du bor": an adverb in the phrase
    "nb-u02",  # "Noen burde gi den saksbehandleren … juling": a beating wished on anyone
    "en-u03",  # "… Last warning."
    "da-v01",  # "Nogen burde banke borgmesteren"
    "sv-u06",  # 'Ordet "idiot" används …': a mentioned word is no insult
    "nb-v06",  # "ble kalt «hore»": nor hate
    "nn-v02",  # "Når kjem det svar på byggjesøknaden min?"
    "en-v04",  # "Why haven't I had a reply to my planning application yet?"
)


def _misses(case: dict[str, Any], analysis: dict[str, Any], result: dict[str, Any]) -> list[str]:
    return [what for what, ok in cases_mod.expectations(case, analysis, result) if not ok]


@pytest.fixture(scope="module")
def packs() -> dict[str, Any]:
    return {name: load_pack(name) for name in {c["pack"] for c in CASES}}


def test_the_cases_cover_each_language_and_kind_of_expectation() -> None:
    per_language = {
        lang: sum(c["id"].startswith(lang) for c in CASES) for lang in ("da", "nb", "nn", "sv", "en")
    }
    assert min(per_language.values()) >= 15, per_language
    assert all(any(c[k] for k in ("signals", "absent", "findings", "no_findings", "language")) for c in CASES)
    assert sum(bool(c["absent"]) for c in CASES) >= 15  # look-alikes
    assert len(BY_ID) == len(CASES)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_case_through_the_python_api(case: dict[str, Any], packs: dict[str, Any]) -> None:
    analysis = analyse_text(case["text"], case["kind"], country=cases_mod.country(case)).to_dict()
    result = check(Item(case["text"], case["kind"], id=case["id"]), packs[case["pack"]]).to_dict()
    assert not _misses(case, analysis, result), (case["text"], analysis["signals"], result["findings"])


def test_cases_through_the_cli_as_processes() -> None:
    chosen = [BY_ID[i] for i in THROUGH_THE_CLI]
    analyses = cases_mod.analyses_cli(chosen)
    results = cases_mod.checks_cli(chosen)
    assert set(analyses) == set(results) == set(THROUGH_THE_CLI)
    misses = {c["id"]: _misses(c, analyses[c["id"]], results[c["id"]]) for c in chosen}
    assert not any(misses.values()), misses
    # the same signals as the Python API, as the integrator's contract promises
    for c in chosen:
        api = analyse_text(c["text"], c["kind"], country=cases_mod.country(c), id=c["id"]).to_dict()
        assert analyses[c["id"]] == api


def test_cases_through_the_http_api() -> None:
    client = TestClient(make_app())
    auth = {"Authorization": f"Bearer {api_token(demo_engine(), 'hjorring')}"}
    for case_id in THROUGH_THE_CLI:
        c = BY_ID[case_id]
        body = {"text": c["text"], "kind": c["kind"], "country": cases_mod.country(c)}
        r = client.post("/api/v1/analyse", json=body, headers=auth)
        assert r.status_code == 200, r.text
        expected = analyse_text(c["text"], c["kind"], country=cases_mod.country(c)).to_dict()
        assert r.json() == expected
        signals = {s["category"] for s in r.json()["signals"]}
        assert {cat for cat, _ in c["signals"]} <= signals and not signals & set(c["absent"])


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Mit sagsnummer er 24/12345", "24/12345"),  # main gave 'er 24/12345'
        ("Vårt diarienummer är 2024.0318", "2024.0318"),
        ("Our reference number is 24/5566", "24/5566"),
        ("Ref. no. 2025/1234", "2025/1234"),
        ("Referansenummer 25/00123-4", "25/00123-4"),
        ("Ärendenumret är KS 2025/123", "KS 2025/123"),
        ("arkivsak-id 2024/555", "2024/555"),
        ("Vår referens 2025/88", "2025/88"),  # main read "referens" as "referense"
        ("Min referens: KS 2025/88", "KS 2025/88"),
        ("My reference is 25/04417, could you check?", "25/04417"),
    ],
)
def test_case_number_span_is_the_value(text: str, value: str) -> None:
    found = [s for s in analyse_text(text).to_dict()["signals"] if s["category"] == "case_number"]
    assert [s["text"] for s in found] == [value]


@pytest.mark.parametrize(
    "text",
    [
        "Det er ref. 12 år siden",  # "er" is a verb in Danish and Norwegian, the Swedish "Er" a label
        "arkivsaken 12 sider",  # the bare word asks for a case number's shape
        "Case nothing 24/5 happened",
        "Referensnumret är 3 år gammalt",
        "I filed no 12 complaints",
    ],
)
def test_case_number_look_alikes(text: str) -> None:
    assert all(s["category"] != "case_number" for s in analyse_text(text).to_dict()["signals"])


@pytest.mark.parametrize(
    ("text", "accounts"),
    [
        ("KID: 1503 27 45188", []),
        ("Fakturanr. 15032745188", []),
        ("Betal til konto 1503.27.45188, KID 60201144771", ["1503.27.45188"]),
        ("Kontonr 15032745188", ["15032745188"]),
    ],
)
def test_payment_references_are_no_account_numbers(text: str, accounts: list[str]) -> None:
    signals = analyse_text(text, country="NO").to_dict()["signals"]
    assert [s["text"] for s in signals if s["category"] == "bank_account"] == accounts


@pytest.mark.parametrize(
    ("text", "language", "term"),
    [
        ("Naboen har siddet i fængsel for vold.", "da", "siddet i fængsel"),
        ("Grannen har suttit i fängelse i tre år.", "sv", "suttit i fängelse"),
        ("Naboen har sittet i fengsel for vold.", "nb", "sittet i fengsel"),
    ],
)
def test_criminal_record_in_the_perfect_tense(text: str, language: str, term: str) -> None:
    """A moderator's probe (2026-12-04): the lists had the present and past, not the participle."""
    signals = analyse_text(text, language=language).to_dict()["signals"]
    assert [s["text"] for s in signals if s["category"] == "special_category"] == [term]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ('Han kaldte mig "idiot" i går', "insult"),
        ("Min søn blev kaldt »luder« i frikvarteret", "hate"),
        ("Dottera mi vart kalla «hore» på skulen", "hate"),
        ("My daughter was called a 'bitch' by another pupil", "profanity"),
        ("Ordet 'idiot' bruges alt for ofte her", "insult"),
        ("Min son blev kallad ”hora” i skolan", "hate"),
    ],
)
def test_a_quoted_word_after_a_verb_of_calling_is_mentioned_not_used(text: str, category: str) -> None:
    found = [s for s in analyse_text(text).to_dict()["signals"] if s["detector"].startswith("lexicon.")]
    assert all(s["category"] != category for s in found), found


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ('Du er en "idiot"', "insult"),  # quotes, no verb of calling: used
        ('Jeg kalder dig en "idiot"', "insult"),  # said to the reader: used
        ("I call you an 'idiot'", "insult"),
        ("Han kaldte mig idiot", "insult"),  # no quotes: counts, as before
        ('Du kalder dig ekspert, din "idiot"', "insult"),  # the quote opens after the cue's clause
    ],
)
def test_a_quoted_word_said_to_someone_still_counts(text: str, category: str) -> None:
    found = [s for s in analyse_text(text).to_dict()["signals"] if s["detector"].startswith("lexicon.")]
    assert any(s["category"] == category for s in found), found


@pytest.mark.parametrize(
    ("text", "language", "threat"),
    [
        ("Noen burde gi den saksbehandleren en skikkelig omgang juling.", "nb", True),
        ("Nogen burde give den sagsbehandler en ordentlig omgang tæsk.", "da", True),
        ("Någon borde ge handläggaren ordentligt med stryk.", "sv", True),
        ("Someone should give that caseworker a good hiding.", "en", True),
        ("Laget fikk juling i går, 5-0 til Molde.", "nb", False),  # a beating without the incitement
        ("Vi fik tæsk i håndbold i weekenden.", "da", False),
        ("Sidste advarsel: tilmeldingen lukker i morgen.", "da", False),  # a heading, not a sentence
        ("Last warning: sign-up closes today.", "en", False),
        ("Jeg ved, hvor du bor.", "da", True),  # the Danish comma before the clause
        ("Eg veit godt kvar du bur.", "nn", True),
    ],
)
def test_threat_phrases_of_the_third_round(text: str, language: str, threat: bool) -> None:
    found = analyse_text(text, language=language).to_dict()["signals"]
    lexical = [s for s in found if s["category"] == "threat" and s["detector"].startswith("lexicon.")]
    assert bool(lexical) is threat, found


@pytest.mark.parametrize(
    ("text", "inquiry"),
    [
        ("Husk at fristen for påmelding til dugnaden er fredag.", False),  # a reminder: no case question
        ("Husk at sidste frist for tilmelding til loppemarkedet er mandag.", False),
        ("The deadline for entries to the photo competition is Friday, good luck everyone!", False),
        ("Hva er fristen for å klage på vedtaket?", True),  # asked
        ("Hvornår er fristen for at søge?", True),
        ("Fristen for klagen min har gått ut", True),  # the writer's own matter
        ("When is the deadline for appeals", True),
    ],
)
def test_a_deadline_is_a_case_question_only_when_asked_or_ones_own(text: str, inquiry: bool) -> None:
    signals = analyse_text(text).to_dict()["signals"]
    assert any(s["category"] == "case_inquiry" for s in signals) is inquiry, signals
