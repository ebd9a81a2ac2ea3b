"""The archive page for records managers (sender by part of the name, the Noark 5 extract), the
dashboard's cards by role, the favicon, and the guideline page (contents, search, anchors, the law of
each baseline rule), through the application's HTTP interface."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest

from rettesnor.archive import noark5
from rettesnor.policy.loader import load_pack
from support.webapp import TestClient, login, make_app


def _client(username: str) -> tuple[TestClient, str]:
    client = TestClient(make_app())
    return client, login(client, username)


def _main(html: str) -> str:
    return html.split('<main id="main">', 1)[1]


def test_the_sender_filter_finds_a_part_of_a_name() -> None:
    client, _ = _client("hjorring.arkiv")
    whole = client.get("/archive", params={"author": "Mette Skovlund"}).text
    part = client.get("/archive", params={"author": "Mette"}).text
    ids = set(re.findall(r'name="record" value="(\d+)"', whole))
    assert ids and ids <= set(re.findall(r'name="record" value="(\d+)"', part))
    assert client.get("/archive", params={"author": "Mettex"}).text.count('name="record"') == 0


def test_a_records_manager_downloads_the_noark5_extract(tmp_path: Path) -> None:
    client, csrf = _client("hjorring.arkiv")
    assert 'action="/archive/noark5"' in client.get("/archive").text
    r = client.post("/archive/noark5", data={"csrf": csrf})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert re.search(
        r'filename="hjorring-arkivuttrekk-\d{4}-\d{2}-\d{2}\.zip"', r.headers["content-disposition"]
    )
    with zipfile.ZipFile(io.BytesIO(r.content)) as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path)
    assert {"arkivuttrekk.xml", "arkivstruktur.xml", "endringslogg.xml"} <= names
    assert any(n.startswith("DOKUMENT/") for n in names)
    assert noark5.validate(tmp_path) == []  # the schemas it names accept it
    assert client.post("/archive/noark5", data={"csrf": "forged"}).status_code == 403


def test_the_extract_is_for_records_managers() -> None:
    client, csrf = _client("hjorring.komm")  # sees the archive, is not its keeper
    assert 'action="/archive/noark5"' not in client.get("/archive").text
    assert client.post("/archive/noark5", data={"csrf": csrf}).status_code == 403


@pytest.mark.parametrize("role", ["arkiv", "komm", "leder"])
def test_every_card_of_the_dashboard_opens(role: str) -> None:
    client, _ = _client(f"hjorring.{role}")
    main = _main(client.get("/dashboard").text)
    cards = re.findall(r'<ul class="counts">(.*?)</ul>', main, re.S)[0]
    links = re.findall(r'href="([^"]+)"', cards)
    assert links
    for href in links:
        assert client.get(href).status_code == 200, href
    if role == "arkiv":  # a records manager: tasks and the archive, not moderation, people or accounts
        assert sorted(links) == ["/archive", "/tasks"]


def test_the_favicon_is_there() -> None:
    r = TestClient(make_app()).get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in r.content


def test_the_guideline_has_contents_and_an_anchor_for_every_rule_and_clause() -> None:
    client, _ = _client("hjorring.ansat")
    html = client.get("/guideline").text
    main = _main(html)
    toc = re.search(r'<nav aria-labelledby="toc-h" class="toc">(.*?)</nav>', main, re.S)
    assert toc
    targets = re.findall(r'href="#([^"]+)"', toc.group(1))
    pack = load_pack("dk-hjorring")
    assert {f"rule-{r.code}" for r in pack.rules} <= set(targets)
    ids = set(re.findall(r' id="([^"]+)"', main))
    assert set(targets) <= ids  # every entry of the contents leads somewhere
    clause_links = set(re.findall(r'href="#(clause-[^"]+)"', main))
    assert clause_links and clause_links <= ids  # a rule's clause leads to its row in the coverage table
    rule_links = set(re.findall(r'href="/guideline#(rule-[^"]+)"', main))
    assert rule_links and rule_links <= ids  # a coverage row's rules lead to the rules


def test_the_guideline_search_keeps_the_matching_rules() -> None:
    client, _ = _client("hjorring.ansat")
    total = len(load_pack("dk-hjorring").rules)
    html = _main(client.get("/guideline", params={"q": "CPR-nummer"}).text)
    shown = re.findall(r'<section class="rule card" id="rule-([A-Z]+\d+)"', html)
    assert shown and len(shown) < total
    assert f"{len(shown)} af {total} regler passer" in html
    nothing = _main(client.get("/guideline", params={"q": "zzzzzz"}).text)
    assert "Ingen regel passer på søgningen." in nothing and 'class="rule card"' not in nothing


@pytest.mark.parametrize(
    ("login_", "pack", "code", "law", "words"),
    [
        ("hjorring.ansat", "dk-hjorring", "NB009", "Straffeloven § 266", "alvorlig frygt for eget"),
        ("hustadvika.ansat", "no-hustadvika", "NB015", "Grunnloven § 100", "Det skal være ytringsfrihet."),
        (
            "norsjo.ansat",
            "se-norsjo",
            "NB013",
            "Offentlighets- och sekretesslagen 5 kap. 1 §",
            "ska registreras utan dröjsmål",
        ),
    ],
)
def test_a_baseline_rule_says_so_and_quotes_the_law_of_the_readers_country(
    login_: str, pack: str, code: str, law: str, words: str
) -> None:
    client, _ = _client(login_)
    html = _main(client.get("/guideline").text)
    rule = re.search(rf'<section class="rule card" id="rule-{code}".*?</section>', html, re.S)
    assert rule, f"{code} is not on the page"
    text = rule.group(0)
    assert 'class="badge baseline"' in text and law in text and words in text
    (own,) = [r for r in load_pack(pack).rules if r.code == code]
    foreign = [
        q
        for ref in own.law
        if ref.country and not any(law in v for v in ref.source.values())
        for q in ref.quote.values()
    ]
    assert foreign and not any(q in text for q in foreign)  # only the law of the organisation's country


def test_the_apis_access_request_names_categories_in_the_callers_language() -> None:
    from sqlalchemy import select

    from rettesnor.records.archive_models import ArchiveRecord
    from rettesnor.records.db import session_factory
    from rettesnor.records.models import Organisation
    from support.webapp import api_token, demo_engine

    with session_factory(demo_engine())() as session:
        org = session.scalars(select(Organisation.id).where(Organisation.slug == "hjorring")).one()
        rid = session.scalars(
            select(ArchiveRecord.id).where(
                ArchiveRecord.organisation_id == org, ArchiveRecord.kind == "comment"
            )
        ).first()
    client = TestClient(make_app())
    auth = {"Authorization": f"Bearer {api_token(demo_engine(), 'hjorring')}"}
    danish = client.post(
        "/api/v1/archive/access-requests", json={"records": [rid]}, headers={**auth, "Accept-Language": "da"}
    ).json()
    assert danish["records"][0]["object"]["attributedTo"]["name"] == "[Personnavn]"
    plain = client.post("/api/v1/archive/access-requests", json={"records": [rid]}, headers=auth).json()
    assert plain["records"][0]["object"]["attributedTo"]["name"] == "[person_name]"  # codes for programs


def test_every_baseline_rule_cites_the_law_of_each_organisations_country() -> None:
    """Every baseline rule an organisation inherits quotes EU/EEA law or its own country's law."""
    from rettesnor.policy.loader import builtin_packs

    for name in builtin_packs():
        pack = load_pack(name)
        baseline = [r for r in pack.rules if pack.origin.get(r.code) == "nordic-baseline"]
        bare = {r.code for r in baseline if not [x for x in r.law if x.country in (None, pack.country)]}
        assert not bare, (name, bare)
        assert all(x.quote for r in baseline for x in r.law)
