"""The pages: login, CSRF, roles, the journeys (check and redact, decide), languages, security headers."""

from __future__ import annotations

import logging
import re

import pytest

from support.webapp import PASSWORD, TestClient, csrf_of, login, make_app

CPR_TEXT = "Kom til sommerfest! Spørg efter Mette, CPR 120385-1234, ved indgangen."


@pytest.fixture
def client() -> TestClient:
    return TestClient(make_app())


def test_pages_need_a_login_and_come_back_after_it(client: TestClient) -> None:
    r = client.get("/moderation", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/moderation"
    token = csrf_of(client.get("/login?next=/moderation").text)
    form = {"csrf": token, "username": "hjorring.komm", "password": PASSWORD, "next": "/moderation"}
    r = client.post("/login", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/moderation"
    assert client.get("/moderation").status_code == 200


def test_login_refuses_wrong_passwords_open_redirects_and_forged_forms(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    wrong = client.post("/login", data={"csrf": token, "username": "hjorring.komm", "password": "nope"})
    assert wrong.status_code == 401 and "Wrong user name or password" in wrong.text
    evil = {"csrf": token, "username": "hjorring.komm", "password": PASSWORD, "next": "//evil.example/x"}
    r = client.post("/login", data=evil, follow_redirects=False)
    assert r.headers["location"] == "/check"
    other = TestClient(make_app())  # a form without this session's token
    forged = other.post("/login", data={"csrf": token, "username": "hjorring.komm", "password": PASSWORD})
    assert forged.status_code == 403


def test_session_cookie_flags() -> None:
    client = TestClient(make_app())
    token = csrf_of(client.get("/login").text)
    r = client.post(
        "/login",
        data={"csrf": token, "username": "norsjo.ansat", "password": PASSWORD},
        follow_redirects=False,
    )
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    secure = TestClient(make_app(secure_cookies=True), base_url="https://testserver")
    token = csrf_of(secure.get("/login").text)
    r = secure.post(
        "/login",
        data={"csrf": token, "username": "norsjo.ansat", "password": PASSWORD},
        follow_redirects=False,
    )
    cookie = r.headers["set-cookie"].lower()
    assert cookie.startswith("__host-rettesnor=") and "secure" in cookie and "path=/" in cookie
    assert "strict-transport-security" in r.headers


def test_login_is_rate_limited() -> None:
    client = TestClient(make_app(login_attempts=3))
    token = csrf_of(client.get("/login").text)
    codes = [
        client.post("/login", data={"csrf": token, "username": "x", "password": "y"}).status_code
        for _ in range(4)
    ]
    assert codes == [401, 401, 401, 429]
    again = client.post("/login", data={"csrf": token, "username": "x", "password": "y"})
    assert again.status_code == 429 and int(again.headers["retry-after"]) > 0
    # Issue 15 (5): the lock is per login; the right password of another login from the same address
    # still gets in (the address has its own, higher limit: tests/web/test_web_sessions.py).
    good = {"csrf": token, "username": "hjorring.komm", "password": PASSWORD}
    r = client.post("/login", data=good, follow_redirects=False)
    assert r.status_code == 303


def test_forms_without_the_csrf_token_are_refused(client: TestClient) -> None:
    login(client, "hjorring.komm")
    assert client.post("/check", data={"text": "Hej", "csrf": "forged"}).status_code == 403
    assert client.post("/check", data={"text": "Hej"}).status_code == 422


def test_check_marks_findings_and_redacts_one_click(client: TestClient) -> None:
    token = login(client, "hjorring.ansat")
    page = client.post("/check", data={"csrf": token, "text": CPR_TEXT, "kind": "official_post"}).text
    assert re.search(r'<mark class="sev-block" id="span-\d+"><a href="#finding-\d+">120385-1234', page)
    assert "<blockquote>" in page  # the clause quote
    number = re.search(r'<mark class="sev-block" id="span-(\d+)"', page)
    assert number is not None
    redacted = client.post(
        "/check/redact",
        data={
            "csrf": token,
            "text": CPR_TEXT.replace("\n", "\r\n"),
            "kind": "official_post",
            "finding": number.group(1),
        },
    ).text
    textarea = re.search(r"<textarea[^>]*>([^<]*)</textarea>", redacted)
    assert textarea is not None
    assert "120385-1234" not in textarea.group(1) and "[fjernet]" in textarea.group(1)


def test_check_page_counts_the_places_a_finding_does_not_list(client: TestClient) -> None:
    from rettesnor.policy.evaluate import MAX_LISTED

    token = login(client, "hjorring.ansat")
    text = "Skriv til os: " + " ".join(f"borger{k}@example.dk" for k in range(MAX_LISTED + 12))
    page = client.post("/check", data={"csrf": token, "text": text, "kind": "official_post"}).text
    assert re.search(r'<p class="omitted"><span class="label">Steder, der ikke er vist:</span> 12</p>', page)


def test_moderation_queue_newest_first_with_recommendation_and_decision(client: TestClient) -> None:
    token = login(client, "norddjurs.komm")
    page = client.get("/moderation").text
    ids = [int(x) for x in re.findall(r'<article class="case card" id="case-(\d+)"', page)]
    assert ids and ids == sorted(ids, reverse=True)
    assert "Anbefalet handling" in page  # Danish: the login's setting
    record = ids[-1]
    r = client.post(
        f"/moderation/{record}/decide",
        data={"csrf": token, "action": "keep", "reason": "Saglig kritik", "back": "/moderation"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    after = client.get("/moderation").text
    assert f'id="case-{record}"' not in after and "Afgørelsen er registreret" in after
    assert f'id="case-{record}"' in client.get("/moderation?status=decided").text
    bad = client.post(f"/moderation/{record}/decide", data={"csrf": token, "action": "delete", "reason": "x"})
    # refused and said on the queue page in the login's language (was an English error page)
    assert bad.status_code == 200 and "mindst 3 tegn" in bad.text and 'class="flash error"' in bad.text


def test_roles_decide_what_a_login_sees(client: TestClient) -> None:
    login(client, "hjorring.ansat")  # an employee: check and guideline
    assert client.get("/check").status_code == 200 and client.get("/guideline").status_code == 200
    for path in ("/moderation", "/tasks", "/accounts"):
        assert client.get(path).status_code == 403, path
    nav = client.get("/check").text.split("</nav>")[0]
    assert 'href="/moderation"' not in nav
    leader = TestClient(make_app())
    login(leader, "hjorring.leder")
    assert leader.get("/moderation").status_code == 200 and leader.get("/accounts").status_code == 200


def test_tasks_show_overdue_in_red_and_in_words(client: TestClient) -> None:
    login(client, "hjorring.komm")
    page = client.get("/tasks").text
    assert "<table>" in page and "Nedtagning" in page
    if 'class="overdue"' in page:
        assert "Overskredet" in page


def test_accounts_guideline_and_public_list(client: TestClient) -> None:
    login(client, "hustadvika.komm")
    accounts = client.get("/accounts").text
    assert "Kontoregisteret" in accounts and "kulturihustadvika" in accounts
    guideline = client.get("/guideline").text
    assert "<blockquote>" in guideline and "HU" in guideline
    public = TestClient(make_app()).get("/public/hustadvika/accounts")
    assert public.status_code == 200 and "hustadvikakommune" in public.text
    assert "kulturihustadvika" not in public.text  # applied, not active


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("da-DK,da;q=0.9", "Log ind"),
        ("nb-NO,nb;q=0.9,en;q=0.5", "Logg inn"),
        ("nn", "Logg inn"),
        ("sv-SE", "Logga in"),
        ("fr-FR,en;q=0.3", "Sign in"),
        ("de", "Sign in"),
    ],
)
def test_language_from_the_browser(client: TestClient, header: str, expected: str) -> None:
    page = client.get("/login", headers={"Accept-Language": header}).text
    assert f"<h1>{expected}</h1>" in page


def test_language_setting_of_the_user_wins(client: TestClient) -> None:
    token = login(client, "norsjo.komm")
    assert '<html lang="sv">' in client.get("/check", headers={"Accept-Language": "da"}).text
    client.post("/language", data={"csrf": token, "lang": "en", "next": "/tasks"})
    again = TestClient(make_app())
    login(again, "norsjo.komm")
    assert '<html lang="en">' in again.get("/check").text
    again.post("/language", data={"csrf": csrf_of(again.get("/check").text), "lang": "sv"})


def test_security_headers_and_no_inline_script(client: TestClient) -> None:
    r = client.get("/login")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
    login(client, "hjorring.komm")
    for path in ("/check", "/moderation", "/tasks", "/accounts", "/guideline"):
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert " style=" not in html and "<style" not in html and " on" + "click=" not in html, path


def test_request_size_is_limited() -> None:
    client = TestClient(make_app(max_body_bytes=10_000))
    r = client.post("/api/v1/check", content=b"x" * 20_000, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.headers["content-type"].startswith("application/problem+json")

    def chunks() -> object:
        for _ in range(30):
            yield b"y" * 1000

    form = {"Content-Type": "application/x-www-form-urlencoded"}
    streamed = client.post("/login", content=chunks(), headers=form)  # type: ignore[arg-type]
    assert streamed.status_code == 413


def test_logs_hold_no_personal_data_or_secrets(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    token = csrf_of(client.get("/login").text)
    client.post("/login", data={"csrf": token, "username": "hjorring.komm", "password": PASSWORD})
    token = csrf_of(client.get("/check").text)
    client.post("/check", data={"csrf": token, "text": CPR_TEXT})
    client.get("/moderation?category=insult&account=1")
    ours = ("rettesnor", "uvicorn", "fastapi", "starlette", "sqlalchemy", "alembic")
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith(ours))
    assert "POST /check 200" in logged
    for secret in ("120385-1234", "Mette", PASSWORD, "hjorring.komm", "insult", token):
        assert secret not in logged


def test_unknown_pages_and_errors_are_pages_in_the_language(client: TestClient) -> None:
    r = client.get("/no-such-page", headers={"Accept-Language": "sv"})
    assert r.status_code == 404 and "<h1>Hittades inte</h1>" in r.text


def test_a_finding_of_two_categories_is_shown_once_and_removes_only_its_removable_places(
    client: TestClient,
) -> None:
    # HU004 reads the case number and the case question: one finding now, not the same message twice.
    # Taking out the number fixes it; the question words around it are no personal data and stay.
    token = login(client, "hustadvika.ansat")
    text = "Takk for spørsmålet. Du spør når du får svar på søknaden din med saksnummer: 25/01234."
    page = client.post("/check", data={"csrf": token, "text": text, "kind": "reply"}).text
    assert page.count("<code>HU004</code>") == 1
    buttons = re.findall(r'<button type="submit">[^<:]*: ([^<]*)</button>', page)
    assert buttons == ["“25/01234”"]  # not the question's words
    number = re.search(
        r'<li id="finding-(\d+)"[^>]*>\s*<p><strong>[^<]*</strong>[^<]*<span[^>]*>[^<]*</span> <code>HU004',
        page,
    )
    assert number is not None
    redacted = client.post(
        "/check/redact", data={"csrf": token, "text": text, "kind": "reply", "finding": number.group(1)}
    ).text
    textarea = re.search(r"<textarea[^>]*>([^<]*)</textarea>", redacted)
    assert textarea is not None
    assert "25/01234" not in textarea.group(1) and "svar på søknaden din med saksnummer" in textarea.group(1)


def test_the_check_page_names_each_findings_categories_in_the_readers_language(client: TestClient) -> None:
    # The page named no category at all: a finding of two (HU004: case number and case question) read
    # as one of whichever its message spoke of. Now each finding says its categories, as labels, not codes.
    token = login(client, "hustadvika.ansat")
    text = "Takk for spørsmålet. Du spør når du får svar på søknaden din med saksnummer: 25/01234."
    page = client.post("/check", data={"csrf": token, "text": text, "kind": "reply"}).text
    shown = re.findall(r'<p class="categories"><span class="label">([^<]*)</span> ([^<]*)</p>', page)
    assert ("Kategorier:", "Saksnummer, Saksspørsmål") in shown  # HU004 lists the number first
    assert "case_number" not in page and "case_inquiry" not in page
    post = "Kom på sommerfest! Spør etter Kari Nordmann, tlf. 912 34 567, ved inngangen."
    one = client.post("/check", data={"csrf": token, "text": post}).text
    shown = re.findall(r'<p class="categories"><span class="label">([^<]*)</span> ([^<]*)</p>', one)
    assert ("Kategori:", "Telefonnummer") in shown and ("Kategori:", "Personnavn") in shown
