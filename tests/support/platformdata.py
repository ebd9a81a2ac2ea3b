"""Shared pieces of the platform connector tests: settings pointing at the Graph API stand-in, a town
whose account is connected to a stand-in page, a live server on loopback, a comment with a CPR number.

Names are invented; the CPR number is generated (tests/support/idgen.py), never a real one.
"""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import uvicorn
from cryptography.fernet import Fernet
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from rettesnor.platforms import connector
from rettesnor.platforms.settings import PlatformSettings
from rettesnor.platforms.standin import GraphStandin, Page
from rettesnor.records.platform_models import PlatformConnection
from rettesnor.web.app import create_app
from rettesnor.web.settings import Settings
from support.govdata import Town, live_account, make_town
from support.idgen import dk_cpr

APP_SECRET = "test-app-secret-" + "s" * 24
VERIFY_TOKEN = "test-verify-token"
KEY = Fernet.generate_key().decode()
PAGE_TOKEN = "EAAtestpagetoken" + "x" * 40
INSULT = "Du er en idiot og en klovn, hele forvaltningen er en flok idioter."


def cpr_comment(seed: int = 7) -> tuple[str, str]:
    """A comment with a generated CPR number and an insult; (text, the number)."""
    cpr = dk_cpr(random.Random(seed), mod11=True)
    number = f"{cpr[:6]}-{cpr[6:]}"
    return f"Mit CPR-nummer er {number}, se selv. {INSULT}", number


def settings(base_url: str = "http://127.0.0.1:9", **changes: object) -> PlatformSettings:
    values: dict[str, object] = {
        "app_secret": APP_SECRET,
        "verify_token": VERIFY_TOKEN,
        "graph_base_url": base_url,
        "token_keys": (KEY,),
        "backoff_s": 0.01,
        "backoff_max_s": 0.5,
        "timeout_s": 5.0,
        **changes,
    }
    return PlatformSettings(**values)  # type: ignore[arg-type]


@dataclass
class Connected:
    town: Town
    page: Page
    connection: PlatformConnection


def connected_town(
    db: Session, standin: GraphStandin, cfg: PlatformSettings, slug: str = "alpha", pack: str = "dk-hjorring"
) -> Connected:
    town = make_town(db, slug, pack=pack)
    account = live_account(db, town, handle=f"{slug}-skole")
    page = standin.add_page(f"{slug.title()} Skole", PAGE_TOKEN + slug, messaging=False)
    connection, _ = connector.connect(db, town.org, account.id, page.id, page.token, cfg, by="test")
    return Connected(town, page, connection)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def live_server(engine: Engine, cfg: PlatformSettings) -> Iterator[str]:
    """The whole web application under uvicorn on loopback, in a thread; its base URL."""
    app = create_app(Settings(secret_key="t" * 40, secure_cookies=False, platforms=cfg), engine=engine)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
