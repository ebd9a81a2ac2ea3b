"""Issue 15, findings about people and sessions: each test names the finding it closes.

1 logout ends a session (server-side sessions); 2 tokens end with their person and never exceed the
roles; 5 login throttling per login and per address, proxies trusted only when configured; 6 Secure,
__Host- and HSTS behind a proxy; 7 a one-time code is spent once, also by concurrent requests
(PostgreSQL); 10 the life cycle of a login (change, reset, disable, enable; web and CLI); 11 the
database files are 0600.
"""

from __future__ import annotations

import datetime as dt
import re
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import Engine, select, update

from rettesnor.cli.web import serve_settings
from rettesnor.governance import people, tenants
from rettesnor.records import migrate
from rettesnor.records.db import make_engine, session_factory, unit_of_work
from rettesnor.records.models import Person
from rettesnor.records.web_models import SCOPE_ROLES, ApiToken, WebSession, WebUser
from rettesnor.web import auth, totp
from rettesnor.web.security import hash_password, new_api_token, token_digest
from support.clisupport import run_cli
from support.dbsupport import FreshDatabase
from support.webapp import PASSWORD, SECRET, TestClient, csrf_of, load_demo, login, make_app

ORG = "hjorring"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A demo database of this module's own: its tests grant roles and let people leave."""
    own = make_engine(f"sqlite:///{tmp_path_factory.mktemp('sessions') / 'web.db'}")
    load_demo(own)
    yield own
    own.dispose()


@pytest.fixture
def cli_engine(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The CLI works on this module's database."""
    monkeypatch.setattr("rettesnor.records.db.make_engine", lambda *a, **k: engine)
    monkeypatch.setattr(engine, "dispose", lambda: None)
    return engine


_counter = iter(range(1, 10_000))


def _person(engine: Engine, role: str | None = None) -> int:
    """A new person of ORG (invented), with ``role`` when given."""
    n = next(_counter)
    with unit_of_work(engine, actor="test") as session:
        org = tenants.get_organisation(session, ORG)
        unit = session.scalars(select(Person.unit_id).where(Person.organisation_id == org.id)).first()
        person = people.add_person(session, org, name=f"Testperson {n}", unit=unit, started_on="2024-01-01")
        if role is not None:
            people.grant_role(session, org, person.id, role)
        return person.id


def _login_for(engine: Engine, role: str | None = None, password: str = PASSWORD) -> str:
    """A new login of a new person; its user name."""
    person_id = _person(engine, role)
    username = f"{ORG}.test{person_id}"
    with unit_of_work(engine, actor="test") as session:
        org = tenants.get_organisation(session, ORG)
        session.add(
            WebUser(
                organisation_id=org.id,
                person_id=person_id,
                username=username,
                password_hash=hash_password(password),
            )
        )
    return username


def _copy(app: object, client: TestClient) -> TestClient:
    """Another browser with a copy of ``client``'s cookies (a stolen cookie)."""
    thief = TestClient(app)  # type: ignore[arg-type]
    for cookie in client.cookies.jar:
        thief.cookies.set(cookie.name, cookie.value or "")
    return thief


def _out(r: object) -> bool:
    """The answer sends the browser to the login page."""
    return getattr(r, "status_code", 0) == 303 and "/login" in getattr(r, "headers", {}).get("location", "")


# --- Finding 1: logout ends the session; idle and absolute lifetime; the sessions page -----------------


def test_finding_1_a_cookie_copied_before_logout_opens_nothing_after(engine: Engine) -> None:
    app = make_app(engine)
    user = TestClient(app)
    csrf = login(user, f"{ORG}.komm")
    page = user.get("/moderation").text
    record = re.findall(r'id="case-(\d+)"', page)[0]
    thief = _copy(app, user)
    assert thief.get("/moderation").status_code == 200  # the copy works while the session lives

    user.post("/logout", data={"csrf": csrf})
    assert _out(thief.get("/moderation", follow_redirects=False))
    decide = {"csrf": csrf, "action": "keep", "reason": "stolen"}
    assert _out(thief.post(f"/moderation/{record}/decide", data=decide, follow_redirects=False))
    # POST /language with the ended session answers, but the new cookie opens nothing either.
    r = thief.post(
        "/language", data={"csrf": csrf, "lang": "da", "next": "/moderation"}, follow_redirects=False
    )
    assert r.status_code == 303
    assert _out(thief.get("/moderation", follow_redirects=False))
    with session_factory(engine)() as session:
        assert session.scalars(select(WebSession.end_reason).where(WebSession.end_reason == "logout")).first()


@pytest.mark.parametrize(
    ("field", "age", "reason"), [("last_seen_at", 2, "idle"), ("created_at", 9, "expired")]
)
def test_finding_1_a_session_ends_after_idle_and_absolute_lifetime(
    engine: Engine, field: str, age: int, reason: str
) -> None:
    username = _login_for(engine)
    client = TestClient(make_app(engine))  # idle 1 h, absolute 8 h (the defaults)
    login(client, username)
    with unit_of_work(engine, actor="test") as session:
        user_id = session.scalars(select(WebUser.id).where(WebUser.username == username)).one()
        then = dt.datetime.now(dt.UTC) - dt.timedelta(hours=age)
        session.execute(update(WebSession).where(WebSession.user_id == user_id).values({field: then}))
    assert _out(client.get("/check", follow_redirects=False))
    with session_factory(engine)() as session:
        row = session.scalars(select(WebSession).where(WebSession.user_id == user_id)).one()
    assert row.ended_at is not None and row.end_reason == reason


def test_finding_1_the_sessions_page_ends_one_session_or_all(engine: Engine) -> None:
    username = _login_for(engine)
    app = make_app(engine)
    laptop, phone = (
        TestClient(app, headers={"user-agent": "Laptop/1"}),
        TestClient(app, headers={"user-agent": "Phone/2"}),
    )
    csrf = login(laptop, username)
    login(phone, username)
    page = laptop.get("/account/sessions").text
    assert "Laptop/1" in page and "Phone/2" in page and page.count("(this browser)") == 1
    ids = re.findall(r'action="/account/sessions/(\d+)/end"', page)
    assert len(ids) == 2
    other = next(i for i in ids if f"/account/sessions/{i}/end" in page.split("Phone/2")[1][:400])
    r = laptop.post(f"/account/sessions/{other}/end", data={"csrf": csrf})
    assert r.status_code == 200 and "That session is ended." in r.text
    assert _out(phone.get("/check", follow_redirects=False))
    assert laptop.get("/check").status_code == 200

    again = TestClient(app)
    login(again, username)
    r = laptop.post("/account/sessions/end-all", data={"csrf": csrf}, follow_redirects=False)
    assert _out(r)
    assert _out(laptop.get("/check", follow_redirects=False)) and _out(
        again.get("/check", follow_redirects=False)
    )


# --- Finding 2: tokens expire, are revoked, end with their person and never exceed the roles -----------


def _token(engine: Engine, person_id: int, scopes: str, days: int = 90) -> str:
    """A token row written as an older version would have (no check of the roles)."""
    secret = new_api_token()
    with unit_of_work(engine, actor="test") as session:
        org = tenants.get_organisation(session, ORG)
        expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
        digest = token_digest(secret)
        session.add(
            ApiToken(
                organisation_id=org.id,
                person_id=person_id,
                name="t",
                prefix=secret[:8],
                token_sha256=digest,
                scopes=scopes,
                expires_at=expires,
            )
        )
    return secret


def _export(app: object, secret: str) -> int:
    r = TestClient(app).get(  # type: ignore[arg-type]
        "/api/v1/archive/export.jsonl", headers={"Authorization": f"Bearer {secret}"}
    )
    return r.status_code


def test_finding_2_a_token_stops_when_its_person_leaves(
    engine: Engine, cli_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    person = _person(engine, "records_manager")
    code, out, err = run_cli(
        capsys, "web", "token", "--org", ORG, "--as", str(person), "--scope", "archive:read"
    )
    assert code == 0, err
    secret = out.strip().splitlines()[-1]
    app = make_app(engine)
    assert _export(app, secret) == 200
    code, _, err = run_cli(capsys, "people", "leave", str(person), "--org", ORG)
    assert code == 0, err
    assert _export(app, secret) == 401
    with session_factory(engine)() as session:
        row = session.scalars(select(ApiToken).where(ApiToken.person_id == person)).one()
    assert row.revoked_at is not None


def test_finding_2_a_token_never_does_more_than_its_persons_roles(
    engine: Engine, cli_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    employee = _person(engine)  # no role: the pages do not open the archive for them
    code, _, err = run_cli(
        capsys, "web", "token", "--org", ORG, "--as", str(employee), "--scope", "archive:read"
    )
    assert code != 0 and "roles do not allow the scope 'archive:read'" in err
    old = _token(engine, employee, "archive:read check")  # made before roles bounded the scopes
    app = make_app(engine)
    assert _export(app, old) == 403
    r = TestClient(app).post(
        "/api/v1/check", json={"text": "Hej"}, headers={"Authorization": f"Bearer {old}"}
    )
    assert r.status_code == 200  # what everyone may do still works

    manager = _person(engine, "records_manager")
    secret = _token(engine, manager, "archive:read")
    assert _export(app, secret) == 200
    with unit_of_work(engine, actor="test") as session:
        org = tenants.get_organisation(session, ORG)
        grant = people.roles_of(session, org, manager)[0]
        people.revoke_role(session, org, grant.id)
    assert _export(app, secret) == 401  # revoked with the role
    with session_factory(engine)() as session:
        assert session.scalars(select(ApiToken.revoked_at).where(ApiToken.person_id == manager)).one()


def test_finding_2_tokens_expire_and_are_revoked_from_the_cli_and_the_page(
    engine: Engine, cli_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    manager = _person(engine, "records_manager")
    app = make_app(engine)
    assert _export(app, _token(engine, manager, "archive:read", days=-1)) == 401  # expired

    by_cli = _token(engine, manager, "archive:read")
    code, out, _ = run_cli(capsys, "web", "tokens", "--org", ORG)
    with session_factory(engine)() as session:
        token_id = session.scalars(
            select(ApiToken.id).where(ApiToken.token_sha256 == token_digest(by_cli))
        ).one()
    assert code == 0 and re.search(rf"^\s*{token_id}\s+rtn_", out, re.M)
    code, out, _ = run_cli(capsys, "web", "revoke-token", str(token_id), "--org", ORG)
    assert code == 0 and "revoked" in out and _export(app, by_cli) == 401

    by_page = _token(engine, manager, "archive:read")
    with session_factory(engine)() as session:
        token_id = session.scalars(
            select(ApiToken.id).where(ApiToken.token_sha256 == token_digest(by_page))
        ).one()
    client = TestClient(app)
    csrf = login(client, f"{ORG}.komm")  # a communications officer governs the organisation's tokens
    assert f"/account/tokens/{token_id}/revoke" in client.get("/account/tokens").text
    r = client.post(f"/account/tokens/{token_id}/revoke", data={"csrf": csrf})
    assert r.status_code == 200 and "Tokenen er tilbagekaldt" in r.text  # komm reads Danish
    assert _export(app, by_page) == 401
    employee = TestClient(app)
    csrf = login(employee, f"{ORG}.ansat")  # one who does not govern tokens may revoke only their own
    assert employee.post(f"/account/tokens/{token_id}/revoke", data={"csrf": csrf}).status_code == 404


def test_finding_2_the_scopes_follow_the_areas() -> None:
    """SCOPE_ROLES (records) says the same as the areas of the pages (web.auth)."""
    for scope, roles in SCOPE_ROLES.items():
        areas = [a for a, s in auth.SCOPE_OF.items() if s == scope]
        allowed = [auth.AREAS[a] for a in areas]
        if roles is None:
            assert all(a is None for a in allowed), scope
        else:
            assert all(a is not None and a <= roles for a in allowed) and roles in allowed, scope


# --- Finding 5: throttling per login and per address; proxies only when trusted ------------------------


def _attempt(client: TestClient, username: str, password: str, forwarded: str | None = None) -> int:
    csrf = csrf_of(client.get("/login").text)
    headers = {"x-forwarded-for": forwarded} if forwarded else {}
    form = {"csrf": csrf, "username": username, "password": password}
    return client.post("/login", data=form, headers=headers, follow_redirects=False).status_code


def test_finding_5_forged_forwarded_addresses_do_not_escape_the_limit(engine: Engine) -> None:
    victim, colleague = _login_for(engine), _login_for(engine)
    client = TestClient(make_app(engine), client=("127.0.0.1", 40000))  # a peer on loopback, no proxy set
    codes = [_attempt(client, victim, "wrong", f"198.51.100.{i}") for i in range(60)]
    assert codes.count(401) == 10 and codes[10:] == [429] * 50
    assert _attempt(client, victim, PASSWORD) == 429  # the login waits, even with the right password
    assert _attempt(client, colleague, PASSWORD) == 303  # another login from the same address does not


def test_finding_5_behind_a_trusted_proxy_each_client_has_its_own_address(engine: Engine) -> None:
    app = make_app(engine, forwarded_allow_ips="127.0.0.1", login_address_attempts=5)
    proxy = TestClient(app, client=("127.0.0.1", 40000))
    names = [_login_for(engine) for _ in range(7)]
    # A sprayer behind the proxy: one wrong password for each of many logins, forging the first entry.
    codes = [_attempt(proxy, n, "wrong", f"10.0.0.{i}, 203.0.113.9") for i, n in enumerate(names[:6])]
    assert codes == [401] * 5 + [429]
    assert _attempt(proxy, names[6], PASSWORD, "203.0.113.9") == 429
    assert _attempt(proxy, names[6], PASSWORD, "192.0.2.44") == 303  # another person behind the same proxy
    outsider = TestClient(app, client=("192.0.2.200", 40000))  # not the proxy: its header is not believed
    assert _attempt(outsider, names[5], PASSWORD, "192.0.2.44") == 303


def test_finding_5_and_6_the_served_app_behind_a_proxy_on_loopback() -> None:
    """``rettesnor serve --secure-cookies`` as a process on loopback, as behind an HTTPS proxy: no forged
    X-Forwarded-For escapes the limit (no proxy is trusted unless configured), and the cookie is
    ``__Host-`` and ``Secure`` with HSTS."""
    import httpx

    from support import browsersupport as bs

    with bs.Server(args=("--secure-cookies",)) as server, httpx.Client(base_url=server.url) as http:
        codes = []
        for i in range(15):
            first = http.get("/login")
            cookie = first.headers["set-cookie"]
            assert cookie.startswith("__Host-rettesnor=") and "; secure" in cookie.lower()
            assert first.headers["strict-transport-security"].startswith("max-age=")
            jar = cookie.split(";")[0]  # a Secure cookie: sent by hand over this plain-HTTP test connection
            form = {"csrf": csrf_of(first.text), "username": f"{ORG}.komm", "password": "wrong"}
            headers = {"cookie": jar, "x-forwarded-for": f"198.51.100.{i}"}
            http.cookies.clear()
            codes.append(http.post("/login", data=form, headers=headers).status_code)
    assert codes == [401] * 10 + [429] * 5, codes


# --- Finding 6: Secure, __Host- and HSTS behind an HTTPS proxy ----------------------------------------


@pytest.mark.parametrize(
    ("options", "secure"),
    [
        ({}, False),
        ({"secure_cookies": True}, True),
        ({"public_url": "https://some.kommune.dk"}, True),
        ({"insecure_cookies": True}, False),
    ],
)
def test_finding_6_secure_cookies_on_loopback_when_asked(
    engine: Engine, options: dict[str, object], secure: bool
) -> None:
    settings = serve_settings("127.0.0.1", **options)  # type: ignore[arg-type]
    assert settings.secure_cookies is secure
    values = {"secure_cookies": settings.secure_cookies, "forwarded_allow_ips": settings.forwarded_allow_ips}
    client = TestClient(make_app(engine, **values), base_url="https://testserver")
    r = client.get("/login")
    cookie = r.headers["set-cookie"]
    assert cookie.startswith("__Host-rettesnor=") is secure and ("secure" in cookie.lower()) is secure
    assert ("strict-transport-security" in r.headers) is secure
    assert serve_settings("0.0.0.0").secure_cookies  # not on loopback: always secure


# --- Finding 7: a one-time code is spent once, also by concurrent requests on PostgreSQL ---------------


def test_finding_7_a_totp_code_gets_one_session_in_of_many_concurrent(tmp_path: Path) -> None:
    database = FreshDatabase("postgresql", tmp_path)
    try:
        pg = database.engine
        load_demo(pg)
        key = pyotp.random_base32()
        with unit_of_work(pg, actor="test") as session:
            user = session.scalars(select(WebUser).where(WebUser.username == f"{ORG}.komm")).one()
            user.totp_secret = totp.SecretBox(SECRET).seal(key)
            user.totp_enabled_at = dt.datetime.now(dt.UTC)
        app = make_app(pg)
        code = pyotp.TOTP(key).now()  # one code, brought by twelve requests at the same moment
        clients, forms = [], []
        for _ in range(12):
            client = TestClient(app)
            form = {
                "csrf": csrf_of(client.get("/login").text),
                "username": f"{ORG}.komm",
                "password": PASSWORD,
            }
            assert (
                client.post("/login", data=form, follow_redirects=False).headers["location"] == "/login/code"
            )
            clients.append(client)
            forms.append({"csrf": csrf_of(client.get("/login/code").text), "code": code})
        start, results = threading.Barrier(len(clients)), [0] * len(clients)

        def attempt(i: int) -> None:
            start.wait()
            results[i] = clients[i].post("/login/code", data=forms[i], follow_redirects=False).status_code

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(len(clients))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert results.count(303) == 1 and results.count(401) == len(clients) - 1, results
    finally:
        database.drop()


# --- Finding 10: change, reset, disable and enable a login; from the web and the CLI --------------------


def test_finding_10_change_the_password_with_the_old_one(engine: Engine) -> None:
    username = _login_for(engine)
    app = make_app(engine)
    here, elsewhere = TestClient(app), TestClient(app)
    csrf = login(here, username)
    login(elsewhere, username)
    here.post("/language", data={"csrf": csrf, "lang": "sv", "next": "/account/password"})
    new = "a brand new secret 42"
    wrong = here.post("/account/password", data={"csrf": csrf, "current": "nope", "new": new, "repeat": new})
    assert wrong.status_code == 422 and "Det nuvarande lösenordet är fel." in wrong.text
    short = here.post(
        "/account/password", data={"csrf": csrf, "current": PASSWORD, "new": "kort", "repeat": "kort"}
    )
    assert short.status_code == 422 and "minst 12 tecken" in short.text
    r = here.post("/account/password", data={"csrf": csrf, "current": PASSWORD, "new": new, "repeat": new})
    assert r.status_code == 200 and "Ditt lösenord är bytt" in r.text
    assert here.get("/check").status_code == 200  # this browser stays signed in
    assert _out(elsewhere.get("/check", follow_redirects=False))  # the others are signed out
    assert _attempt(TestClient(app), username, PASSWORD) == 401
    assert _attempt(TestClient(app), username, new) == 303


def test_finding_10_an_administrator_resets_disables_and_enables_on_the_page(engine: Engine) -> None:
    admin, someone = _login_for(engine, "administrator"), _login_for(engine)
    app = make_app(engine)
    victim = TestClient(app)
    login(victim, someone)
    boss = TestClient(app)
    csrf = login(boss, admin)
    page = boss.get("/logins").text
    user_id = re.search(rf"<th scope=\"row\">{re.escape(someone)}</th>.*?/logins/(\d+)/reset", page, re.S)
    assert user_id
    uid = user_id.group(1)
    r = boss.post(f"/logins/{uid}/reset", data={"csrf": csrf})
    temporary = re.search(r'id="temporary">([^<]+)<', r.text)
    assert r.status_code == 200 and temporary
    assert _out(victim.get("/check", follow_redirects=False))  # the reset ended their sessions
    fresh = TestClient(app)
    form = {"csrf": csrf_of(fresh.get("/login").text), "username": someone, "password": temporary.group(1)}
    r = fresh.post("/login", data=form, follow_redirects=False)
    assert r.headers["location"] == "/account/password"
    assert fresh.get("/check", follow_redirects=False).headers["location"] == "/account/password"
    csrf2 = csrf_of(fresh.get("/account/password").text)
    new = "chosen by myself 2026"
    fresh.post(
        "/account/password", data={"csrf": csrf2, "current": temporary.group(1), "new": new, "repeat": new}
    )
    assert fresh.get("/check").status_code == 200

    assert "is disabled" in boss.post(f"/logins/{uid}/disable", data={"csrf": csrf}).text
    assert _out(fresh.get("/check", follow_redirects=False))
    assert _attempt(TestClient(app), someone, new) == 401
    assert "is enabled" in boss.post(f"/logins/{uid}/enable", data={"csrf": csrf}).text
    assert _attempt(TestClient(app), someone, new) == 303
    employee = TestClient(app)
    ecsrf = login(employee, f"{ORG}.ansat")
    assert employee.get("/logins").status_code == 403
    assert employee.post(f"/logins/{uid}/disable", data={"csrf": ecsrf}).status_code == 403


def test_finding_10_the_cli_resets_disables_enables_and_ends_sessions(
    engine: Engine, cli_engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    username = _login_for(engine)
    app = make_app(engine)
    browser = TestClient(app)
    login(browser, username)
    code, out, _ = run_cli(capsys, "web", "end-sessions", username)
    assert code == 0 and "1 session(s)" in out and _out(browser.get("/check", follow_redirects=False))

    code, out, _ = run_cli(capsys, "web", "disable", username)
    assert code == 0 and "is disabled" in out and _attempt(TestClient(app), username, PASSWORD) == 401
    code, out, _ = run_cli(capsys, "web", "enable", username)
    assert code == 0 and "is enabled" in out and _attempt(TestClient(app), username, PASSWORD) == 303

    code, out, _ = run_cli(capsys, "web", "reset-password", username)
    temporary = out.strip().splitlines()[-1]
    assert code == 0 and _attempt(TestClient(app), username, PASSWORD) == 401
    client = TestClient(app)
    form = {"csrf": csrf_of(client.get("/login").text), "username": username, "password": temporary}
    assert client.post("/login", data=form, follow_redirects=False).headers["location"] == "/account/password"
    code, _, err = run_cli(capsys, "web", "disable", "nobody.here")
    assert code != 0 and "no login named" in err


# --- Finding 11: the database and its WAL are readable by their owner only --------------------------------


def test_finding_11_database_files_are_0600(tmp_path: Path) -> None:
    path = tmp_path / "data" / "rettesnor.db"
    fresh = make_engine(f"sqlite:///{path}")
    try:
        migrate.upgrade(fresh)
        with fresh.connect() as conn:  # keep a connection open: the -wal and -shm files exist now
            conn.exec_driver_sql("SELECT count(*) FROM web_user").scalar()
            files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
            modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in files}
    finally:
        fresh.dispose()
    assert modes == dict.fromkeys(modes, 0o600), modes
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
