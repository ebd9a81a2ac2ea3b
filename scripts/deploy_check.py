"""Follow docs/deploy.md once on this machine, against PostgreSQL, and check each step.

    python scripts/deploy_check.py [--admin-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

1. a new, empty database; ``rettesnor db upgrade``; an organisation with a connected Facebook page
2. the web application as two uvicorn workers (``uvicorn --factory rettesnor.web.app:create_app --workers 2
   --proxy-headers --forwarded-allow-ips 127.0.0.1``), as the systemd unit starts it
3. two platform workers (``rettesnor platforms worker``), as the other unit starts them
4. proxy headers: the client address is the one the proxy names in ``X-Forwarded-For`` (the public list
   is throttled per client: one forwarded address reaches its limit, another is still served)
5. signed webhook deliveries (some delivered twice, as Meta retries) → every comment archived exactly once
6. ``rettesnor db backup`` while the services run; ``rettesnor db restore`` into a second new database;
   ``rettesnor archive verify`` passes on the restore, with the same chain head as the original

Prints one line per step and exits 1 at the first step that fails. Every process it starts is stopped,
and both databases are dropped.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

BIN = Path(sys.executable).parent
SECRET = "deploy-check-app-secret-" + "d" * 16
PAGE_ID = "104857600000777"
ADMIN_URL = os.environ.get("RETTESNOR_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


class StepFailed(Exception):
    pass


def step(n: int, what: str, ok: bool, detail: str = "") -> None:
    print(f"[{'ok' if ok else 'FAILED'}] {n}. {what}" + (f": {detail}" if detail else ""), flush=True)
    if not ok:
        raise StepFailed(f"step {n}: {what} {detail}")


@contextmanager
def new_database(admin_url: str) -> Iterator[str]:
    name = f"rettesnor_deploy_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def rettesnor(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "rettesnor"), *args], env=env, capture_output=True, text=True, timeout=300
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise StepFailed(f"{url} did not answer within {timeout:.0f} s")


def setup_org(url: str, key: str) -> None:
    """An organisation with an active account connected to a Facebook page (the CLI's steps, in one go)."""
    from rettesnor.governance import tenants
    from rettesnor.platforms import connector
    from rettesnor.platforms.settings import PlatformSettings
    from rettesnor.records.db import make_engine, unit_of_work
    from rettesnor.records.models import Account

    engine = make_engine(url)
    with unit_of_work(engine, actor="deploy-check") as s:
        org = tenants.create_organisation(
            s,
            slug_="deploy",
            name="Deploy Kommune",
            country="DK",
            pack="dk-hjorring",
            service_office="s@deploy.example",
        )
        unit = tenants.add_unit(s, org, slug_="town", name="Kommunikation")
        answers = dict.fromkeys(
            (
                "purpose",
                "target_group",
                "dialogue_plan",
                "privacy_assessment",
                "confidentiality_assessment",
                "resources_plan",
            ),
            "deploy",
        )
        account = Account(
            organisation_id=org.id,
            unit_id=unit.id,
            platform="facebook",
            handle="deploy-side",
            name="Deploy Side",
            url="https://www.facebook.com/deploy",
            direct_messages="off",
            status="active",
            **answers,
        )
        s.add(account)
        s.flush()
        connector.connect(
            s,
            org,
            account.id,
            PAGE_ID,
            "EAAdeploytoken",
            PlatformSettings(app_secret=SECRET, token_keys=(key,)),
            by="deploy-check",
        )
    engine.dispose()


def delivery(n: int) -> tuple[bytes, str]:
    cid = f"{PAGE_ID}_{n}"
    body = json.dumps(
        {
            "object": "page",
            "entry": [
                {
                    "id": PAGE_ID,
                    "time": 1767225600,
                    "changes": [
                        {
                            "field": "feed",
                            "value": {
                                "from": {"id": f"9{n}", "name": f"Borger {n}"},
                                "item": "comment",
                                "verb": "add",
                                "comment_id": cid,
                                "post_id": f"{PAGE_ID}_1",
                                "parent_id": f"{PAGE_ID}_1",
                                "created_time": 1767225600,
                                "message": f"Hvornår bliver vej {n} ryddet for sne?",
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()
    return body, cid


def run(admin_url: str, deliveries: int = 60) -> None:
    key = Fernet.generate_key().decode()
    with (
        new_database(admin_url) as url,
        new_database(admin_url) as restored_url,
        tempfile.TemporaryDirectory(prefix="rettesnor-deploy-") as tmp,
    ):
        env = {
            **os.environ,
            "RETTESNOR_DATABASE_URL": url,
            "RETTESNOR_SECRET_KEY": "k" * 48,
            "RETTESNOR_META_APP_SECRET": SECRET,
            "RETTESNOR_TOKEN_KEYS": key,
            "RETTESNOR_DATA_DIR": str(Path(tmp) / "data"),
        }
        done = rettesnor(env, "db", "upgrade")
        step(
            1, "rettesnor db upgrade on a new PostgreSQL database", done.returncode == 0, done.stdout.strip()
        )
        setup_org(url, key)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        processes: list[subprocess.Popen[bytes]] = []
        log = Path(tmp) / "services.log"
        with log.open("wb") as out:
            try:
                web = [
                    str(BIN / "uvicorn"),
                    "--factory",
                    "rettesnor.web.app:create_app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--workers",
                    "2",
                    "--proxy-headers",
                    "--forwarded-allow-ips",
                    "127.0.0.1",
                    "--no-server-header",
                    "--no-access-log",
                ]
                processes.append(subprocess.Popen(web, env=env, stdout=out, stderr=subprocess.STDOUT))
                for _ in range(2):
                    worker = [str(BIN / "rettesnor"), "platforms", "worker", "--interval", "0.2"]
                    processes.append(subprocess.Popen(worker, env=env, stdout=out, stderr=subprocess.STDOUT))
                wait_for(f"{base}/healthz")
                step(2, "two uvicorn workers answer /healthz", True, base)
                step(3, "two platform workers run", all(p.poll() is None for p in processes[1:]))
                _proxy_headers(base)
                _webhooks(base, url, deliveries)
                backup = Path(tmp) / "rettesnor.dump"
                done = rettesnor(env, "db", "backup", str(backup))
                step(
                    6,
                    "rettesnor db backup while the services run",
                    done.returncode == 0 and backup.is_file(),
                    done.stdout.strip() or done.stderr.strip(),
                )
            finally:
                for p in processes:
                    p.send_signal(signal.SIGTERM)
                for p in processes:
                    try:
                        p.wait(30)
                    except subprocess.TimeoutExpired:
                        p.kill()
        verify = rettesnor(env, "archive", "verify", "--format", "json")
        original = json.loads(verify.stdout)
        restored_env = {**env, "RETTESNOR_DATABASE_URL": restored_url}
        done = rettesnor(restored_env, "db", "restore", str(backup))
        step(
            7,
            "rettesnor db restore into a second new database",
            done.returncode == 0,
            done.stdout.strip() or done.stderr.strip(),
        )
        verify = rettesnor(restored_env, "archive", "verify", "--format", "json")
        result = json.loads(verify.stdout) if verify.stdout.strip() else []
        heads = [(r["organisation"], r["head"], r["entries"]) for r in result]
        same = heads == [(r["organisation"], r["head"], r["entries"]) for r in original]
        step(
            8,
            "rettesnor archive verify passes on the restore, same chain heads as the original",
            verify.returncode == 0 and same,
            ", ".join(f"{o}: {n} entries" for o, _, n in heads),
        )


def _proxy_headers(base: str) -> None:
    """The public list is limited per client address; behind the proxy that is X-Forwarded-For."""
    seen_429 = False
    with httpx.Client(base_url=base, timeout=10) as c:
        for _ in range(400):  # 120 a minute per client and worker process
            r = c.get(
                "/public/deploy/accounts",
                headers={"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"},
            )
            if r.status_code == 429:
                seen_429 = True
                break
        others = [
            c.get("/public/deploy/accounts", headers={"X-Forwarded-For": "198.51.100.23"}).status_code
            for _ in range(6)
        ]
    step(
        4,
        "proxy headers: one forwarded client is throttled, another is served",
        seen_429 and set(others) == {200},
        f"429 seen: {seen_429}, the other client: {others}",
    )


def _webhooks(base: str, url: str, n: int) -> None:
    from rettesnor.records.archive_models import ArchiveRecord
    from rettesnor.records.db import make_engine, session_factory
    from rettesnor.records.platform_models import PlatformEvent

    acked: list[str] = []
    with httpx.Client(base_url=base, timeout=30) as c:
        for i in range(n):
            body, cid = delivery(i)
            sig = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
            for _ in range(2 if i % 5 == 0 else 1):  # every fifth delivered twice, as Meta retries
                r = c.post(
                    "/webhooks/meta",
                    content=body,
                    headers={"X-Hub-Signature-256": sig, "Content-Type": "application/json"},
                )
                if r.status_code == 200:
                    acked.append(cid)
    engine = make_engine(url)
    deadline = time.monotonic() + 120
    counts: dict[str, int] = {}
    while time.monotonic() < deadline:
        with session_factory(engine)() as s:
            pending = s.scalar(select(func.count()).where(PlatformEvent.status == "pending")) or 0
            counts = dict(
                s.execute(
                    select(ArchiveRecord.platform_id, func.count()).group_by(ArchiveRecord.platform_id)
                ).all()
            )
            failed = s.scalar(select(func.count()).where(PlatformEvent.status == "failed")) or 0
        if not pending:
            break
        time.sleep(0.5)
    engine.dispose()
    lost = sum(1 for cid in set(acked) if cid not in counts)
    duplicated = sum(1 for v in counts.values() if v > 1)
    step(
        5,
        f"{n} signed deliveries (+{n // 5} retries) archived exactly once by the two workers",
        len(set(acked)) == n and lost == 0 and duplicated == 0 and failed == 0,
        f"acknowledged {len(acked)}, lost {lost}, duplicated {duplicated}, failed {failed}",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--admin-url", default=ADMIN_URL, help="a PostgreSQL URL allowed to CREATE DATABASE")
    parser.add_argument("--deliveries", type=int, default=60)
    args = parser.parse_args()
    try:
        run(args.admin_url, args.deliveries)
    except StepFailed as exc:
        print(f"deploy check failed at {exc}", file=sys.stderr)
        sys.exit(1)
    print("deploy check: every step passed")


if __name__ == "__main__":
    main()
