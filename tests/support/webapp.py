"""The web application on a demo database for the web tests: built once per test session (SQLite file).

Logins are the demo logins (``<org>.komm`` communications officer, ``<org>.leder`` unit leader,
``<org>.ansat`` employee; password ``rettesnor-demo``).
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
import warnings
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import Engine

from rettesnor import demo as governance_demo
from rettesnor.records import migrate
from rettesnor.records.db import make_engine, unit_of_work
from rettesnor.web import demo, tokens
from rettesnor.web.app import create_app
from rettesnor.web.settings import Settings

with warnings.catch_warnings():  # Starlette would like httpx2 one day; httpx is what FastAPI documents
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

__all__ = ["TestClient", "api_token", "csrf_of", "demo_engine", "load_demo", "login", "make_app"]
PASSWORD = demo.DEMO_PASSWORD
SECRET = "test-secret-" + "x" * 40
_ENGINE: Engine | None = None


def load_demo(engine: Engine) -> None:
    migrate.upgrade(engine)
    with unit_of_work(engine, actor="test") as session:
        governance_demo.load(session)
        demo.load(session)


def demo_engine() -> Engine:
    """A migrated SQLite database with the demo loaded, shared by the web tests of this process."""
    global _ENGINE
    if _ENGINE is None:
        folder = Path(tempfile.mkdtemp(prefix="rettesnor-web-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        engine = make_engine(f"sqlite:///{folder / 'web.db'}")
        load_demo(engine)
        _ENGINE = engine
    return _ENGINE


def make_app(engine: Engine | None = None, **settings: object) -> FastAPI:
    values: dict[str, object] = {"secret_key": SECRET, "secure_cookies": False, **settings}
    cfg = Settings(**values)  # type: ignore[arg-type]
    return create_app(cfg, engine=engine or demo_engine())


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in; the CSRF token of the new session."""
    token = csrf_of(client.get("/login").text)
    r = client.post(
        "/login", data={"csrf": token, "username": username, "password": password}, follow_redirects=False
    )
    assert r.status_code == 303, r.text[:500]
    return csrf_of(client.get("/check").text)


def api_token(engine: Engine, org: str, scopes: list[str] | None = None, username: str | None = None) -> str:
    """A new API token of ``org`` acting as the person of the demo login ``username`` (default komm)."""
    from sqlalchemy import select

    from rettesnor.records.web_models import WebUser

    with unit_of_work(engine, actor="test") as session:
        user = session.scalars(select(WebUser).where(WebUser.username == (username or f"{org}.komm"))).one()
        secret, _ = tokens.create(session, org, user.person_id, "test", scopes)
    return secret
