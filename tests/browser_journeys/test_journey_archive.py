"""Journeys of a records manager and of every reader of the guideline, in a real browser, in Danish and
Swedish: find a citizen's comment by part of the sender's name, export it for an access request with the
neighbour's name, address and illness redacted, download the Noark 5 extract for the national archive;
search the guideline and follow its contents to a rule. axe-core on each page on the way.

One server (``rettesnor serve`` on a fresh demo database, tests/support/browsersupport.py) and Debian's
Chromium for the module; the comments are added to the server's database before the browser asks for them.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from rettesnor import labels
from rettesnor.i18n import catalogue
from support import browsersupport as bs

REASON = bs.missing() or (None if bs.AXE.is_file() else f"{bs.AXE} is missing (make test runs npm ci)")
if REASON and not os.environ.get("CI"):
    pytest.skip(REASON, allow_module_level=True)

# Per organisation: the browser's locale, the sender (found by the first name), the comment, and the words
# about the neighbour that an access request must not hand out. Names and addresses are invented.
CASES = {
    "hjorring": (
        "da-DK",
        "da",
        "Mette Hansen",
        "Mette",
        "Min nabo Karen Jensen på Solvej 4 har fået kræft og kan ikke selv skrive til jer.",
        ("Karen Jensen", "Solvej 4", "kræft"),
    ),
    "norsjo": (
        "sv-SE",
        "sv",
        "Britt Lindqvist",
        "Britt",
        "Min granne Anna Berg på Storgatan 12 har fått cancer och behöver hjälp med ansökan.",
        ("Anna Berg", "Storgatan 12", "cancer"),
    ),
}
SEARCHED = {"da": "CPR", "sv": "personnummer"}


@pytest.fixture(scope="module")
def server() -> Iterator[bs.Server]:
    if REASON:
        pytest.fail(f"browser tests cannot run in CI: {REASON}")
    with bs.Server() as running:
        yield running


@pytest.fixture(scope="module")
def records(server: bs.Server) -> dict[str, int]:
    """The citizen's comment of each case, stored in the server's archive: organisation → record id."""
    from rettesnor.archive.ingest import Incoming
    from rettesnor.governance import tenants
    from rettesnor.intake import ingest
    from rettesnor.records.archive_models import ArchiveRecord
    from rettesnor.records.db import make_engine, unit_of_work
    from rettesnor.records.models import Account

    engine = make_engine(server.database_url())
    out = {}
    try:
        for slug, (_, _, author, _, text, _) in CASES.items():
            with unit_of_work(engine, actor="test") as session:
                org = tenants.get_organisation(session, slug)
                account = session.scalars(select(Account.id).where(Account.organisation_id == org.id)).first()
                pid = f"journey-archive-{slug}"
                comment = Incoming(
                    platform="facebook",
                    platform_id=pid,
                    kind="comment",
                    text=text,
                    account=account,
                    author_id=f"u-{slug}-77",
                    author_name=author,
                    published_at=dt.datetime.now(dt.UTC),
                )
                ingest(session, org, [comment])
                out[slug] = session.scalars(
                    select(ArchiveRecord.id).where(ArchiveRecord.platform_id == pid)
                ).one()
    finally:
        engine.dispose()
    return out


@pytest.fixture(scope="module")
def browser(server: bs.Server) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = bs.launch(p)
        yield chromium
        chromium.close()


def _page(browser: Any, locale: str) -> Any:
    context = browser.new_context(locale=locale, bypass_csp=True, accept_downloads=True)
    context.set_default_timeout(20_000)
    return context.new_page()


def _clean(page: Any, where: str) -> None:
    violations = bs.axe_violations(page)
    assert not violations, f"serious or critical accessibility violations on {where}: {violations}"


@pytest.mark.parametrize("org", list(CASES))
def test_find_by_part_of_the_name_export_redacted_and_download_the_extract(
    browser: Any, server: bs.Server, records: dict[str, int], org: str
) -> None:
    locale, lang, author, first_name, text, secrets = CASES[org]
    _ = catalogue(lang)
    record = records[org]
    page = _page(browser, locale)
    try:
        bs.sign_in(page, server.url, f"{org}.arkiv")
        page.goto(f"{server.url}/archive")
        assert page.get_attribute("html", "lang") == lang
        page.fill("#a-author", first_name)  # only the first name: part of "Mette Hansen"
        page.locator("form[action='/archive'] button[type=submit]").click()
        page.wait_for_load_state()
        assert page.locator(f"a[href='/archive/records/{record}']").count() == 1
        _clean(page, "/archive (found by part of a name)")

        page.check(f"#pick-{record}")
        page.check("#fmt-html")
        page.locator("form.export button[type=submit]:not([formaction])").click()
        page.wait_for_url(f"{server.url}/archive/export")
        shown = page.inner_text("main")
        assert " ".join(text.split()[:2]) in shown  # the comment is there, only its personal data is not
        for secret in (*secrets, author):
            assert secret not in shown, f"{secret!r} left in the access-request export"
        for category in ("person_name", "address", "special_category"):
            label = _[labels.CATEGORIES[category]]
            assert f"[{label}]" in shown, category  # the placeholder in the reader's language
        log = page.locator("table", has=page.locator("caption", has_text=_["Redactions"]))
        assert (
            log.count() >= 1 and log.first.locator("tbody tr").count() >= 4
        )  # name, address, health, author
        _clean(page, "/archive/export")

        page.goto(f"{server.url}/archive")
        with page.expect_download() as info:
            page.locator("form[action='/archive/noark5'] button[type=submit]").click()
        download = info.value
        assert re.fullmatch(rf"{org}-arkivuttrekk-\d{{4}}-\d{{2}}-\d{{2}}\.zip", download.suggested_filename)
        with zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read())) as zf:
            names = set(zf.namelist())
            structure = zf.read("arkivstruktur.xml").decode("utf-8")
        assert {"arkivuttrekk.xml", "arkivstruktur.xml", "endringslogg.xml"} <= names
        assert "registrering" in structure and any(n.startswith("DOKUMENT/") for n in names)
    finally:
        page.context.close()


@pytest.mark.parametrize("org", list(CASES))
def test_search_the_guideline_and_follow_its_contents(browser: Any, server: bs.Server, org: str) -> None:
    locale, lang, *_rest = CASES[org]
    page = _page(browser, locale)
    try:
        bs.sign_in(page, server.url, f"{org}.ansat")
        page.goto(f"{server.url}/guideline")
        all_rules = page.locator("section.rule").count()
        assert all_rules > 5
        _clean(page, "/guideline")
        toc = page.locator("nav.toc a[href^='#rule-']")
        target = toc.nth(toc.count() - 1).get_attribute("href") or ""  # the last rule: far down the page
        toc.nth(toc.count() - 1).click()
        assert urlsplit(page.url).fragment == target[1:]
        assert page.locator(target).is_visible()
        assert page.evaluate(f"() => document.querySelector('{target}').getBoundingClientRect().top") < 200
        assert page.locator(target).locator("span.badge.baseline").count() == 1  # NB…: the Nordic baseline
        assert page.locator(target).locator("blockquote.law cite").count() >= 1  # and the law it rests on

        page.fill("#g-q", SEARCHED[lang])
        page.locator("form[action='/guideline'] button[type=submit]").click()
        page.wait_for_load_state()
        found = page.locator("section.rule").count()
        assert 0 < found < all_rules
        assert page.locator("[role=status]").inner_text().startswith(f"{found} ")
        _clean(page, "/guideline?q=")
    finally:
        page.context.close()
