"""Issue 15, "more than one machine's worth of work": backups and restores that ``archive verify`` passes,
several platform workers taking deliveries exactly once on PostgreSQL (``FOR UPDATE SKIP LOCKED``), and
docs/deploy.md followed once (scripts/deploy_check.py: migrate, two serve workers, two platform workers,
proxy headers, backup, restore, verify)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from rettesnor.platforms import events
from rettesnor.platforms.standin import GraphStandin
from rettesnor.records.archive_models import ArchiveRecord
from rettesnor.records.db import session_factory, unit_of_work
from support.clisupport import run_cli
from support.dbsupport import _pg_admin_url
from support.platformdata import APP_SECRET, connected_town, settings

ROOT = Path(__file__).resolve().parents[2]


def test_sqlite_backup_while_in_use_restores_and_verifies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RETTESNOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("RETTESNOR_DATABASE_URL", raising=False)
    assert run_cli(capsys, "db", "upgrade")[0] == 0
    assert run_cli(capsys, "demo", "load")[0] == 0
    backup = tmp_path / "backups" / "rettesnor.db"
    code, out, err = run_cli(capsys, "db", "backup", str(backup))
    assert code == 0 and "backed up" in out, err
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    code, _, err = run_cli(capsys, "db", "backup", str(backup))
    assert code == 2 and "exists already" in err  # never over another file
    original = json.loads(run_cli(capsys, "archive", "verify", "--format", "json")[1])
    monkeypatch.setenv("RETTESNOR_DATA_DIR", str(tmp_path / "restored"))
    (tmp_path / "restored").mkdir()
    code, out, err = run_cli(capsys, "db", "restore", str(backup))
    assert code == 0, err
    code, out, _ = run_cli(capsys, "archive", "verify", "--format", "json")
    restored = json.loads(out)
    assert code == 0 and [r["head"] for r in restored] == [r["head"] for r in original]
    assert all(r["ok"] for r in restored) and sum(r["entries"] for r in restored) > 0
    code, _, err = run_cli(capsys, "db", "restore", str(backup))
    assert code == 2 and "not empty" in err


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_several_workers_take_each_delivery_exactly_once(fresh_engine: Engine) -> None:
    with GraphStandin(app_secret=APP_SECRET) as standin:
        with unit_of_work(fresh_engine) as s:
            town = connected_town(s, standin, settings())
        post = standin.add_post(town.page, "Ny busplan fra 1. april.")
        comments = [
            standin.add_comment(post, f"Hvornår kører bus {i}?", f"u{i}", "Jonna Brask") for i in range(60)
        ]
        for i, c in enumerate(comments):
            body = standin.delivery(town.page, [standin.feed_change(c)])
            events.append(fresh_engine, body)
            if i % 4 == 0:  # Meta's retry an hour later: another body, the same change
                retry = json.loads(body)
                retry["entry"][0]["time"] += 3600
                events.append(fresh_engine, json.dumps(retry).encode())
    reports: list[events.DrainReport] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            reports.append(events.drain(fresh_engine, batch=5))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    assert sum(r.rows for r in reports) == 75 and sum(r.failed for r in reports) == 0
    assert sum(1 for r in reports if r.rows) >= 2  # the work was shared (SKIP LOCKED), not serialised
    with session_factory(fresh_engine)() as s:
        counts = dict(
            s.execute(
                select(ArchiveRecord.platform_id, func.count()).group_by(ArchiveRecord.platform_id)
            ).all()
        )
    assert all(counts.get(c.id) == 1 for c in comments)
    assert events.counts(fresh_engine) == {"done": 75}


def test_deploy_md_is_followed_once_on_postgresql() -> None:
    admin = _pg_admin_url()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "deploy_check.py"), "--admin-url", admin],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count("[ok]") == 8 and "every step passed" in done.stdout
