"""Identifiers in context (issue 16, item 6): case numbers of the three countries, whose phone number or
e-mail address it is, Norwegian account numbers with modulus 11, identity numbers written with other
dashes or spaces; and what the packs make of them through ``check``.

All names, numbers and addresses are invented; account and identity numbers are generated with
python-stdnum or checked against it.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from stdnum.no import fodselsnummer, kontonr
from stdnum.se import personnummer

from rettesnor.analysis import analyse
from rettesnor.analysis.context import AnalysisContext
from rettesnor.analysis.signals import Signal
from support.clisupport import run_cli

LANG = {"DK": "da", "NO": "nb", "SE": "sv"}


def _ctx(country: str, kind: str = "official_post", **kw: Any) -> AnalysisContext:
    return AnalysisContext(kind=kind, language=LANG[country], country=country, **kw)


def _found(text: str, name: str, country: str = "DK", **kw: Any) -> list[tuple[str, Signal]]:
    return [(text[s.start : s.end], s) for s in analyse(text, _ctx(country, **kw)) if s.name == name]


# --- case numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "country", "value"),
    [
        ("Hvad sker der med min sag? Sagsnr. 25/04417", "DK", "25/04417"),
        ("Jag väntar på svar, diarienummer BN 2025/0412.", "SE", "BN 2025/0412"),
        ("Jeg har saksnr. 25/1234 og venter fortsatt.", "NO", "25/1234"),
        ("Eg ventar på svar i saka 25/1234-3.", "NO", "25/1234-3"),
        ("Det gælder min sag 25/04417 om carporten.", "DK", "25/04417"),
        ("Ärende KS 2025/0412 har legat still i ett halvår.", "SE", "KS 2025/0412"),
    ],
)
def test_case_numbers_of_the_three_countries(text: str, country: str, value: str) -> None:
    found = _found(text, "case_number", country, kind="comment")
    assert [v for v, _ in found] == [value]
    assert found[0][1].score >= 0.8 and found[0][1].evidence["label"]


@pytest.mark.parametrize(
    "text",
    ["Sagen 2024/2025 var svær for holdet.", "Det tager en halv time, sagen 1/2 time.", "Saken er 25/8."],
)
def test_not_case_numbers(text: str) -> None:
    assert _found(text, "case_number", "DK", kind="comment") == []


# --- whose phone number or e-mail address ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "country", "owner"),
    [
        ("Har du set katten? Ring til hende på 23 45 67 89, hvis du har set den.", "DK", "person"),
        ("Har du funnet en lommebok ved rådhuset? Ring 915 62 384.", "NO", "person"),  # a mobile number
        (
            "Borgerservice har åbent kl. 10-15. Ring på 72 10 10 10, hvis du har spørgsmål.",
            "DK",
            "organisation",
        ),
        ("Ring til jobcentret på 72 10 10 10 for en ny tid.", "DK", "organisation"),
        ("Kontakt oss på 71 23 45 67 om du lurer på noe.", "NO", "organisation"),
        ("Frågor? Ring kontaktcenter på 0910-73 50 00.", "SE", "organisation"),
        ("Ring gratis på 80 20 30 40, hvis du har spørgsmål.", "DK", "organisation"),  # toll-free
    ],
)
def test_phone_owner(text: str, country: str, owner: str) -> None:
    [(_, s)] = _found(text, "phone", country)
    assert s.evidence["owner"] == owner, s.evidence
    assert (s.score == 0.5) == (owner == "organisation")  # a pack's person rule asks for 0.55
    assert s.evidence["explanation"]


def test_the_organisations_own_numbers_from_the_pack() -> None:
    text = "Spørgsmål om affald? Ring 98 76 54 32."
    [(_, s)] = _found(text, "phone", "DK")
    assert s.evidence["owner"] == "person" and s.score >= 0.55
    [(_, s)] = _found(text, "phone", "DK", own_phone_numbers=("+45 98 76 54 32",))
    assert s.evidence["owner"] == "organisation" and s.score == 0.5
    assert "own number" in s.evidence["explanation"]


@pytest.mark.parametrize(
    ("text", "subtype", "score"),
    [
        ("Send billederne til lena.borg72@hotmail.com.", "private", 0.95),
        ("Skriv til jens.hansen@firma.example.dk.", "address", 0.95),
        ("Skriv til post@hjoring.dk eller pia.holm@hjoring.dk.", "work", 0.5),
        ("Send søknaden til postmottak@kommune.example.no.", "role", 0.5),
    ],
)
def test_email_owner(text: str, subtype: str, score: float) -> None:
    found = _found(text, "email", "DK", work_email_domains=("hjoring.dk",))
    assert found and all(s.evidence["subtype"] == subtype and s.score == score for _, s in found)


# --- Norwegian account numbers, identity numbers with other dashes ------------------------------------


def test_norwegian_account_numbers_with_modulus_11() -> None:
    valid = next(n for n in (f"1503123456{k}" for k in range(10)) if kontonr.is_valid(n))
    wrong = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    a, b, c = valid[:4], valid[4:6], valid[6:]
    for written in (f"{a}.{b}.{c}", f"{a} {b} {c}", f"{a}-{b}-{c}", valid, f"{a} {b}{c}"):
        text = f"Gaven kan settes inn på kontonummer {written}."
        found = _found(text, "bank_account", "NO", kind="comment")
        assert [v for v, _ in found] == [written]
        assert found[0][1].evidence["subtype"] == "no_kontonr"
    assert _found(f"Gaven kan settes inn på konto {a}.{b}.{wrong[6:]}.", "bank_account", "NO") == []


@pytest.mark.parametrize("dash", ["\u2013", "\u2011", "\u2010", "\u2212", "\u00a0", " "])
def test_identity_numbers_written_with_other_dashes_and_spaces(dash: str) -> None:
    fnr = next(
        n
        for n in (f"010190{i:03d}{k:02d}" for i in range(100, 200) for k in range(100))
        if fodselsnummer.is_valid(n)
    )
    pnr = "19900101" + "1239"
    assert personnummer.is_valid(pnr)
    cases = [
        ("DK", f"Mit CPR er 010190{dash}1234, så slå mig op.", "dk_cpr"),
        ("NO", f"Fødselsnummeret mitt er {fnr[:6]}{dash}{fnr[6:]}.", "no_fnr"),
        ("SE", f"Mitt personnummer är {pnr[:8]}{dash}{pnr[8:]}.", "se_pnr"),
        ("SE", f"Mitt personnummer är {pnr[2:8]}{dash}{pnr[8:]}.", "se_pnr"),
    ]
    for country, text, subtype in cases:
        found = _found(text, "national_id", country, kind="comment")
        assert [s.evidence["subtype"] for _, s in found] == [subtype], text
        assert _found(text, "phone", country, kind="comment") == []  # not also a phone number


# --- through check, as a user runs it ---------------------------------------------------------------


def _check(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, text: str, *args: str) -> Any:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode()), encoding="utf-8"))
    code, out, err = run_cli(capsys, "check", "-", *args, "-f", "json")
    assert code in (0, 1), err
    return {f["code"]: f for f in json.loads(out)["findings"]}


def test_check_flags_a_persons_contact_details_in_an_official_post(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    post = ["-p", "dk-hjorring", "-k", "official_post"]
    found = _check(capsys, monkeypatch, "Har du set hunden? Ring til hende på 23 45 67 89.", *post)
    assert found["HJ009"]["category"] == "phone" and "NB022" not in found  # the pack's rule replaces it
    assert found["HJ009"]["spans"][0]["text"] == "23 45 67 89"
    found = _check(capsys, monkeypatch, "Send billederne til lena.borg72@hotmail.com.", *post)
    assert found["HJ009"]["category"] == "email"
    found = _check(
        capsys, monkeypatch, "Ring til Borgerservice på 72 10 10 10 eller skriv til post@hjoring.dk.", *post
    )
    assert found == {}
    found = _check(
        capsys,
        monkeypatch,
        "Har du funnet en lommebok? Ring 915 62 384.",
        "-p",
        "no-hustadvika",
        "-k",
        "official_post",
    )
    assert found["NB022"]["category"] == "phone"
    assert "personopplysning" in found["NB022"]["message"]


def test_a_pack_lists_its_own_numbers(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pack = tmp_path / "own.yaml"
    pack.write_text(
        "pack: own-numbers\nextends: nordic-baseline\ntitle: {en: Own numbers}\nlanguage: da\ncountry: DK\n"
        "parameters:\n  own_phone_numbers: ['98 76 54 32']\n  work_email_domains: [eksempel.dk]\n",
        "utf-8",
    )
    text = "Spørgsmål om affald? Ring {} eller skriv til {}."
    found = _check(
        capsys,
        monkeypatch,
        text.format("98 76 54 32", "affald@eksempel.dk"),
        "-p",
        str(pack),
        "-k",
        "official_post",
    )
    assert "NB022" not in found
    found = _check(
        capsys,
        monkeypatch,
        text.format("98 76 54 33", "affald@eksempel.dk"),
        "-p",
        str(pack),
        "-k",
        "official_post",
    )
    assert [s["text"] for s in found["NB022"]["spans"]] == ["98 76 54 33"]


def test_check_answers_a_case_number_in_a_comment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    found = _check(
        capsys,
        monkeypatch,
        "Jeg har saksnr. 25/1234 og venter fortsatt.",
        "-p",
        "no-hustadvika",
        "-k",
        "comment",
    )
    assert found["HU003"]["category"] == "case_number" and found["HU003"]["action"] == "review"
    found = _check(
        capsys,
        monkeypatch,
        "Sagsnr. 25/04417. Er der nogen, der gider kigge på det?",
        "-p",
        "dk-hjorring",
        "-k",
        "comment",
    )
    assert found["NB014"]["spans"][0]["text"] == "25/04417"
