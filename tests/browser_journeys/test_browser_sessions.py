"""Issue 15 (findings 1 and 10) in a real browser: a person sees their sessions in their language, ends
the other browser's session, then signs out everywhere; the pages of one's login pass axe-core.

One server (``rettesnor serve`` on a fresh demo database) and one Chromium for the module, as in
tests/browser_journeys/test_browser.py; each person has their own browser context (their own cookies).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from support import browsersupport as bs

REASON = bs.missing() or (None if bs.AXE.is_file() else f"{bs.AXE} is missing (make test runs npm ci)")
if REASON and not os.environ.get("CI"):
    pytest.skip(REASON, allow_module_level=True)


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    if REASON:
        pytest.fail(f"browser tests cannot run in CI: {REASON}")
    with bs.Server() as running:
        yield running.url


@pytest.fixture(scope="module")
def browser(base: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = bs.launch(p)
        yield chromium
        chromium.close()


def _context(browser: Any) -> Any:
    context = browser.new_context(bypass_csp=True, locale="en-GB")  # axe-core is injected inline
    context.set_default_timeout(15_000)
    return context


@pytest.mark.parametrize(
    ("username", "lang", "heading", "everywhere"),
    [
        ("hjorring.leder", "da", "Sessioner", "Log ud overalt"),
        ("hustadvika.leder", "nb", "Økter", "Logg ut overalt"),
    ],
)
def test_see_your_sessions_end_one_and_sign_out_everywhere(
    browser: Any, base: str, username: str, lang: str, heading: str, everywhere: str
) -> None:
    desk, other = _context(browser), _context(browser)
    try:
        page, phone = desk.new_page(), other.new_page()
        bs.sign_in(page, base, username)
        bs.sign_in(phone, base, username)
        page.goto(f"{base}/check")
        page.locator("header a[href='/account/sessions']").click()
        page.wait_for_url(f"{base}/account/sessions")
        assert page.get_attribute("html", "lang") == lang
        assert page.inner_text("h1") == heading
        rows = page.locator("table tbody tr")
        assert rows.count() == 2 and page.locator("tr.current").count() == 1
        assert bs.axe_violations(page) == []

        page.locator("tbody tr:not(.current) form button").click()  # end the phone's session
        page.wait_for_load_state()
        assert page.locator("table tbody tr").count() == 1
        phone.goto(f"{base}/check")
        assert urlsplit(phone.url).path == "/login"

        bs.sign_in(phone, base, username)
        page.get_by_role("button", name=everywhere).click()
        page.wait_for_url(f"{base}/login")
        for p in (page, phone):
            p.goto(f"{base}/account/sessions")
            assert urlsplit(p.url).path == "/login"
    finally:
        desk.close()
        other.close()


def test_the_pages_of_ones_login_pass_axe(browser: Any, base: str) -> None:
    context = _context(browser)
    try:
        page = context.new_page()
        bs.sign_in(page, base, "hjorring.komm")
        for path in ("/account/password", "/account/tokens"):
            page.goto(f"{base}{path}")
            assert bs.axe_violations(page) == [], path
    finally:
        context.close()
