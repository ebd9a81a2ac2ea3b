"""Issue 18, the publishing journey in Chromium, in Danish (Hjørring) and Norwegian (Hustadvika):

an employee who is a designated author composes a post with a photo of a person (scikit-image's
astronaut), is stopped by the consent finding, writes the basis as the acknowledgement and submits; the
leader of the account's unit approves; ``rettesnor publish worker --once`` publishes it; the post is on the
stand-in's page with its photo (fetched from the signed URL) and in the archive with its approval chain;
a person who is not a designated author saves a draft but cannot submit it.

One server (``rettesnor serve`` on a demo database) and one Chromium for the module. Per organisation the
test designates the demo employee as an author of one Facebook account, makes the demo leader a leader of
its unit if they are not one already, and connects the account to a page of the Graph API stand-in.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from rettesnor.i18n import catalogue
from support import browsersupport as bs
from support.platformdata import APP_SECRET, KEY, PAGE_TOKEN, VERIFY_TOKEN, settings

REASON = bs.missing() or (None if bs.AXE.is_file() else f"{bs.AXE} is missing (make test runs npm ci)")
if REASON and not os.environ.get("CI"):
    pytest.skip(REASON, allow_module_level=True)

SECRET = "journey-publish-secret-" + "j" * 24
BIN = Path(sys.executable).parent / "rettesnor"
CASES = {  # organisation: (language, the consent rule, the post, the basis written as acknowledgement)
    "hjorring": (
        "da",
        "HJ010",
        "Se billedet fra sommerfesten på Skovbo Skole i dag.",
        "Forældrene har givet skriftligt samtykke; erklæringerne ligger i sagen.",
    ),
    "hustadvika": (
        "nb",
        "HU010",
        "Se bildet fra sommerfesten på skolen i dag.",
        "Foreldrene har gitt skriftlig samtykke; erklæringene ligger i saken.",
    ),
}


@pytest.fixture(scope="module")
def standin() -> Iterator[Any]:
    from rettesnor.platforms.standin import GraphStandin

    with GraphStandin(app_secret=APP_SECRET) as running:
        yield running


@pytest.fixture(scope="module")
def server(standin: Any) -> Iterator[bs.Server]:
    if REASON:
        pytest.fail(f"browser tests cannot run in CI: {REASON}")
    env = {
        "RETTESNOR_GRAPH_BASE_URL": standin.base_url,
        "RETTESNOR_META_APP_SECRET": APP_SECRET,
        "RETTESNOR_META_VERIFY_TOKEN": VERIFY_TOKEN,
        "RETTESNOR_TOKEN_KEYS": KEY,
        "RETTESNOR_SECRET_KEY": SECRET,
    }
    with bs.Server(extra_env=env) as running:
        running.env["RETTESNOR_BASE_URL"] = running.url  # where the stand-in fetches the photos
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
    context = browser.new_context(bypass_csp=True, locale="en-GB")
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def _engine(server: bs.Server) -> Engine:
    from rettesnor.records.db import make_engine

    return make_engine(server.database_url())


def tr(lang: str, message: str) -> str:
    return catalogue(lang)[message]


PREPARED: dict[str, dict[str, Any]] = {}


def _prepare(server: bs.Server, standin: Any, org_slug: str) -> dict[str, Any]:
    """The employee designated on a Facebook account led by the demo leader; the account connected."""
    if org_slug not in PREPARED:
        PREPARED[org_slug] = _designate_and_connect(server, standin, org_slug)
    return PREPARED[org_slug]


def _designate_and_connect(server: bs.Server, standin: Any, org_slug: str) -> dict[str, Any]:
    from rettesnor.governance import accounts, assignments, people, tenants
    from rettesnor.platforms import connector
    from rettesnor.publishing.service import _leaders
    from rettesnor.records.db import unit_of_work
    from rettesnor.records.models import Account, Person
    from rettesnor.records.web_models import WebUser

    engine = _engine(server)
    try:
        with unit_of_work(engine, actor="test") as db:
            org = tenants.get_organisation(db, org_slug)
            users = db.scalars(select(WebUser).where(WebUser.organisation_id == org.id))
            person = {u.username.split(".")[1]: u.person_id for u in users}
            account = next(
                a
                for a in db.scalars(
                    select(Account)
                    .where(
                        Account.organisation_id == org.id,
                        Account.platform == "facebook",
                        Account.status.in_(("approved", "active")),
                    )
                    .order_by(Account.id)
                )
            )
            if person["leder"] not in _leaders(db, org, account):
                people.grant_role(db, org, person["leder"], "unit_leader", unit=account.unit_id)
            if not accounts.is_designated(db, org, account.id, person["ansat"]):
                made = assignments.assign(db, org, account.id, person["ansat"], "author", person["leder"])
                assignments.accept(db, org, made.id, person["ansat"])
            assert not accounts.is_designated(db, org, account.id, person["moderator"])
            page = standin.add_page(account.name, PAGE_TOKEN + org_slug + "-publish", messaging=False)
            connector.connect(db, org, account.id, page.id, page.token, settings(standin.base_url), by="test")
            moderator = db.get(Person, person["moderator"])
            assert moderator is not None
            return {"account": account.id, "name": account.name, "page": page, "moderator": moderator.name}
    finally:
        engine.dispose()


def _astronaut(folder: Path) -> Path:
    from PIL import Image
    from skimage import data as skimage_data

    path = folder / "sommerfest.jpg"
    out = io.BytesIO()
    Image.fromarray(skimage_data.astronaut()).save(out, "JPEG")  # type: ignore[no-untyped-call]
    path.write_bytes(out.getvalue())
    return path


def _compose(page: Any, base: str, account: int, text: str, photo: Path | None = None, alt: str = "") -> int:
    page.goto(f"{base}/publish")
    page.select_option("#account", str(account))
    page.fill("#text", text)
    if photo is not None:
        page.set_input_files("#photo-1", str(photo))
        page.fill("#alt-1", alt)
    with page.expect_navigation():
        page.click("#compose button[type=submit]")
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def _no_axe_violations(page: Any) -> None:
    found = bs.axe_violations(page)
    assert not found, found


@pytest.mark.parametrize("org", list(CASES))
def test_compose_consent_basis_approve_publish_archive(
    page: Any, browser: Any, server: bs.Server, standin: Any, tmp_path: Path, org: str
) -> None:
    lang, rule, text, basis = CASES[org]
    base = server.url
    setup = _prepare(server, standin, org)
    # the employee composes a post with a photo of a person
    bs.sign_in(page, base, f"{org}.ansat")
    pub_id = _compose(
        page, base, setup["account"], text, _astronaut(tmp_path), "En astronaut i hvid rumdragt"
    )
    findings = page.locator("#findings").inner_text()
    assert rule in findings
    assert tr(lang, "Draft") in page.locator("#state").inner_text()
    _no_axe_violations(page)
    # stopped by the consent finding: submitting without a word about it is refused
    with page.expect_navigation():
        page.click("#submit-form button[type=submit]")
    assert page.locator("#publish-error").inner_text() == tr(
        lang, "Acknowledge each warning in your own words before you submit: {codes}."
    ).format(codes=rule)
    # the basis, and the post goes to the leader
    page.fill(f"#ack-{rule}", basis)
    with page.expect_navigation():
        page.click("#submit-form button[type=submit]")
    assert page.locator("#publish-error").count() == 0
    assert page.locator("#state").inner_text() == tr(lang, "Waiting for approval")
    assert page.locator("#decide-form").count() == 0  # nobody approves their own post
    # the leader approves
    leader = browser.new_context(bypass_csp=True, locale="en-GB").new_page()
    bs.sign_in(leader, base, f"{org}.leder")
    leader.goto(f"{base}/publish")
    assert leader.locator(f"#waiting a[href='/publish/{pub_id}']").count() == 1
    leader.goto(f"{base}/publish/{pub_id}")
    assert basis in leader.locator("#findings").inner_text()  # the acknowledgement beside its finding
    leader.fill("#comment", "OK")
    with leader.expect_navigation():
        leader.click("#decide-form button[value=approve]")
    assert leader.locator("#state").inner_text() == tr(lang, "Scheduled")
    leader.context.close()
    # the publisher sends it: on the stand-in's page, with the photo Meta fetched from the signed URL
    done = subprocess.run(
        [str(BIN), "publish", "worker", "--once"], env=server.env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0 and "published=1" in done.stdout, done.stderr
    posts = [p for p in standin.posts(setup["page"]) if p.text == text]
    assert len(posts) == 1 and len(posts[0].media) == 1
    assert standin.objects[posts[0].media[0]].image == (tmp_path / "sommerfest.jpg").read_bytes()
    page.reload()
    assert page.locator("#state").inner_text() == tr(lang, "Published")
    assert posts[0].id in page.locator("#platform-id").inner_text()
    # in the archive with its approval chain (the records manager's view)
    bs.sign_in(page, base, f"{org}.arkiv")
    page.goto(f"{base}/publish/{pub_id}")
    with page.expect_navigation():
        page.click("#platform-id a")
    chain = page.locator("#record-chain li")
    acts = [chain.nth(i).get_attribute("data-act") for i in range(chain.count())]
    assert acts[-3:] == ["submitted", "approved", "published"]
    assert basis in page.locator("#publication").inner_text()
    assert tr(lang, "approved") in chain.nth(acts.index("approved")).inner_text()
    _no_axe_violations(page)


@pytest.mark.parametrize("org", list(CASES))
def test_someone_who_is_not_a_designated_author_cannot_submit(
    page: Any, server: bs.Server, standin: Any, org: str
) -> None:
    lang = CASES[org][0]
    base = server.url
    setup = _prepare(server, standin, org)
    bs.sign_in(page, base, f"{org}.moderator")
    pub_id = _compose(page, base, setup["account"], "Biblioteket holder lukket mandag på grund af kursus.")
    assert page.locator("#not-designated").count() == 1
    with page.expect_navigation():
        page.click("#submit-form button[type=submit]")
    refused = tr(
        lang,
        "{person} is not a designated author of {account}. Save the post as a draft and ask a "
        "designated author.",
    )
    assert page.locator("#publish-error").inner_text() == refused.format(
        person=setup["moderator"], account=setup["name"]
    )
    assert page.locator("#state").inner_text() == tr(lang, "Draft")
    assert page.url.endswith(f"/publish/{pub_id}/submit") or page.url.endswith(f"/publish/{pub_id}")


def test_the_text_is_checked_as_it_is_written(page: Any, server: bs.Server, standin: Any) -> None:
    lang, base = "da", server.url
    setup = _prepare(server, standin, "hjorring")
    bs.sign_in(page, base, "hjorring.ansat")
    page.goto(f"{base}/publish")
    page.select_option("#account", str(setup["account"]))
    page.locator("#text").press_sequentially(
        "Ring til Tove Kjærsgaard på 23 45 67 89, hvis du har spørgsmål."
    )
    live = page.locator("#live-findings li")
    live.first.wait_for()
    shown = page.locator("#live-findings").inner_text()
    assert shown.startswith(tr(lang, "Check as you write"))
    assert "23 45 67 89" not in shown and live.count() >= 1
    assert page.locator("#live-findings .sev-block, #live-findings .sev-warn").count() >= 1
