"""``rettesnor platforms``: connect (token from standard input, shown never again), settings, backfill,
import of a Meta data export (idempotent), status, worker, key rotation; one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import func, select

from rettesnor.platforms.standin import GraphStandin
from rettesnor.records import migrate
from rettesnor.records.archive_models import ArchiveRecord
from rettesnor.records.db import make_engine, session_factory, unit_of_work
from rettesnor.records.models import Account
from support.govdata import live_account, make_town
from support.platformdata import APP_SECRET, KEY, PAGE_TOKEN

BIN = Path(sys.executable).parent / "rettesnor"


def _cli(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN), "platforms", *args], env=env, input=stdin, capture_output=True, text=True, timeout=120
    )


def test_platforms_commands(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    with unit_of_work(engine, actor="test") as db:
        town = make_town(db, "gamma")
        account_id = live_account(db, town, handle="gamma-skole").id
    with GraphStandin(app_secret=APP_SECRET) as standin:
        page = standin.add_page("Gamma Skole", PAGE_TOKEN, messaging=True)
        post = standin.add_post(page, "Ny busplan fra 1. april.")
        standin.add_comment(post, "Hvornår kommer bussen?", "u1", "Tove Kjærsgaard")
        env = {
            **os.environ,
            "RETTESNOR_DATABASE_URL": url,
            "RETTESNOR_META_APP_SECRET": APP_SECRET,
            "RETTESNOR_TOKEN_KEYS": KEY,
            "RETTESNOR_GRAPH_BASE_URL": standin.base_url,
            "RETTESNOR_DATA_DIR": str(tmp_path),
        }
        org = ("--org", "gamma", "--account", str(account_id))
        done = _cli(env, "connect", *org, "--page-id", page.id, stdin=PAGE_TOKEN + "\n")
        assert done.returncode == 0, done.stderr
        assert "fingerprint" in done.stdout and PAGE_TOKEN not in done.stdout + done.stderr

        done = _cli(env, "settings", *org)
        assert done.returncode == 0 and "direct messages on" in done.stdout
        with session_factory(engine)() as s:
            assert s.get(Account, account_id).direct_messages == "on"  # type: ignore[union-attr]

        done = _cli(env, "backfill", *org)
        assert done.returncode == 0 and "records=2" in done.stdout
        assert "records=0" in _cli(env, "backfill", *org).stdout  # idempotent

        export = tmp_path / "comments.json"
        text = "Hvornår åbner hallen?".encode().decode("latin-1")  # how Meta's exports write UTF-8
        entry = {"comment": {"timestamp": 1764000000, "comment": text, "author": "Birk Almind"}}
        export.write_text(json.dumps({"comments_v2": [{"timestamp": 1764000000, "data": [entry]}]}))
        assert "records=1" in _cli(env, "import", *org, str(export)).stdout
        assert "records=0" in _cli(env, "import", *org, str(export)).stdout
        with session_factory(engine)() as s:
            assert s.scalar(select(func.count()).where(ArchiveRecord.text == "Hvornår åbner hallen?")) == 1

        assert _cli(env, "status").stdout.split() == ["pending=0", "done=0", "unrouted=0", "failed=0"]
        assert _cli(env, "worker", "--once").returncode == 0

        newer = Fernet.generate_key().decode()
        done = _cli({**env, "RETTESNOR_TOKEN_KEYS": f"{newer},{KEY}"}, "rotate-keys")
        assert done.returncode == 0 and "1 page tokens re-encrypted" in done.stdout
        done = _cli({**env, "RETTESNOR_TOKEN_KEYS": newer}, "settings", *org)
        assert done.returncode == 0  # the new key alone opens it now

        page.permissions.discard("pages_read_user_content")
        done = _cli({**env, "RETTESNOR_TOKEN_KEYS": newer}, "backfill", *org)
        assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
        assert "pages_read_user_content" in done.stderr and "Appen mangler" in done.stderr  # a Danish town

        done = _cli(env, "settings", "--org", "gamma", "--account", "999")
        assert done.returncode == 2 and done.stderr.startswith("rettesnor: error:") and "999" in done.stderr
    engine.dispose()
