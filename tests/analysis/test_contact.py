"""Contact and account details: phone, email, bank_account, address, case_number.

All names, addresses and numbers are invented; account numbers are generated with python-stdnum.
"""

from __future__ import annotations

import random
import time

import pytest
from stdnum import iban, luhn
from stdnum.no import fodselsnummer, kontonr

from rettesnor.analysis.contact import detect
from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.signals import Signal
from support.worstcase import GUARD_S

LANG = {"DK": "da", "NO": "nb", "SE": "sv"}


def ctx(country: str = "DK", work: tuple[str, ...] = ()) -> AnalysisContext:
    return AnalysisContext(kind="post", language=LANG[country], country=country, work_email_domains=work)


def signals(text: str, country: str = "DK", name: str | None = None) -> list[Signal]:
    found = list(detect(text, ctx(country)))
    for s in found:  # every signal keeps the contract, whatever the test looks at
        assert 0.5 <= s.score <= 1.0 and 0 <= s.start < s.end <= len(text)
        assert {"pattern", "validator", "context", "subtype", "explanation"} <= set(s.evidence)
    return [s for s in found if name is None or s.name == name]


def spans(text: str, country: str = "DK", name: str | None = None) -> list[str]:
    return [text[s.start : s.end] for s in signals(text, country, name)]


# ---------------------------------------------------------------------------------------------- phone
@pytest.mark.parametrize(
    ("country", "text", "number"),
    [
        ("DK", "Ring til mig på 23 45 67 89, så finder vi en løsning.", "23 45 67 89"),
        ("DK", "Du kan også sende en sms til 2345 6789.", "2345 6789"),
        ("DK", "Kontakt borgerservice på +45 23 45 67 89 i åbningstiden.", "+45 23 45 67 89"),
        ("DK", "Fra udlandet: 0045 23456789", "0045 23456789"),
        ("DK", "Mit mobilnummer er 42.18.33.07", "42.18.33.07"),
        ("NO", "Ring meg på 912 34 567 etter klokka fire.", "912 34 567"),
        ("NO", "Sentralbordet har tlf. 22 12 34 56.", "22 12 34 56"),
        ("NO", "Ring +47 912 34 567 om du lurer på noe.", "+47 912 34 567"),
        ("SE", "Ring mig på 070-123 45 67 efter lunch.", "070-123 45 67"),
        ("SE", "Växeln nås på telefon 08-123 456 78.", "08-123 456 78"),
        ("SE", "Från utlandet: +46 (0)70-123 45 67", "+46 (0)70-123 45 67"),
        ("DK", "Call our office on +44 20 7946 0958 for details.", "+44 20 7946 0958"),
        ("NO", "Call me on +1 202 555 0143 tomorrow.", "+1 202 555 0143"),
        ("DK", "Ring til min svenske kollega på 070-123 45 67", "070-123 45 67"),
        ("DK", "Mit telefonnummer er 23456789.", "23456789"),
        ("NO", "Tlf.nr. 23456789 (hverdager)", "23456789"),
    ],
)
def test_phone_found(country: str, text: str, number: str) -> None:
    assert spans(text, country, "phone") == [number]


def test_phone_scores_and_evidence() -> None:
    (bare,) = signals("Vi ses kl. 14, hilsen Peter 23456789", "DK", "phone")
    (told,) = signals("Ring til mig på 23456789", "DK", "phone")
    assert 0.5 <= bare.score < 0.7 < told.score
    assert told.detector == "phone.phonenumbers"
    assert told.evidence["validator"].startswith("phonenumbers: valid DK")
    assert told.evidence["context"] == ["ring"] and bare.evidence["context"] == []


def test_phone_in_unassigned_range_needs_context() -> None:
    # 12 34 56 78 has a Danish length but no assigned range: a phone only when the text says so.
    assert spans("Tlf. 12 34 56 78", "DK", "phone") == ["12 34 56 78"]
    assert spans("Nummeret 12 34 56 78 blev trukket", "DK", "phone") == []


def test_role_address_read_in_any_case_whatever_its_length() -> None:
    # The role test first compares lengths; lower-casing keeps a role word's length (the Kelvin sign is
    # a "k"), and "İ" lengthens to "i" and a combining dot, which no role word has.
    text = "a@x.dk KONTAKT@x.dk \u212aontakt@x.dk \u0130nfo@x.dk info@x.dk kontakter@x.dk"
    found = [s for s in detect(text, ctx("DK")) if s.name == "email"]
    assert [s.evidence["subtype"] for s in found] == ["address", "role", "role", "address", "role", "address"]


@pytest.mark.parametrize(
    "text",
    [
        "Mødet er den 12.03.2024 kl. 10 i byrådssalen.",
        "Fristen er 2024-03-12, og svar kommer 12-03-2024.",
        "Kommunen har afsat 1.250.000 kr. til cykelstier.",
        "Prisen er 12 500,00 kr pr. deltager.",
        "Budgettet er på 23.456.789 kr i år.",
        "Budgettet er på 23 456 789 kroner i år.",
        "I sæsonen 2023-2024 kom der flere gæster.",
        "Personen har CPR 120385-1234.",
        "Personnummer 19850312-1234 ska inte publiceras.",
        "Ordrenummer 23456789 er afsendt.",
        "Ordre nr. 23456789 er afsendt.",
        "Betal faktura 23456789 inden fredag.",
        "Version 3.12.1 af appen er ude.",
        "Postnummer 9800 Hjørring.",
        "Kom til Kim Larsen-koncert i parken!",
        "Se https://example.dk/nyheder?id=23456789 for mere.",
        "Vi var 23456789kr over budget.",
        "Åbent kl. 20.00-22.00 og telefontid 20.00-21.00.",
        "Billetnr 23456789 gælder til begge dage.",
        "Medlemsnummer 23456789",
        "Virksomheden har CVR 23456789.",
    ],
)
def test_phone_not_found(text: str) -> None:
    assert spans(text, "DK", "phone") == []


# ---------------------------------------------------------------------------------------------- email
@pytest.mark.parametrize(
    ("text", "address", "domain"),
    [
        ("Send gjerne på e-post til kari.nordmann@example.no", "kari.nordmann@example.no", "example.no"),
        ("Skriv til jens.hansen+borger@Example.DK.", "jens.hansen+borger@Example.DK", "example.dk"),
        ("Mejla anna_svensson@kommun.example.se om du undrar.", "anna_svensson@kommun.example.se", None),
        ("Write to søren.ærø@eksempel.dk (private).", "søren.ærø@eksempel.dk", "eksempel.dk"),
    ],
)
def test_email_found(text: str, address: str, domain: str | None) -> None:
    (s,) = signals(text, "DK", "email")
    assert text[s.start : s.end] == address
    assert s.evidence["domain"] == (domain or address.split("@")[1].lower())


def test_email_marks_work_domain_and_subdomain() -> None:
    text = "Skriv til mig på pia@hjoring.dk eller pia@skole.hjoring.dk eller pia@example.dk"
    found = [s for s in detect(text, ctx("DK", work=("Hjoring.dk",))) if s.name == "email"]
    assert [s.evidence["work_domain"] for s in found] == [True, True, False]


def test_email_evidence_per_address_when_a_domain_repeats() -> None:
    # Signals of one domain share their evidence: a role address beside a person's at the same domain,
    # in either case, must still be told apart, and the shared evidence cannot be changed by a reader.
    text = "Skriv til Post@Example.dk, til kari@example.dk, til post@EXAMPLE.DK eller til hjalp@example.dk"
    found = [s for s in detect(text, ctx("DK")) if s.name == "email"]
    assert [(s.evidence["subtype"], s.evidence["owner"], s.score) for s in found] == [
        ("role", "organisation", 0.5),
        ("address", "person", 0.95),
        ("role", "organisation", 0.5),
        ("role", "organisation", 0.5),
    ]
    assert "(post@)" in found[0].evidence["explanation"] and "(hjalp@)" in found[3].evidence["explanation"]
    with pytest.raises(TypeError):
        found[1].evidence["owner"] = "organisation"  # type: ignore[index]
    assert found[1].to_dict()["owner"] == "person" and found[1].to_dict()["detector"] == "email.regex"


@pytest.mark.parametrize(
    "text",
    ["Følg @HjørringKommune for nyt", "user@localhost", "a@b", "e-mail: ikke@ udfyldt", "2@3.45", "@@@"],
)
def test_email_not_found(text: str) -> None:
    assert spans(text, "DK", "email") == []


# --------------------------------------------------------------------------------------- bank_account
def _random_ibans(rng: random.Random, count: int) -> list[str]:
    """Valid IBANs of several countries; stdnum computes check digits and validates national parts."""
    shapes = {"DK": "n14", "FI": "n14", "NO": "n11", "SE": "n20", "DE": "n18", "NL": "a4n10", "GB": "a4n14"}
    shapes |= {"BE": "n12", "AT": "n16", "CH": "n17", "PL": "n24", "IS": "n22", "EE": "n16"}
    out: list[str] = []
    while len(out) < count:
        country, shape = rng.choice(sorted(shapes.items()))
        letters, digits = (
            (int(shape[1 : shape.index("n")]), int(shape.split("n")[1]))
            if "a" in shape
            else (0, int(shape[1:]))
        )
        bban = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(letters))
        bban += "".join(rng.choice("0123456789") for _ in range(digits))
        number = country + iban.calc_check_digits(country + "00" + bban) + bban
        if iban.is_valid(number):  # national checks (NO, BE, …) reject some random BBANs
            out.append(number)
    return out


def test_generated_ibans_all_found() -> None:
    rng = random.Random(4512)
    numbers = _random_ibans(rng, 240)
    assert len({n[:2] for n in numbers}) >= 10
    for i, number in enumerate(numbers):
        written = iban.format(number) if i % 2 else number
        text = f"Indbetal gerne på {written} senest fredag." if i % 3 else f"IBAN: {written}"
        found = signals(text, "DK", "bank_account")
        assert [text[s.start : s.end] for s in found] == [written], text
        assert found[0].evidence["validator"] == "iban mod-97 ok"
        assert signals(text, "DK", "phone") == []


def test_iban_with_one_wrong_digit_is_not_an_iban() -> None:
    rng = random.Random(97)
    for number in _random_ibans(rng, 50):
        i = rng.randrange(4, len(number))
        if not number[i].isdigit():
            continue
        broken = number[:i] + str((int(number[i]) + 1) % 10) + number[i + 1 :]
        assert not [s for s in signals(f"IBAN {broken}") if s.evidence.get("subtype") == "iban"]


def _random_kontonr(rng: random.Random, count: int) -> list[str]:
    out: list[str] = []
    while len(out) < count:
        base = "".join(rng.choice("0123456789") for _ in range(10))
        valid = [base + d for d in "0123456789" if kontonr.is_valid(base + d)]
        out += valid[:1]  # some bases have no valid check digit (remainder 10)
    return out


def test_generated_no_kontonr_all_found() -> None:
    numbers = _random_kontonr(random.Random(47), 250)
    for i, number in enumerate(numbers):
        written = [f"{number[:4]}.{number[4:6]}.{number[6:]}", f"{number[:4]} {number[4:6]} {number[6:]}"][
            i % 2
        ]
        if i % 5 == 0:
            text = f"Kontonummer: {number}"
            written = number
        else:
            text = f"Gaver kan settes inn på {written}. Takk!"
        assert spans(text, "NO", "bank_account") == [written], text
        assert spans(text, "NO", "phone") == []


def test_no_kontonr_checks() -> None:
    number = _random_kontonr(random.Random(3), 1)[0]
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert spans(f"Kontonummer {number[:4]}.{number[4:6]}.{number[6:]}", "NO", "bank_account")
    assert not spans(f"Kontonummer {wrong[:4]}.{wrong[4:6]}.{wrong[6:]}", "NO", "bank_account")


def test_plain_eleven_digits_that_are_a_fodselsnummer_are_left_to_national_id() -> None:
    # A generated fødselsnummer (15.10.1986) is also a valid kontonr: both use the same MOD11.
    fnr = next(
        n
        for n in (f"151086{i:03d}{k:02d}" for i in range(100, 500) for k in range(100))
        if fodselsnummer.is_valid(n)
    )
    assert kontonr.is_valid(fnr)
    assert spans(f"Her er {fnr}", "NO", "bank_account") == []
    assert spans(f"Kontonummer {fnr}", "NO", "bank_account") == [fnr]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Støt indsamlingen: reg. 1234 konto 0012345678", "1234 konto 0012345678"),
        ("Reg.nr. 5678, kontonr. 0001234567 – tak for hjælpen!", "5678, kontonr. 0001234567"),
        ("Registreringsnummer 9570 og kontonummer 12345678", "9570 og kontonummer 12345678"),
        ("Overfør beløbet til konto 1234-0012345678.", "1234-0012345678"),
    ],
)
def test_danish_reg_konto(text: str, span: str) -> None:
    (s,) = signals(text, "DK", "bank_account")
    assert text[s.start : s.end] == span and s.evidence["subtype"] == "dk_reg_konto"


def test_danish_reg_konto_needs_a_label() -> None:
    assert spans("Løbet er 1234-0012345678 meter langt", "DK", "bank_account") == []
    assert spans("Region 1234 0012345678", "DK", "bank_account") == []


def _luhn_number(rng: random.Random, length: int) -> str:
    body = "".join(rng.choice("0123456789") for _ in range(length - 1))
    return body + luhn.calc_check_digit(body)


def test_swedish_bankgiro_and_plusgiro() -> None:
    rng = random.Random(46)
    for _ in range(50):
        bg7, bg8, pg = _luhn_number(rng, 7), _luhn_number(rng, 8), _luhn_number(rng, 7)
        bg7s, bg8s = f"{bg7[:3]}-{bg7[3:]}", f"{bg8[:4]}-{bg8[4:]}"
        pgs = f"{pg[:2]} {pg[2:4]} {pg[4:6]}-{pg[6]}"
        assert spans(f"Swisha eller sätt in på bankgiro {bg7s}.", "SE", "bank_account") == [bg7s]
        assert spans(f"BG {bg8s}", "SE", "bank_account") == [bg8s]
        assert spans(f"Plusgiro: {pgs}", "SE", "bank_account") == [pgs]
        wrong = bg8s[:-1] + str((int(bg8s[-1]) + 1) % 10)
        assert spans(f"Bankgiro {wrong}", "SE", "bank_account") == []
        assert spans(f"Ring {bg8s} i morgon", "SE", "bank_account") == []  # no label


# -------------------------------------------------------------------------------------------- address
@pytest.mark.parametrize(
    ("country", "text", "address", "parts"),
    [
        ("DK", "Jeg bor på Østergade 12, 9800 Hjørring.", "Østergade 12, 9800 Hjørring", 4),
        ("NO", "Leveres til Storgata 5B, 6440 Elnesvågen", "Storgata 5B, 6440 Elnesvågen", 4),
        ("SE", "Skicka till Storgatan 12, 935 31 Norsjö tack", "Storgatan 12, 935 31 Norsjö", 4),
        ("DK", "Adresse: Vestergade 3, 2. tv., 8500 Grenaa", "Vestergade 3, 2. tv., 8500 Grenaa", 5),
        ("SE", "Vi har flyttat till Sveavägen 44, 111 34 Stockholm!", "Sveavägen 44, 111 34 Stockholm", 4),
        (
            "DK",
            "Min nabo på Gammel Kongevej 3, 1610 København V larmer",
            "Gammel Kongevej 3, 1610 København V",
            4,
        ),
        ("NO", "Hun bor i Karl Johans gate 14 sammen med barna.", "Karl Johans gate 14", 2),
        ("DK", "Han bor på Nørrebrogade 180.", "Nørrebrogade 180", 2),
        ("SE", "Hon är bosatt i Drottninggatan 5 A", "Drottninggatan 5 A", 2),
        ("DK", "He lives at Strandvejen 7 with his family", "Strandvejen 7", 2),
        ("DK", "Borgerservice, Torvet 3, 9800 Hjørring", "Torvet 3, 9800 Hjørring", 4),
    ],
)
def test_address_found(country: str, text: str, address: str, parts: int) -> None:
    (s,) = signals(text, country, "address")
    assert text[s.start : s.end] == address
    assert len(s.evidence["parts"]) == parts and s.evidence["parts"][:2] == ["street", "number"]
    assert s.score >= (0.85 if parts >= 4 else 0.5)


@pytest.mark.parametrize(
    "text",
    [
        "Kom til Kim Larsen-koncert på lørdag kl. 20.",
        "Postnummer 9800 Hjørring dækker hele byen.",
        "Mødet foregår på Østergade 12 på tirsdag.",  # street alone without a residence word
        "Boarding ved Gate 12 i lufthavnen.",
        "Se Kapitel 12 og Plan 3 i rapporten.",
        "Palle 12 år og Julia 9 år vandt.",
        "Han bor tæt på Torvet 3 gange om ugen.",  # a bare street word needs postcode and town
    ],
)
def test_address_not_found(text: str) -> None:
    assert spans(text, "DK", "address") == []


# ---------------------------------------------------------------------------------------- case_number
@pytest.mark.parametrize(
    ("country", "text", "value", "label"),
    [
        ("DK", "Vi behandler sagen under sagsnr. 2024-001234.", "2024-001234", "sagsnr"),
        ("DK", "Henvis til sags nr 12.34.56-A00-1-24 i dit svar", "12.34.56-A00-1-24", "sags nr"),
        ("DK", "Se j.nr. 2023-12345", "2023-12345", "j.nr"),
        ("DK", "Journalnummer: 2022-4711", "2022-4711", "journalnummer"),
        ("NO", "Oppgi saksnr. 24/1234 når du svarer.", "24/1234", "saksnr"),
        ("NO", "Saksnummer 2023/456 er under behandling.", "2023/456", "saksnummer"),
        ("NO", "Vår ref 24/1234-3, deres ref 11/22", "24/1234-3", "vår ref"),
        ("SE", "Ärendet har dnr KS 2024/123.", "KS 2024/123", "dnr"),
        ("SE", "Ange diarienummer 2024.123 i ämnesraden", "2024.123", "diarienummer"),
        ("SE", "Dnr 2024-123.", "2024-123", "dnr"),
    ],
)
def test_case_number_found(country: str, text: str, value: str, label: str) -> None:
    found = signals(text, country, "case_number")
    assert text[found[0].start : found[0].end] == value
    assert found[0].evidence["label"] == label
    assert signals(text, country, "phone") == []


@pytest.mark.parametrize(
    "text",
    ["Resultatet 2024-001234 blev offentliggjort", "Sæsonen 2023/24 er slut", "Referat fra mødet 12/3"],
)
def test_case_number_needs_a_label(text: str) -> None:
    assert spans(text, "DK", "case_number") == []


# ---------------------------------------------------------------------------------------------- speed
@pytest.mark.parametrize(
    "text",
    [
        "1 " * 500_000,
        "a@" * 500_000,
        "Østergade " * 100_000,
        "." * 10**6,
        "1" * 10**6,
        "Østergade 1, " * 80_000,
        "Ring 23456789 " * 70_000,
        "DK50 0040 0440 1162 43 " * 43_000,
        "reg. 1234 " * 100_000,
        "sagsnr. 2024-001234 " * 50_000,
        "a" * 10**6 + "@",
        "a@" + "b." * 499_999,
        "(1) " * 250_000,
        "+4 " * 333_333,
        "pg 1 " * 200_000,
        "A" + "a" * 10**6 + " 1",
    ],
    ids=lambda t: repr(t[:12]),
)
def test_adversarial_megabyte_is_fast(text: str) -> None:
    started = time.perf_counter()
    list(detect(text, ctx("DK")))
    assert time.perf_counter() - started < GUARD_S
