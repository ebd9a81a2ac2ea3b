"""What is illegal in a comment, per country (issue 16, item 7): the Nordic baseline names the statute
and section of each Nordic country, a finding cites the one of the organisation's country, and a pack
that replaces a baseline rule keeps the citation."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from rettesnor.policy.docs import pack_markdown
from rettesnor.policy.loader import load_pack
from support.clisupport import run_cli


def _findings(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, pack: str, text: str
) -> Any:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode()), encoding="utf-8"))
    code, out, err = run_cli(capsys, "check", "-", "-p", pack, "-k", "comment", "-f", "json")
    assert code in (0, 1), err
    return {f["code"]: f for f in json.loads(out)["findings"]}


THREAT_DK = "Hvis I lukker skolen, så slår jeg jer ihjel. Jeg ved hvor du bor."
HATE_DK = "Send dem alle sammen hjem, de perkere ødelægger hele byen."
THREAT_NO = "Legg ned skolen, og du skal få juling, rådmann. Jeg vet hvor du bor."
THREAT_SE = "Om ni lägger ner skolan ska jag se till att ni får betala för det. Jag vet var du bor."


@pytest.mark.parametrize(
    ("pack", "text", "code", "law"),
    [
        ("dk-hjorring", THREAT_DK, "NB009", "§ 266 "),
        ("dk-hjorring", HATE_DK, "NB010", "§ 266 b"),
        ("no-hustadvika", THREAT_NO, "HU015", "§ 263"),
        ("se-norsjo", THREAT_SE, "NS013", "4 kap. 5 §"),
    ],
)
def test_a_finding_cites_the_law_of_the_organisations_country(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    pack: str,
    text: str,
    code: str,
    law: str,
) -> None:
    found = _findings(capsys, monkeypatch, pack, text)
    cited = [
        f.get("law", "") for f in found.values() if f.get("ground") == "illegal" or f["category"] == "threat"
    ]
    assert any(law in c for c in cited), found
    if code:
        assert law in found[code]["law"]


def test_a_replacing_rule_inherits_the_citation() -> None:
    hustadvika = load_pack("no-hustadvika")
    replacing = [r for r in hustadvika.rules if {"NB009", "NB010"} <= set(r.replaces)]
    assert replacing and "straffeloven § 263" in replacing[0].statutes["NO"]
    assert "straffeloven § 185" in replacing[0].statutes["NO"]


def test_a_named_private_person_insulted(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    found = _findings(capsys, monkeypatch, "dk-hjorring", "Min nabo Jens Pedersen er en løgner og en idiot.")
    assert found["NB021"]["action"] == "review" and "§ 267" in found["NB021"]["law"]
    found = _findings(capsys, monkeypatch, "dk-hjorring", "Borgmester Per Jensen er en idiot.")
    assert "NB021" not in found  # a public official in the role is criticised, not defamed


def test_the_rule_docs_list_the_law_of_each_country() -> None:
    text = pack_markdown(load_pack("nordic-baseline"))
    assert "### Law" in text
    for ref in ("straffeloven § 266 b", "straffeloven § 185", "brottsbalken 16 kap. 8 §"):
        assert ref in text


def test_the_check_page_shows_the_law() -> None:
    from support.webapp import TestClient, login, make_app

    client = TestClient(make_app())
    token = login(client, "hjorring.komm")
    html = client.post("/check", data={"csrf": token, "text": THREAT_DK, "kind": "comment"}).text
    assert "straffeloven § 266 (trusler)" in html
    assert '<span class="label">Lov:</span>' in html
