"""The main journeys in a real browser, and accessibility (axe-core) on every page a role can reach.

One server (``rettesnor serve`` on a fresh demo database, tests/support/browsersupport.py) and one
Chromium for the whole module; each test has its own browser context (its own cookies). Debian's
``/usr/bin/chromium`` is installed by ``make test``; where it is missing the tests fail in CI and are skipped
elsewhere.
"""

from __future__ import annotations

import os
import random
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from rettesnor.i18n import catalogue
from support import browsersupport as bs
from support.idgen import dk_cpr

REASON = bs.missing() or (None if bs.AXE.is_file() else f"{bs.AXE} is missing (make test runs npm ci)")
if REASON and not os.environ.get("CI"):
    pytest.skip(REASON, allow_module_level=True)

ORG = "hjorring"  # Danish: the demo logins of Danish organisations see the pages in Danish
ROLES = ("komm", "leder", "ansat")


@pytest.fixture(scope="module")
def server() -> Iterator[bs.Server]:
    if REASON:
        pytest.fail(f"browser tests cannot run in CI: {REASON}")
    with bs.Server() as running:
        yield running


@pytest.fixture(scope="module")
def base(server: bs.Server) -> str:
    return server.url


@pytest.fixture(scope="module")
def browser(server: bs.Server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = bs.launch(p)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _db(server: bs.Server) -> Any:
    from rettesnor.records.db import make_engine

    return make_engine(server.database_url())


def _flash(page: Any) -> str:
    return " ".join(page.locator("p.flash").all_inner_texts())


# --- Journeys -------------------------------------------------------------------------------------------


def test_sign_in_and_come_back_to_the_page_asked_for(page: Any, base: str) -> None:
    page.goto(f"{base}/moderation")
    assert urlsplit(page.url).path == "/login"
    page.fill("#username", f"{ORG}.komm")
    page.fill("#password", "not the password")
    page.click("form[action='/login'] button[type=submit]")
    assert page.locator("[role=alert]").count() == 1
    page.fill("#username", f"{ORG}.komm")
    page.fill("#password", bs.PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{base}/moderation")
    assert page.locator("header nav a[href='/moderation']").get_attribute("aria-current") == "page"


def test_check_a_post_with_a_cpr_number_and_redact_it_with_one_click(page: Any, base: str) -> None:
    raw = dk_cpr(random.Random(6), mod11=True)
    cpr = f"{raw[:6]}-{raw[6:]}"
    bs.sign_in(page, base, f"{ORG}.ansat")
    page.goto(f"{base}/check")
    page.fill("#text", f"Kom til sommerfest! Spørg efter Mette, CPR {cpr}, ved indgangen.")
    page.click("form[action='/check'] button[type=submit]")
    marked = page.locator("#marked mark", has_text=cpr)
    assert marked.count() == 1
    page.locator("form[action='/check/redact'] button", has_text=cpr).click()
    page.wait_for_load_state()
    text = page.input_value("#text")
    assert cpr not in text and raw not in text and "[" in text and "Mette" in text
    assert page.locator("#marked mark", has_text=cpr).count() == 0


def test_decide_a_comment_in_the_moderation_queue(page: Any, base: str) -> None:
    bs.sign_in(page, base, f"{ORG}.komm")
    page.goto(f"{base}/moderation")
    case = page.locator("article.case").filter(has=page.locator("form[action$='/decide']")).first
    record = re.sub(r"\D", "", case.get_attribute("id") or "")
    assert record
    form = case.locator("form[action$='/decide']")
    form.locator("select[name=action]").select_option("keep")
    form.locator("input[name=reason]").fill("Saglig kritik; den bliver stående.")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert record in _flash(page)
    assert page.locator(f"article#case-{record} form[action$='/decide']").count() == 0  # decided: not open


def test_apply_for_an_account_and_a_leader_approves_it(page: Any, base: str, server: bs.Server) -> None:
    from rettesnor.records.models import RoleGrant
    from rettesnor.records.web_models import WebUser

    engine = _db(server)
    try:
        with engine.connect() as conn:
            leader = conn.execute(select(WebUser.person_id).where(WebUser.username == f"{ORG}.leder"))
            grant = select(RoleGrant.unit_id).where(RoleGrant.role == "unit_leader")
            unit = conn.execute(grant.where(RoleGrant.person_id == leader.scalar())).scalar()
    finally:
        engine.dispose()
    name = "Sommerlejr i Hjørring"
    bs.sign_in(page, base, f"{ORG}.ansat")
    page.goto(f"{base}/accounts/apply")
    form = page.locator("form[action='/accounts/apply']")
    form.locator("select[name=unit]").select_option(str(unit))
    form.locator("input[name=handle]").fill("sommerlejr.hjorring")
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=url]").fill("https://www.facebook.com/sommerlejr.hjorring")
    answer = "Vi fortæller om sommerlejren til forældre og børn i kommunen."
    for field in (
        "purpose",
        "target_group",
        "dialogue_plan",
        "privacy_assessment",
        "confidentiality_assessment",
        "resources_plan",
    ):
        form.locator(f"textarea[name={field}]").fill(answer)
    attest = form.locator("input[name=password_attested]")
    if attest.count():
        attest.check()
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert re.search(r"\d", _flash(page)), "no confirmation of the application"

    page.context.clear_cookies()
    bs.sign_in(page, base, f"{ORG}.leder")
    page.goto(f"{base}/accounts")
    approve = page.locator("form[action$='/approve'] button", has_text=name)
    assert approve.count() == 1
    approve.click()
    page.wait_for_load_state()
    assert name in _flash(page)
    assert page.locator("form[action$='/approve'] button", has_text=name).count() == 0


def test_find_a_record_in_the_archive(page: Any, base: str, server: bs.Server) -> None:
    from rettesnor.records.archive_models import ArchiveRecord
    from rettesnor.records.models import Organisation

    engine = _db(server)
    try:
        with engine.connect() as conn:
            org = conn.execute(select(Organisation.id).where(Organisation.slug == ORG)).scalar()
            texts = conn.execute(
                select(ArchiveRecord.id, ArchiveRecord.text)
                .where(ArchiveRecord.organisation_id == org, ArchiveRecord.text.is_not(None))
                .order_by(ArchiveRecord.id)
            ).all()
    finally:
        engine.dispose()
    record, text = next((i, t) for i, t in texts if len(t.split()) > 3)
    word = max(re.findall(r"\w{5,}", text), key=len)
    bs.sign_in(page, base, f"{ORG}.komm")
    page.goto(f"{base}/archive")
    page.fill("#a-q", word)
    page.locator("form[action='/archive'] button[type=submit]").click()
    page.wait_for_load_state()
    link = page.locator(f"a[href='/archive/records/{record}']")
    assert link.count() >= 1, f"record {record} not found by {word!r}"
    link.first.click()
    page.wait_for_url(f"{base}/archive/records/{record}")
    assert word in page.inner_text("main")


def test_switch_language(page: Any, base: str) -> None:
    bs.sign_in(page, base, "hustadvika.ansat")  # a Norwegian login: bokmål by its setting
    page.goto(f"{base}/check")
    assert page.get_attribute("html", "lang") == "nb"
    for lang in ("sv", "en", "da", "nb"):
        with page.expect_navigation():
            page.select_option("#lang-select", lang)  # app.js sends the form at once
        assert page.get_attribute("html", "lang") == lang
        expected = catalogue(lang).get("Check before you post", "Check before you post")
        assert page.inner_text("h1") == expected
        assert urlsplit(page.url).path == "/check"


def test_switch_language_without_javascript(browser: Any, base: str) -> None:
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    try:
        page = context.new_page()
        page.goto(f"{base}/login")
        assert page.get_attribute("html", "lang") == "sv"  # the browser's language before any choice
        page.select_option("#lang-select", "da")
        page.click("form[action='/language'] button[type=submit]")
        page.wait_for_load_state()
        assert page.get_attribute("html", "lang") == "da"
    finally:
        context.close()


# --- Accessibility --------------------------------------------------------------------------------------


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def _links(page: Any, selector: str) -> list[str]:
    hrefs: list[str] = page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")
    out = []
    for href in hrefs:
        if not href or not href.startswith("/") or href.startswith("//") or href.startswith("/static/"):
            continue
        path = urlsplit(href).path
        if path not in out:
            out.append(path)
    return out


def _audit(page: Any, url: str, found: dict[str, list[dict[str, Any]]]) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 400, f"{url}: {response and response.status}"
    violations = bs.axe_violations(page)
    if violations:
        found[urlsplit(url).path] = violations


def test_accessibility_of_the_public_pages(browser: Any, base: str) -> None:
    context = browser.new_context(bypass_csp=True, locale="da-DK")
    found: dict[str, list[dict[str, Any]]] = {}
    try:
        page = context.new_page()
        for path in ("/login", f"/public/{ORG}/accounts", "/no-such-page"):
            page.goto(base + path)
            violations = bs.axe_violations(page)
            if violations:
                found[path] = violations
    finally:
        context.close()
    assert not found, f"serious or critical accessibility violations: {found}"


@pytest.mark.parametrize("role", ROLES)
def test_accessibility_of_every_page_a_role_reaches(browser: Any, base: str, role: str) -> None:
    """Every page of the navigation, one page of each kind linked from them, the check with findings and
    the two-step login set-up: no serious or critical axe-core violations."""
    context = browser.new_context(bypass_csp=True, locale="da-DK")
    found: dict[str, list[dict[str, Any]]] = {}
    try:
        page = context.new_page()
        bs.sign_in(page, base, f"{ORG}.{role}")
        pages = _links(page, "header nav a") + _links(page, "header .tools a")
        assert "/check" in pages and "/account/security" in pages
        seen = {_shape(p) for p in pages}
        for path in list(pages):
            _audit(page, base + path, found)
            for linked in _links(page, "main a"):
                if _shape(linked) not in seen and len(seen) < 40:
                    seen.add(_shape(linked))
                    pages.append(linked)
                    _audit(page, base + linked, found)
        page.goto(f"{base}/check")  # the check with its findings
        page.fill("#text", "Ring til Mette på 20 12 34 56 eller skriv til mette@example.dk, CPR 120385-1234.")
        page.click("form[action='/check'] button[type=submit]")
        page.wait_for_load_state()
        if violations := bs.axe_violations(page):
            found["/check (findings)"] = violations
        page.goto(f"{base}/account/security")  # the enrolment of the second factor, with its QR code
        page.click("form[action='/account/security/totp/start'] button[type=submit]")
        page.wait_for_load_state()
        if violations := bs.axe_violations(page):
            found["/account/security (enrol)"] = violations
    finally:
        context.close()
    assert not found, f"serious or critical accessibility violations for {ORG}.{role}: {found}"
