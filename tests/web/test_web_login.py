"""Logins beyond the password: the optional second factor (TOTP) and OpenID Connect.

TOTP: enrol (key, URI, QR), confirm with a code, then the login asks for a code; a code works once; the
secret is stored sealed and never reaches the audit log; an administrator resets it from the CLI.
OpenID Connect: the authorization-code flow with PKCE, state and nonce against a stand-in provider over
real HTTP on loopback (tests/support/oidcstub.py); only existing logins get in.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pyotp
import pytest
from sqlalchemy import Engine, select, update

from rettesnor.records.db import session_factory, unit_of_work
from rettesnor.records.models import AuditEntry, Person
from rettesnor.records.web_models import WebIdentity, WebUser
from rettesnor.web import totp
from rettesnor.web.security import hash_password
from rettesnor.web.settings import OidcProvider, oidc_from_env
from support import oidcstub
from support.webapp import PASSWORD, TestClient, csrf_of, demo_engine, login, make_app


def _new_login(engine: Engine, username: str, like: str) -> None:
    """A login for the same person as the demo login ``like`` (so the demo logins stay as they are)."""
    with unit_of_work(engine, actor="test") as session:
        model = session.scalars(select(WebUser).where(WebUser.username == like)).one()
        org, person = model.organisation_id, model.person_id
        user = WebUser(
            organisation_id=org, person_id=person, username=username, password_hash=hash_password(PASSWORD)
        )
        session.add(user)


def _user(engine: Engine, username: str) -> WebUser:
    with session_factory(engine)() as session:
        return session.scalars(select(WebUser).where(WebUser.username == username)).one()


def _enrol(client: TestClient, token: str) -> str:
    """Turn TOTP on through the pages; the secret."""
    page = client.post("/account/security/totp/start", data={"csrf": token}).text
    secret = re.search(r'<code class="secret">([^<]+)</code>', page)
    uri = re.search(r'href="(otpauth://[^"]+)"', page)
    assert secret and uri and 'src="data:image/svg+xml' in page  # key, URI and QR code
    key = secret.group(1).replace(" ", "")
    assert f"secret={key}" in uri.group(1).replace("&amp;", "&")
    wrong = client.post("/account/security/totp/confirm", data={"csrf": token, "code": "000000"})
    assert wrong.status_code == 422 and not totp.enabled(_user(demo_engine(), "hjorring.totp"))
    step_back = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=30)  # the previous code: within the drift
    ok = client.post(
        "/account/security/totp/confirm", data={"csrf": token, "code": pyotp.TOTP(key).at(step_back)}
    )
    assert ok.status_code == 200 and "Two-step login is on" in ok.text
    return key


def test_totp_enrol_then_login_asks_for_a_code_once() -> None:
    engine = demo_engine()
    _new_login(engine, "hjorring.totp", "hjorring.komm")
    client = TestClient(make_app())
    token = login(client, "hjorring.totp")
    key = _enrol(client, token)

    sealed = _user(engine, "hjorring.totp").totp_secret
    assert sealed and key not in sealed  # stored sealed, not in clear
    with session_factory(engine)() as session:
        q = select(AuditEntry.new_value).where(AuditEntry.object_type == "web_user")
        logged = session.scalars(q.where(AuditEntry.field == "totp_secret")).all()
    assert logged and set(logged) <= {"[restricted]", None}

    fresh = TestClient(make_app())
    form = {
        "csrf": csrf_of(fresh.get("/login").text),
        "username": "hjorring.totp",
        "password": PASSWORD,
        "next": "/tasks",
    }
    r = fresh.post("/login", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login/code"
    assert fresh.get("/check", follow_redirects=False).status_code == 303  # not signed in yet
    code_page = fresh.get("/login/code").text
    bad = fresh.post("/login/code", data={"csrf": csrf_of(code_page), "code": "123456"})
    assert bad.status_code == 401 and "not right" in bad.text
    code = pyotp.TOTP(key).now()
    r = fresh.post("/login/code", data={"csrf": csrf_of(code_page), "code": code}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/tasks"
    assert fresh.get("/tasks").status_code == 200

    again = TestClient(make_app())  # the same code a second time: refused (no replay)
    form["csrf"] = csrf_of(again.get("/login").text)
    again.post("/login", data=form)
    replay = again.post("/login/code", data={"csrf": csrf_of(again.get("/login/code").text), "code": code})
    assert replay.status_code == 401


def test_totp_code_attempts_are_rate_limited_and_admin_reset_turns_it_off(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = demo_engine()
    _new_login(engine, "hjorring.totp2", "hjorring.leder")
    with unit_of_work(engine, actor="test") as session:
        user = session.scalars(select(WebUser).where(WebUser.username == "hjorring.totp2")).one()
        user.totp_secret = totp.SecretBox("test-secret-" + "x" * 40).seal(pyotp.random_base32())
        user.totp_enabled_at = dt.datetime.now(dt.UTC)
    client = TestClient(make_app(login_attempts=3))
    form = {"csrf": csrf_of(client.get("/login").text), "username": "hjorring.totp2", "password": PASSWORD}
    client.post("/login", data=form)
    token = csrf_of(client.get("/login/code").text)
    codes = [client.post("/login/code", data={"csrf": token, "code": "111111"}).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]

    from rettesnor.cli import main

    monkeypatch.setattr("rettesnor.records.db.make_engine", lambda *a, **k: engine)
    monkeypatch.setattr(engine, "dispose", lambda: None)
    with pytest.raises(SystemExit) as exit_:
        main(["web", "reset-totp", "hjorring.totp2"])
    assert exit_.value.code == 0 and "turned off" in capsys.readouterr().out
    assert not totp.enabled(_user(engine, "hjorring.totp2"))
    other = TestClient(make_app())
    form["csrf"] = csrf_of(other.get("/login").text)
    r = other.post("/login", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/check"


def test_totp_off_needs_a_current_code() -> None:
    engine = demo_engine()
    _new_login(engine, "hjorring.totp3", "hjorring.ansat")
    client = TestClient(make_app())
    token = login(client, "hjorring.totp3")
    page = client.post("/account/security/totp/start", data={"csrf": token}).text
    found = re.search(r'<code class="secret">([^<]+)</code>', page)
    assert found
    key = found.group(1).replace(" ", "")
    client.post("/account/security/totp/confirm", data={"csrf": token, "code": pyotp.TOTP(key).now()})
    assert (
        client.post("/account/security/totp/disable", data={"csrf": token, "code": "000000"}).status_code
        == 422
    )
    assert totp.enabled(_user(engine, "hjorring.totp3"))
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=30)  # the code just used may not come again
    off = client.post(
        "/account/security/totp/disable", data={"csrf": token, "code": pyotp.TOTP(key).at(later)}
    )
    assert "Two-step login is off" in off.text and not totp.enabled(_user(engine, "hjorring.totp3"))


def test_a_secret_sealed_with_another_key_does_not_open() -> None:
    sealed = totp.SecretBox("a" * 40).seal("JBSWY3DPEHPK3PXP")
    assert totp.SecretBox("a" * 40).open(sealed) == "JBSWY3DPEHPK3PXP"
    assert totp.SecretBox("b" * 40).open(sealed) is None
    assert "JBSW" not in repr(totp.SecretBox("a" * 40))


# --- OpenID Connect -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def provider() -> Iterator[oidcstub.Provider]:
    with oidcstub.Running() as running:
        yield running


def _settings(p: oidcstub.Provider, **kw: object) -> OidcProvider:
    values: dict[str, object] = {"name": "stub", "label": "Stub ID", "issuer": p.issuer, **kw}
    values.update(client_id=oidcstub.CLIENT_ID, client_secret=oidcstub.CLIENT_SECRET)
    return OidcProvider(**values)  # type: ignore[arg-type]


def _sign_in(
    client: TestClient, p: oidcstub.Provider, claims: dict[str, object], next: str = "/check"
) -> httpx.Response:
    """The browser's part: start, follow the provider's redirect (real HTTP), come back to the callback."""
    p.person = claims
    start = client.get(f"/login/oidc/stub?next={next}", follow_redirects=False)
    assert start.status_code == 302, start.text[:300]
    at_provider = httpx.get(start.headers["location"], follow_redirects=False)
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["location"])
    return client.get(f"{back.path}?{back.query}", follow_redirects=False)


def test_oidc_login_with_pkce_state_and_nonce_links_an_existing_login(provider: oidcstub.Provider) -> None:
    app = make_app(oidc=(_settings(provider, organisation="hjorring"),))
    client = TestClient(app)
    assert "Sign in with Stub ID" in client.get("/login").text
    r = _sign_in(client, provider, {"sub": "abc-123", "preferred_username": "Hjorring.Leder"}, "/moderation")
    assert r.status_code == 303 and r.headers["location"] == "/moderation"
    assert client.get("/moderation").status_code == 200

    sent = provider.authorize_requests[-1]
    assert sent["code_challenge_method"] == "S256" and len(sent["code_challenge"]) >= 43
    assert sent["state"] and sent["nonce"] and "openid" in sent["scope"].split()
    assert provider.token_requests[-1]["code_verifier"]
    with session_factory(demo_engine())() as session:
        linked = session.scalars(select(WebIdentity).where(WebIdentity.subject == "abc-123")).one()
        assert linked.issuer == provider.issuer and linked.last_login_at is not None

    second = TestClient(app)  # next time the subject alone finds the login, whatever the other claims
    r = _sign_in(second, provider, {"sub": "abc-123", "preferred_username": "someone-else"})
    assert r.status_code == 303 and r.headers["location"] == "/check"


def test_oidc_maps_by_email_and_organisation_claim(provider: oidcstub.Provider) -> None:
    engine = demo_engine()
    with unit_of_work(engine, actor="test") as session:
        user = session.scalars(select(WebUser).where(WebUser.username == "sonderborg.leder")).one()
        session.execute(
            update(Person).where(Person.id == user.person_id).values(email="Leder@Sonderborg.example")
        )
    oidc = _settings(
        provider,
        organisation_claim="tenant",
        organisation_values={"tid-42": "sonderborg"},
        username_claim=None,
    )
    client = TestClient(make_app(oidc=(oidc,)))
    claims = {"sub": "e-1", "email": "leder@sonderborg.example", "email_verified": True, "tenant": "tid-42"}
    assert _sign_in(client, provider, claims).status_code == 303
    other = TestClient(make_app(oidc=(oidc,)))  # the same e-mail, another tenant: nobody there
    assert _sign_in(other, provider, {**claims, "sub": "e-2", "tenant": "tid-7"}).status_code == 403
    unverified = TestClient(make_app(oidc=(oidc,)))
    r = _sign_in(unverified, provider, {**claims, "sub": "e-3", "email_verified": False})
    assert r.status_code == 403 and "no login for you here" in r.text


def test_oidc_refuses_unknown_people_and_forged_tokens(provider: oidcstub.Provider) -> None:
    app = make_app(oidc=(_settings(provider, organisation="hjorring"),))
    nobody = _sign_in(TestClient(app), provider, {"sub": "x-1", "preferred_username": "stranger"})
    assert nobody.status_code == 403  # no self-registration
    elsewhere = _sign_in(TestClient(app), provider, {"sub": "x-2", "preferred_username": "norsjo.komm"})
    assert elsewhere.status_code == 403  # a login of another organisation than the provider's
    for forged in (
        {"nonce": "not-the-one-sent"},
        {"aud": "another-client"},
        {"iss": "http://evil.example"},
        {"exp": 1_000_000},
    ):
        provider.tamper = forged
        client = TestClient(app)
        r = _sign_in(client, provider, {"sub": "abc-9", "preferred_username": "hjorring.ansat"})
        assert r.status_code == 401, forged
        assert client.get("/check", follow_redirects=False).status_code == 303
    client = TestClient(app)  # a callback whose state this browser never sent
    provider.person = {"sub": "abc-9", "preferred_username": "hjorring.ansat"}
    client.get("/login/oidc/stub", follow_redirects=False)
    r = client.get("/login/oidc/stub/callback?code=made-up&state=made-up", follow_redirects=False)
    assert r.status_code == 401
    assert TestClient(app).get("/login/oidc/nosuch").status_code == 404


def test_oidc_settings_from_the_environment(tmp_path: object) -> None:
    env = {
        "RETTESNOR_OIDC_CLIENT_ID": "app",
        "RETTESNOR_OIDC_ISSUER": "https://login.example/realms/k/",
        "RETTESNOR_OIDC_CLIENT_SECRET": "s3cret",
        "RETTESNOR_OIDC_ORGANISATION": "hjorring",
        "RETTESNOR_OIDC_LABEL": "Keycloak",
    }
    (p,) = oidc_from_env(env)
    assert p.metadata_url() == "https://login.example/realms/k/.well-known/openid-configuration"
    assert p.organisation == "hjorring" and p.label == "Keycloak" and "s3cret" not in repr(p)
    assert oidc_from_env({}) == ()
    with pytest.raises(ValueError, match="unknown OIDC setting"):
        oidc_from_env(
            {"RETTESNOR_OIDC_FILE": _write(tmp_path, '[{"name": "x", "client_id": "y", "tenant": 1}]')}
        )


def _write(folder: object, text: str) -> str:
    from pathlib import Path

    path = Path(str(folder)) / "oidc.json"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_public_pages_are_rate_limited() -> None:
    client = TestClient(make_app(public_requests=3))
    codes = [client.get("/public/hjorring/accounts").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = client.get("/public/hjorring/accounts")
    assert int(r.headers["retry-after"]) > 0 and "Retry-After" in r.headers


def test_sign_in_logs_hold_no_codes_secrets_or_identities(
    provider: oidcstub.Provider, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    engine = demo_engine()
    _new_login(engine, "hjorring.logtest", "hjorring.ansat")
    key = pyotp.random_base32()
    with unit_of_work(engine, actor="test") as session:
        user = session.scalars(select(WebUser).where(WebUser.username == "hjorring.logtest")).one()
        user.totp_secret = totp.SecretBox("test-secret-" + "x" * 40).seal(key)
        user.totp_enabled_at = dt.datetime.now(dt.UTC)
    app = make_app(oidc=(_settings(provider, organisation="hjorring"),))
    client = TestClient(app)
    form = {"csrf": csrf_of(client.get("/login").text), "username": "hjorring.logtest", "password": PASSWORD}
    client.post("/login", data=form)
    code = pyotp.TOTP(key).now()
    client.post("/login/code", data={"csrf": csrf_of(client.get("/login/code").text), "code": "999999"})
    client.post("/login/code", data={"csrf": csrf_of(client.get("/login/code").text), "code": code})
    _sign_in(TestClient(app), provider, {"sub": "log-sub-77", "email": "secret.person@example.dk"})
    logged = "\n".join(
        f"{r.getMessage()} {r.args}" for r in caplog.records if r.name.startswith(("rettesnor", "authlib"))
    )
    logged = re.sub(r"\d+\.\d+", "<time>", logged)  # timings: 125.8078999999 is no leak of code 999999
    assert "OIDC stub: no login for this identity" in logged  # the refusal is logged, not who it was
    for secret in (
        PASSWORD,
        key,
        code,
        "999999",
        "hjorring.logtest",
        "log-sub-77",
        "secret.person",
        oidcstub.CLIENT_SECRET,
        "code_verifier",
    ):
        assert secret not in logged, secret
