"""The journeys of tasks, accounts and people in a real browser, each in two of Danish, Norwegian and
Swedish: work a task from open to registered; approve an account, make it live and find it on the public
list; record a review with one's own employee and register a consent. axe-core on every page acted on.

One server on a fresh demo database (tests/support/browsersupport.py) and one Chromium for the module.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from rettesnor.i18n import catalogue
from support import browsersupport as bs

REASON = bs.missing() or (None if bs.AXE.is_file() else f"{bs.AXE} is missing (make test runs npm ci)")
if REASON and not os.environ.get("CI"):
    pytest.skip(REASON, allow_module_level=True)

LANG = {"hjorring": "da", "hustadvika": "nb", "norsjo": "sv"}


def _t(lang: str, message: str) -> str:
    return catalogue(lang).get(message) or message


@pytest.fixture(scope="module")
def server() -> Iterator[bs.Server]:
    if REASON:
        pytest.fail(f"browser tests cannot run in CI: {REASON}")
    with bs.Server() as running:
        yield running


@pytest.fixture(scope="module")
def browser(server: bs.Server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = bs.launch(p)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="en-GB", bypass_csp=True)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _flash(page: Any) -> str:
    return " ".join(page.locator("p.flash").all_inner_texts())


def _clean(page: Any, where: str) -> None:
    violations = bs.axe_violations(page)
    assert not violations, f"serious or critical accessibility violations on {where}: {violations}"


def _query(server: bs.Server, statement: Any) -> list[Any]:
    from rettesnor.records.db import make_engine

    engine = make_engine(server.database_url())
    try:
        with engine.connect() as conn:
            return list(conn.execute(statement).all())
    finally:
        engine.dispose()


def _person_of(server: bs.Server, username: str) -> int:
    from rettesnor.records.web_models import WebUser

    return int(_query(server, select(WebUser.person_id).where(WebUser.username == username))[0][0])


# --- Tasks: open → owner → registered ----------------------------------------------------------------


@pytest.mark.parametrize("org", ["hjorring", "norsjo"])
def test_work_a_complaint_from_open_to_registered(page: Any, server: bs.Server, org: str) -> None:
    lang, base = LANG[org], server.url
    bs.sign_in(page, base, f"{org}.arkiv")  # the records manager registers
    page.goto(f"{base}/tasks")
    assert page.get_attribute("html", "lang") == lang
    _clean(page, "/tasks")
    title_start = _t(lang, "Register the complaint in message {record} ({platform})").split("{")[0]
    link = page.locator("a[href^='/tasks/R']", has_text=title_start.strip()).first
    ref = (link.get_attribute("href") or "").rsplit("/", 1)[-1]
    assert re.fullmatch(r"R\d+", ref), "no complaint task with a title in the organisation's language"
    link.click()
    page.wait_for_url(f"{base}/tasks/{ref}")
    _clean(page, f"/tasks/{ref}")
    # a complaint cannot be closed with a reason, only registered (Hjørring HJ-10)
    assert page.locator(f"form[action='/tasks/{ref}/close']").count() == 0
    rule = "A complaint cannot be rejected, only registered. Register it in the journal to close it."
    rule = _t(lang, rule)
    assert rule in page.inner_text("main")

    owner = page.locator("#t-owner option:not([selected])").nth(1)
    name = owner.inner_text()
    page.select_option("#t-owner", owner.get_attribute("value"))
    page.click(f"form[action='/tasks/{ref}/assign'] button[type=submit]")
    page.wait_for_load_state()
    assert ref in _flash(page) and name in _flash(page)
    assert name in page.inner_text("dl.facts")

    journal = "27.12.00-A00-4711-26" if lang == "da" else "KS 2026/4711"
    page.fill("#t-journal", journal)
    page.click(f"form[action='/tasks/{ref}/register'] button[type=submit]")
    page.wait_for_load_state()
    assert journal in _flash(page)
    assert page.inner_text("#task-status") == _t(lang, "Closed")
    assert page.inner_text("#task-journal") == journal
    assert page.locator(f"form[action='/tasks/{ref}/register']").count() == 0  # nothing left to do
    _clean(page, f"/tasks/{ref} (closed)")

    page.goto(f"{base}/tasks")
    assert page.locator(f"a[href='/tasks/{ref}']").count() == 0  # no longer among the open tasks
    page.goto(f"{base}/tasks?show=all")
    assert journal in page.inner_text(f"tr:has(a[href='/tasks/{ref}'])")


# --- Accounts: approve → live → public list ------------------------------------------------------------


@pytest.mark.parametrize(
    ("org", "leader", "account"),
    [("hjorring", "leder-skovbo", "Skovbo Skole"), ("hustadvika", "leder-kultur", "Kultur i Hustadvika")],
)
def test_a_leader_approves_an_application_makes_it_live_and_it_is_on_the_public_list(
    page: Any, server: bs.Server, org: str, leader: str, account: str
) -> None:
    lang, base = LANG[org], server.url
    page.goto(f"{base}/public/{org}/accounts")
    assert account not in page.inner_text("main")
    bs.sign_in(page, base, f"{org}.{leader}")
    page.goto(f"{base}/accounts")
    assert page.get_attribute("html", "lang") == lang
    _clean(page, "/accounts")
    page.locator("form[action$='/approve'] button", has_text=account).click()
    page.wait_for_load_state()
    assert account in _flash(page)
    off = page.locator("form[action$='/direct-messages-off'] button", has_text=account)
    if org == "hjorring":  # HJ-9: the message function must be removed before the page goes live
        assert page.locator("form[action$='/activate'] button", has_text=account).count() == 0
        off.click()
        page.wait_for_load_state()
        assert account in _flash(page)
    else:
        assert off.count() == 0
    _clean(page, "/accounts (approved)")
    page.locator("form[action$='/activate'] button", has_text=account).click()
    page.wait_for_load_state()
    assert account in _flash(page)
    assert page.locator("form[action$='/activate'] button", has_text=account).count() == 0

    page.goto(f"{base}/public/{org}/accounts")
    assert account in page.inner_text("main")


@pytest.mark.parametrize(
    ("org", "clause", "other"), [("hjorring", "HJ-7", "HU-"), ("hustadvika", "HU-2a", "HJ-")]
)
def test_the_application_form_quotes_the_organisations_own_clause(
    page: Any, server: bs.Server, org: str, clause: str, other: str
) -> None:
    bs.sign_in(page, server.url, f"{org}.ansat")
    page.goto(f"{server.url}/accounts/apply")
    hint = page.inner_text("#ap-privacy-clause")
    assert clause in hint and other not in hint
    assert ("samtykke" in hint) and ("skriftlig samtykke fra bruker" in hint) == (org == "hustadvika")
    _clean(page, "/accounts/apply")


# --- People: a review with one's own employee, and a consent ----------------------------------------------


@pytest.mark.parametrize("org", ["hustadvika", "norsjo"])
def test_a_leader_reviews_one_of_their_own_and_registers_a_consent(
    page: Any, server: bs.Server, org: str
) -> None:
    from rettesnor.governance import people
    from rettesnor.records.db import make_engine, session_factory
    from rettesnor.records.models import Organisation, Person, Review

    lang, base, login = LANG[org], server.url, f"{org}.leder"
    leader = _person_of(server, login)
    engine = make_engine(server.database_url())
    try:
        with session_factory(engine)() as session:
            organisation = session.scalars(select(Organisation).where(Organisation.slug == org)).one()
            own = {p.id: p.name for p in people.led_by(session, organisation, leader) if p.kind == "employee"}
            everyone = len(people.list_people(session, organisation))
    finally:
        engine.dispose()
    assert own and len(own) < everyone

    bs.sign_in(page, base, login)
    page.goto(f"{base}/people")
    assert page.get_attribute("html", "lang") == lang
    _clean(page, "/people")
    offered = {int(v) for v in page.eval_on_selector_all("#r-person option", "os => os.map(o => o.value)")}
    assert offered == set(own)  # only the leader's own staff, none that the service would refuse
    reviewed = {r[0] for r in _query(server, select(Person.name).join(Review, Review.person_id == Person.id))}
    for row in page.locator("#late-h ~ table tbody tr").all():  # the overdue list
        name, _leader, _what, due, last = row.locator("th, td").all_inner_texts()
        assert name not in reviewed or last != _t(lang, "Never"), f"{name} was reviewed, yet 'never'"
        assert due[:4] >= str(dt.date.today().year - 1), f"{name} overdue since {due}"
    person = max(own)
    page.select_option("#r-person", str(person))
    page.click("form[action='/people/reviews'] button[type=submit]")
    page.wait_for_load_state()
    assert re.search(r"\d", _flash(page)) and "403" not in page.inner_text("main")
    held = _query(
        server, select(Review.leader_id).where(Review.person_id == person).order_by(Review.id.desc())
    )
    assert held and held[0][0] == leader
    assert own[person] in page.inner_text("#recent-h ~ table")

    page.goto(f"{base}/consents")
    _clean(page, "/consents")
    media = f"demo/{org}/sommerfest-{person}.jpg"
    page.fill("#c-media", media)
    page.fill("#c-subject", "Deltagere ved sommerfesten" if lang == "da" else "Deltakere på sommerfesten")
    page.fill("#c-given-by", "Kari Nordvik (demo)" if lang == "nb" else "Anna Lindqvist (demo)")
    page.select_option("#c-role", "self")
    page.click("form[action='/consents'] button[type=submit]")
    page.wait_for_load_state()
    assert "/consents" in page.url and re.search(r"\d", _flash(page)), page.inner_text("main")[:300]
    assert page.locator("tbody code", has_text=media).count() == 1
    _clean(page, "/consents (registered)")
