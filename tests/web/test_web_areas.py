"""The pages of the archive, people and reviews, consents, account applications, bulk moderation and the
dashboard: what each shows, each action, who may use them, and that another organisation's ids fail."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re

import pytest
from sqlalchemy import select

from rettesnor.records.archive_models import ArchiveRecord, ModerationCase
from rettesnor.records.db import session_factory
from rettesnor.records.models import Consent, Organisation, Person, Review
from support.dbsupport import FreshDatabase
from support.webapp import TestClient, demo_engine, load_demo, login, make_app

ANSWERS = {
    "purpose": "Fortelle om kulturtilbudet i kommunen",
    "target_group": "Foreldre og barn i Hustadvika",
    "dialogue_plan": "Vi svarer på kommentarer innen en arbeidsdag",
    "privacy_assessment": "Skriftlig samtykke før bilder av brukere",
    "confidentiality_assessment": "Ingen saksbehandling eller personopplysninger",
    "resources_plan": "Leder og en ansatt, to timer i uken",
}


def _main(html: str) -> str:
    return html.split('<main id="main">', 1)[1]


def _flashes(html: str) -> list[str]:
    return re.findall(r'<p class="flash[^"]*" role="status">([^<]*)</p>', html)


def _org_id(slug: str) -> int:
    with session_factory(demo_engine())() as session:
        return session.scalars(select(Organisation.id).where(Organisation.slug == slug)).one()


def _client(username: str) -> tuple[TestClient, str]:
    client = TestClient(make_app())
    return client, login(client, username)


# --- Archive -----------------------------------------------------------------------------------------


def test_archive_search_filters_and_pages() -> None:
    client, _ = _client("hjorring.komm")
    page = client.get("/archive").text
    ids = [int(x) for x in re.findall(r'name="record" value="(\d+)"', page)]
    assert ids and ids == sorted(ids, reverse=True)
    found = client.get("/archive?q=idioter").text
    hits = re.findall(r'name="record" value="(\d+)"', found)
    assert hits and "idioter" in found and "Tak for beskeden" not in found
    hidden = client.get("/archive?decision=hide&kind=comment").text
    assert re.findall(r'name="record" value="(\d+)"', hidden) and "Skjul" in hidden
    assert "No records match" in client.get("/archive?since=2099-01-01").text or "Ingen poster passer" in (
        client.get("/archive?since=2099-01-01").text
    )
    assert client.get("/archive?since=yesterday").status_code == 422
    assert client.get("/archive?decision=burn").status_code == 422
    with session_factory(demo_engine())() as session:
        total = len(
            session.scalars(
                select(ArchiveRecord.id).where(ArchiveRecord.organisation_id == _org_id("hjorring"))
            ).all()
        )
    if total > 25:
        second = client.get("/archive?page=2").text
        assert 'rel="prev"' in second


def test_archive_record_shows_versions_thread_findings_and_decisions() -> None:
    client, _ = _client("hjorring.komm")
    with session_factory(demo_engine())() as session:
        mine = ArchiveRecord.organisation_id == _org_id("hjorring")
        hidden = session.scalars(select(ArchiveRecord).where(mine, ArchiveRecord.decision == "hide")).first()
        assert hidden is not None
        rid, root = hidden.id, hidden.thread_id
    page = _main(client.get(f"/archive/records/{rid}").text)
    assert f"<h1>Post {rid}</h1>" in page
    assert page.count('<th scope="row">') >= 3  # a finding and two versions (received, hidden)
    assert "Skjult" in page and "<mark>idioter</mark>" in page  # the hide, and the finding's text
    assert f'href="/archive/records/{root}"' in page and 'aria-current="true"' in page  # the thread
    assert "Personangreb" in page  # the decision's reason
    assert client.get("/archive/records/99999999").status_code == 404


def test_archive_shows_a_tombstone_after_a_deletion() -> None:
    client, token = _client("hustadvika.komm")
    with session_factory(demo_engine())() as session:
        case = session.scalars(
            select(ModerationCase).where(
                ModerationCase.organisation_id == _org_id("hustadvika"),
                ModerationCase.status == "open",
                ModerationCase.ground.in_(("personal_attack", "third_person", "illegal")),
            )
        ).first()
    if case is None:  # Hustadvika deletes only on its three grounds (a phone number is hidden instead)
        pytest.skip("no open case with a deletion ground in the demo")
    r = client.post(
        f"/moderation/{case.record_id}/decide",
        data={"csrf": token, "action": "delete", "reason": "Personangreb"},
    )
    assert r.status_code == 200
    page = client.get(f"/archive/records/{case.record_id}").text
    assert "Gravstein" in page and "Slettet" in page


def test_access_request_export_redacts_personal_data_and_lists_it() -> None:
    client, token = _client("hjorring.komm")
    found = client.get("/archive?q=lånerkort").text
    ids = re.findall(r'name="record" value="(\d+)"', found)
    assert ids
    with session_factory(demo_engine())() as session:
        chosen = ArchiveRecord.id.in_([int(i) for i in ids])
        authors = {a for a in session.scalars(select(ArchiveRecord.author_name).where(chosen)) if a}
    assert authors
    shown = client.post("/archive/export", data={"csrf": token, "record": ids, "format": "html"})
    assert shown.status_code == 200 and "lånerkort" in shown.text
    assert "[Personnavn]" in shown.text and not any(a in shown.text for a in authors)  # in Danish
    download = client.post("/archive/export", data={"csrf": token, "record": ids, "format": "json"})
    assert download.headers["content-disposition"].startswith("attachment;")
    doc = json.loads(download.text)
    assert doc["organisation"] == "hjorring" and not any(a in download.text for a in authors)
    assert all(any(r["category"] == "person_name" for r in rec["redactions"]) for rec in doc["records"])
    assert client.post("/archive/export", data={"csrf": token}).status_code == 422  # nothing chosen
    assert client.post("/archive/export", data={"csrf": "forged", "record": ids}).status_code == 403


def test_verify_runs_on_demand() -> None:
    client, token = _client("sonderborg.komm")
    page = client.post("/archive/verify", data={"csrf": token}).text
    assert "Kæden er intakt" in page and re.search(r"<code>[0-9a-f]{64}</code>", page)
    assert client.get("/archive/verify").status_code == 405


def test_archive_is_for_records_roles_only() -> None:
    for username in ("hjorring.ansat", "hjorring.leder"):
        client, token = _client(username)
        assert client.get("/archive").status_code == 403, username
        assert client.post("/archive/verify", data={"csrf": token}).status_code == 403, username
        assert 'href="/archive"' not in client.get("/check").text.split("</nav>")[0]


# --- People, reviews and consents ------------------------------------------------------------------


def test_people_page_lists_the_overdue_in_words_and_red() -> None:
    client, _ = _client("hustadvika.komm")
    page = _main(client.get("/people").text)
    assert "Forfalte gjennomganger" in page
    rows = re.findall(r'<tr class="overdue">.*?</tr>', page, re.S)
    assert rows and all("Forfalt" in r for r in rows)  # overdue is said, not only coloured
    assert "Registrer en gjennomgang" not in page  # a communications officer does not hold reviews


def test_a_leader_records_a_review_and_the_employee_acknowledges_it() -> None:
    leader, token = _client("hustadvika.leder")
    page = leader.get("/people").text
    staff = re.findall(
        r'<option value="(\d+)">([^<]+)</option>', page.split('id="r-person"')[1].split("</select>")[0]
    )
    assert staff
    with session_factory(demo_engine())() as session:
        ansat = session.scalars(
            select(Person.id)
            .join(Organisation, Organisation.id == Person.organisation_id)
            .where(Organisation.slug == "hustadvika")
        ).all()
    recorded = None
    for person_id, _name in staff:
        r = leader.post(
            "/people/reviews",
            data={
                "csrf": token,
                "person": person_id,
                "kind": "yearly",
                "held_on": dt.date.today().isoformat(),
            },
        )
        if r.status_code == 200:
            recorded = int(person_id)
            assert any("er registrert" in f for f in _flashes(r.text))
            break
        assert r.status_code == 403  # not a leader of that person: the service refuses
    assert recorded in ansat
    with session_factory(demo_engine())() as session:
        review = session.scalars(
            select(Review).where(Review.person_id == recorded).order_by(Review.id.desc())
        ).first()
        assert review is not None and review.acknowledged_at is None
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    bad = leader.post(
        "/people/reviews",
        data={"csrf": token, "person": str(recorded), "kind": "yearly", "held_on": tomorrow},
    )
    assert bad.status_code == 422
    # only the employee acknowledges: the leader may not do it for them
    assert leader.post(f"/people/reviews/{review.id}/acknowledge", data={"csrf": token}).status_code == 403


def test_an_employee_sees_and_acknowledges_their_own_review() -> None:
    client, token = _client("hustadvika.ansat")
    page = client.get("/people").text
    assert "Dine gjennomganger av retningslinjene" in page and "Forfalte gjennomganger" not in page
    forms = re.findall(r'action="/people/reviews/(\d+)/acknowledge"', page)
    if not forms:
        pytest.skip("the demo employee has no review waiting for an acknowledgement")
    r = client.post(f"/people/reviews/{forms[0]}/acknowledge", data={"csrf": token})
    assert r.status_code == 200 and "Takk" in r.text
    assert client.post(f"/people/reviews/{forms[0]}/acknowledge", data={"csrf": token}).status_code == 409
    assert (
        client.post("/people/reviews", data={"csrf": token, "person": "1", "kind": "yearly"}).status_code
        == 403
    )


def test_consents_register_and_withdraw() -> None:
    client, token = _client("hjorring.komm")
    page = client.get("/consents").text
    assert "Samtykker" in page and "Trukket tilbage den" in page  # the demo has a withdrawn one
    form = {
        "csrf": token,
        "media_ref": "test/sommerfest.jpg",
        "subject": "Deltagere i sommerfesten",
        "basis": "written_consent",
        "given_by": "Deltageren selv",
        "given_by_role": "self",
    }
    r = client.post("/consents", data=form)
    assert r.status_code == 200 and any("registreret" in f for f in _flashes(r.text))
    consent = int(re.findall(r"/consents/(\d+)/withdraw", r.text)[0])
    with session_factory(demo_engine())() as session:
        row = session.get(Consent, consent)
        assert row is not None and row.media_ref == "test/sommerfest.jpg"
    r = client.post(f"/consents/{consent}/withdraw", data={"csrf": token})
    assert r.status_code == 200 and any("frist" in f for f in _flashes(r.text))
    assert client.post(f"/consents/{consent}/withdraw", data={"csrf": token}).status_code == 409
    child = {**form, "media_ref": "test/barn.jpg", "child": "1", "given_by_role": "self"}
    assert client.post("/consents", data=child).status_code == 422  # a child's consent needs a guardian
    employee, token = _client("hjorring.ansat")
    assert employee.get("/consents").status_code == 403
    assert employee.post("/consents", data={**form, "csrf": token}).status_code == 403


# --- Accounts ----------------------------------------------------------------------------------------


def _units_led_by(username: str) -> tuple[dict[str, str], set[str]]:
    """All units of the login's organisation (id → name) and the ids of those it leads."""
    from rettesnor.governance import people, tenants
    from rettesnor.records.web_models import WebUser

    with session_factory(demo_engine())() as session:
        user = session.scalars(select(WebUser).where(WebUser.username == username)).one()
        org = session.get(Organisation, user.organisation_id)
        assert org is not None
        units = {str(u.id): u.name for u in tenants.list_units(session, org)}
        led = {uid for uid in units if people.is_unit_leader(session, org, user.person_id, int(uid))}
    return units, led


def test_application_and_approval_by_the_unit_leader() -> None:
    employee, token = _client("hustadvika.ansat")
    form_page = employee.get("/accounts/apply").text
    assert "a)" in form_page and 'for="ap-purpose"' in form_page
    units, led = _units_led_by("hustadvika.leder")
    assert led and set(units) - led, "the demo leader leads some units, not all"
    own, other = sorted(led)[0], sorted(set(units) - led)[0]
    stamp = dt.datetime.now().strftime("%H%M%S%f")
    handles = {own: f"own{stamp}", other: f"other{stamp}"}
    for unit, handle in handles.items():
        form = {
            "csrf": token,
            "unit": unit,
            "platform": "facebook",
            "handle": handle,
            "name": "Testsiden",
            "url": f"https://www.facebook.com/{handle}",
            "direct_messages": "off",
            "password_attested": "1",
            **ANSWERS,
        }
        if unit == own:
            assert employee.post("/accounts/apply", data={**form, "purpose": "kort"}).status_code == 422
        r = employee.post("/accounts/apply", data=form)
        assert r.status_code == 200 and any("Søknad" in f for f in _flashes(r.text))
        assert employee.post("/accounts/apply", data=form).status_code == 409  # the same handle again
    leader, ltoken = _client("hustadvika.leder")
    accounts = leader.get("/accounts").text
    assert "Søknader som venter på godkjenning" in accounts
    ids = {
        u: re.findall(rf'id="app-(\d+)">Testsiden \(facebook, {h}\)', accounts)[0] for u, h in handles.items()
    }
    # the button only where this leader may approve; the other unit's application says who it waits for
    assert f'action="/accounts/{ids[own]}/approve"' in accounts
    assert f'action="/accounts/{ids[other]}/approve"' not in accounts
    assert f"Venter på at en leder for {units[other]} godkjenner den." in accounts
    refused = leader.post(f"/accounts/{ids[other]}/approve", data={"csrf": ltoken})
    assert refused.status_code == 403 and "er ikke leder for kontoens enhet" in refused.text  # in Norwegian
    r = leader.post(f"/accounts/{ids[own]}/approve", data={"csrf": ltoken})
    assert r.status_code == 200 and "Testsiden er godkjent." in r.text
    assert leader.post(f"/accounts/{ids[own]}/approve", data={"csrf": ltoken}).status_code == 409
    assert employee.post(f"/accounts/{ids[own]}/approve", data={"csrf": token}).status_code == 403


# --- Moderation --------------------------------------------------------------------------------------


def test_queue_filters_by_recommended_action() -> None:
    client, _ = _client("norsjo.komm")
    page = client.get("/moderation?action=review").text
    verdicts = re.findall(r'class="verdict verdict-(\w+)"', page)
    assert verdicts and set(verdicts) == {"review"}
    assert client.get("/moderation?action=burn").status_code == 422


def test_bulk_decision_decides_each_chosen_comment() -> None:
    client, token = _client("norddjurs.komm")
    page = client.get("/moderation").text
    assert 'id="bulk"' in page and "Tastaturgenveje" in page
    chosen = re.findall(r'name="record" value="(\d+)" form="bulk"', page)[:2]
    assert len(chosen) == 2
    r = client.post(
        "/moderation/bulk",
        data={"csrf": token, "action": "keep", "record": chosen, "reason": "Saglig kritik"},
    )
    assert r.status_code == 200 and any("2 kommentarer afgjort" in f for f in _flashes(r.text))
    for rid in chosen:
        assert f'id="case-{rid}"' not in r.text
    with session_factory(demo_engine())() as session:
        statuses = session.scalars(
            select(ModerationCase.status).where(ModerationCase.record_id.in_([int(x) for x in chosen]))
        ).all()
    assert set(statuses) == {"decided"}
    assert (
        client.post("/moderation/bulk", data={"csrf": token, "action": "burn", "record": chosen}).status_code
        == 422
    )
    empty = client.post("/moderation/bulk", data={"csrf": token, "action": "keep"})  # nothing chosen
    assert empty.status_code == 200 and any("Vælg mindst én kommentar" in f for f in _flashes(empty.text))
    employee, etoken = _client("norddjurs.ansat")
    assert (
        employee.post(
            "/moderation/bulk", data={"csrf": etoken, "action": "keep", "record": chosen}
        ).status_code
        == 403
    )


def test_keyboard_shortcuts_are_a_static_script() -> None:
    script = TestClient(make_app()).get("/static/app.js").text
    assert 'e.key === "j"' in script and "form=bulk" in script


# --- Dashboard and navigation ------------------------------------------------------------------------


def test_dashboard_charts_have_tables_and_no_inline_style() -> None:
    client, _ = _client("hjorring.komm")
    page = client.get("/dashboard")
    assert page.status_code == 200
    html = _main(page.text)
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 3 and html.count("<table>") == 3
    assert 'role="img"' in html and "<title" in html and " style=" not in html and "<script" not in html
    assert "Kommentarer pr. kategori pr. uge" in html and "<rect" in html
    week = re.findall(r'<th scope="row">(\d{4}-W\d\d)</th>', html)
    assert len(week) >= 8
    assert TestClient(make_app()).get("/dashboard", follow_redirects=False).status_code == 303


def test_home_is_the_dashboard_for_moderators_and_the_check_for_employees() -> None:
    client, _ = _client("hjorring.komm")
    assert client.get("/", follow_redirects=False).headers["location"] == "/dashboard"
    employee, _ = _client("hjorring.ansat")
    assert employee.get("/", follow_redirects=False).headers["location"] == "/check"
    assert employee.get("/dashboard").status_code == 403
    assert TestClient(make_app()).get("/", follow_redirects=False).headers["location"] == "/login"


@pytest.mark.parametrize(
    ("username", "seen", "unseen"),
    [
        ("hjorring.komm", ["/dashboard", "/archive", "/people", "/accounts"], []),
        ("hjorring.leder", ["/dashboard", "/people", "/accounts"], ["/archive"]),
        ("hjorring.ansat", ["/people", "/check"], ["/dashboard", "/archive", "/accounts", "/moderation"]),
    ],
)
def test_navigation_shows_the_pages_of_the_roles(username: str, seen: list[str], unseen: list[str]) -> None:
    client, _ = _client(username)
    nav = client.get("/check").text.split("</nav>")[0]
    for href in seen:
        assert f'href="{href}"' in nav, (username, href)
        assert client.get(href).status_code == 200, (username, href)
    for href in unseen:
        assert f'href="{href}"' not in nav, (username, href)


NEW_PAGES = ("/archive", "/people", "/consents", "/accounts/apply", "/dashboard", "/moderation")


def _accessible(html: str) -> None:
    """What axe-core checks in the browser, here on the HTML: labels, headings, tables, no inline code."""
    assert '<html lang="da">' in html and 'class="skip" href="#main"' in html and '<main id="main">' in html
    body = _main(html)
    levels = [int(h) for h in re.findall(r"<h([1-6])[ >]", body)]
    assert levels and levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels
    for field in re.findall(r"<(?:input|select|textarea)\b[^>]*>", body):
        if 'type="hidden"' in field or 'type="submit"' in field:
            continue
        ident = re.search(r'id="([^"]+)"', field)
        assert ident and f'for="{ident.group(1)}"' in body, field
    for header in re.findall(r"<th\b[^>]*>", body):
        assert "scope=" in header, header
    assert (
        " style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html) and " onclick=" not in html
    )


@pytest.mark.parametrize("path", NEW_PAGES)
def test_pages_are_accessible_by_construction(path: str) -> None:
    client, _ = _client("hjorring.komm")
    _accessible(client.get(path).text)


def test_record_export_and_verify_pages_are_accessible_by_construction() -> None:
    client, token = _client("hjorring.arkiv")  # the records manager of the demo
    ids = re.findall(r'name="record" value="(\d+)"', client.get("/archive").text)[:3]
    _accessible(client.get(f"/archive/records/{ids[0]}").text)
    _accessible(client.post("/archive/export", data={"csrf": token, "record": ids}).text)
    _accessible(client.post("/archive/verify", data={"csrf": token}).text)
    assert client.get("/moderation").status_code == 403 and client.get("/tasks").status_code == 200


# --- Both backends ------------------------------------------------------------------------------------


def test_areas_on_each_backend(empty_db: FreshDatabase) -> None:
    engine = empty_db.engine
    load_demo(engine)
    client = TestClient(make_app(engine))
    token = login(client, "norsjo.komm")
    for path in NEW_PAGES:
        assert client.get(path).status_code == 200, path
    found = client.get("/archive?q=plogningen").text
    ids = re.findall(r'name="record" value="(\d+)"', found)
    assert ids
    assert (
        f"/archive/records/{ids[0]}" in found and client.get(f"/archive/records/{ids[0]}").status_code == 200
    )
    assert "Kedjan är intakt" in client.post("/archive/verify", data={"csrf": token}).text
    export = client.post("/archive/export", data={"csrf": token, "record": ids, "format": "json"})
    assert export.status_code == 200 and json.loads(export.text)["records"]
    chosen = re.findall(r'name="record" value="(\d+)" form="bulk"', client.get("/moderation").text)[:1]
    r = client.post(
        "/moderation/bulk", data={"csrf": token, "action": "keep", "record": chosen, "reason": "Saklig"}
    )
    assert r.status_code == 200 and "1 kommentarer beslutade" in r.text
    r = client.post(
        "/consents",
        data={
            "csrf": token,
            "media_ref": "t.jpg",
            "subject": "Åkare",
            "basis": "written_consent",
            "given_by": "Åkaren",
        },
    )
    assert r.status_code == 200
    assert "Översikt" in client.get("/dashboard").text


def test_another_organisations_ids_are_not_found() -> None:
    with session_factory(demo_engine())() as session:
        hjorring = _org_id("hjorring")
        record = session.scalars(
            select(ArchiveRecord.id).where(ArchiveRecord.organisation_id == hjorring)
        ).first()
        consent = session.scalars(select(Consent.id).where(Consent.organisation_id == hjorring)).first()
        review = session.scalars(select(Review.id).where(Review.organisation_id == hjorring)).first()
        person = session.scalars(select(Person.id).where(Person.organisation_id == hjorring)).first()
    leader, token = _client("norsjo.leder")
    assert (
        leader.post(
            "/people/reviews", data={"csrf": token, "person": str(person), "kind": "yearly"}
        ).status_code
        == 404
    )
    komm, token = _client("norsjo.komm")
    assert komm.get(f"/archive/records/{record}").status_code == 404
    assert komm.post("/archive/export", data={"csrf": token, "record": str(record)}).status_code == 404
    assert komm.post(f"/consents/{consent}/withdraw", data={"csrf": token}).status_code == 404
    assert komm.post(f"/people/reviews/{review}/acknowledge", data={"csrf": token}).status_code in (403, 404)
    assert (
        komm.post(
            "/moderation/bulk", data={"csrf": token, "action": "keep", "record": str(record)}
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("lang", "code", "expected"),
    [
        ("sv", "altered_content", "blev ändrad (innehållet stämmer inte längre med sitt hashvärde)."),
        ("da", "removed_before", "blev fjernet (leddet før post 12)."),
        ("nb", "removed", "ble fjernet fra kjeden."),
        ("en", "reordered", "was reordered."),
    ],
)
def test_broken_chain_is_named_in_the_readers_language(lang: str, code: str, expected: str) -> None:
    from rettesnor import labels
    from rettesnor.archive.chain import Problem, Verification
    from rettesnor.i18n import translator
    from rettesnor.web.render import ENV

    result = Verification("hjorring", 11, "ab" * 32, 0, Problem(5, 12, "c3", code))
    html = ENV.get_template("archive_verify.html").render(
        _=translator(lang),
        lang=lang,
        languages=[],
        user=None,
        csrf="",
        path="/archive/verify",
        messages=[],
        result=result,
        checked_at=dt.datetime(2026, 12, 3, tzinfo=dt.UTC),
        problems=labels.CHAIN_PROBLEMS,
    )
    assert expected in html and 'role="alert"' in html
