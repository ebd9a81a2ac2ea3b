"""kill -9 of the server in the middle of a webhook load: every delivery it acknowledged is, after a
restart and a worker run, in the archive exactly once and checked. The real ``rettesnor serve`` and
``rettesnor platforms worker`` as subprocesses, signed deliveries over loopback; SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from rettesnor.platforms.payload import sign
from rettesnor.platforms.standin import GraphStandin
from rettesnor.records import migrate
from rettesnor.records.archive_models import ArchiveRecord
from rettesnor.records.db import session_factory, unit_of_work
from rettesnor.records.platform_models import PlatformEvent
from support.dbsupport import FreshDatabase
from support.platformdata import APP_SECRET, KEY, connected_town, cpr_comment, free_port, settings

BIN = Path(sys.executable).parent / "rettesnor"


@pytest.fixture
def fresh(backend: str, tmp_path: Path) -> Iterator[FreshDatabase]:
    db = FreshDatabase(backend, tmp_path)
    try:
        migrate.upgrade(db.engine)
        yield db
    finally:
        db.drop()


def _env(url: str, folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "RETTESNOR_DATABASE_URL": url,
        "RETTESNOR_META_APP_SECRET": APP_SECRET,
        "RETTESNOR_TOKEN_KEYS": KEY,
        "RETTESNOR_SECRET_KEY": "k" * 40,
        "RETTESNOR_DATA_DIR": str(folder),
    }


def _serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        [str(BIN), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/webhooks/meta", timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("rettesnor serve did not start")


def _delivery(page_id: str, n: int, text: str) -> tuple[bytes, str]:
    cid = f"{page_id}_9{n:06d}"
    value = {
        "from": {"id": f"77{n}", "name": "Tove Kjærsgaard"},
        "item": "comment",
        "verb": "add",
        "comment_id": cid,
        "post_id": f"{page_id}_1",
        "parent_id": f"{page_id}_1",
        "created_time": 1_764_000_000 + n,
        "message": text,
    }
    body = {
        "object": "page",
        "entry": [{"id": page_id, "time": 1_764_000_000 + n, "changes": [{"field": "feed", "value": value}]}],
    }
    return json.dumps(body).encode(), cid


def _post_until_refused(url: str, page_id: str, start: int, count: int, acked: list[str]) -> None:
    text, _ = cpr_comment()
    with httpx.Client(timeout=5) as client:
        for n in range(start, start + count):
            body, cid = _delivery(page_id, n, text if n % 3 == 0 else f"Hvornår åbner hallen igen? ({n})")
            try:
                r = client.post(url, content=body, headers={"X-Hub-Signature-256": sign(APP_SECRET, body)})
            except httpx.TransportError:
                return  # the server is gone: what was not answered was not acknowledged
            if r.status_code == 200:
                acked.append(cid)


def test_every_acknowledged_event_survives_kill_9(fresh: FreshDatabase, tmp_path: Path) -> None:
    with GraphStandin(app_secret=APP_SECRET) as standin, unit_of_work(fresh.engine, actor="test") as db:
        town = connected_town(db, standin, settings(standin.base_url))
        page_id = town.page.id
    env = _env(fresh.url, tmp_path)
    port = free_port()
    url = f"http://127.0.0.1:{port}/webhooks/meta"
    server = _serve(env, port)
    acked: list[str] = []
    threads = [
        threading.Thread(target=_post_until_refused, args=(url, page_id, k * 100_000, 2_000, acked))
        for k in range(4)
    ]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(acked) < 300 and time.monotonic() < deadline:
        time.sleep(0.01)
    server.send_signal(signal.SIGKILL)  # mid-load: requests are in flight
    server.wait(10)
    for t in threads:
        t.join(30)
    before_restart = len(acked)
    assert 300 <= before_restart < 8_000  # killed mid-load, not after it

    server = _serve(env, port)  # restart; Meta goes on delivering
    try:
        _post_until_refused(url, page_id, 900_000, 50, acked)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    assert len(acked) == before_restart + 50

    worker = subprocess.run(
        [str(BIN), "platforms", "worker", "--once"], env=env, capture_output=True, text=True, timeout=300
    )
    assert worker.returncode == 0, worker.stderr
    make = session_factory(fresh.engine)
    with make() as s:
        counts = dict(
            s.execute(
                select(ArchiveRecord.platform_id, func.count()).group_by(ArchiveRecord.platform_id)
            ).all()
        )
        unchecked = s.scalar(select(func.count()).where(ArchiveRecord.policy.is_(None)))
        statuses = set(s.scalars(select(PlatformEvent.status)))
    assert [cid for cid in acked if counts.get(cid) != 1] == []  # every acknowledged event, exactly once
    assert unchecked == 0 and statuses == {"done"}
    assert len(counts) >= len(
        set(acked)
    )  # a delivery stored just before the kill may be archived unacknowledged
