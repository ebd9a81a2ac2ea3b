"""Issue 15's delivery targets: a fixed number of signed Meta deliveries at a fixed rate, with the workers
running, then the archive checked for every acknowledged comment.

    python bench/webhook_hardening.py sqlite --rate 200 --count 3000
    python bench/webhook_hardening.py sqlite --rate 500 --count 3000
    python bench/webhook_hardening.py postgresql --rate 1000 --seconds 30 --web-workers 4 --platform-workers 2

sqlite: one ``rettesnor serve --platforms-worker`` (the server drains its queue in a thread while it answers)
on a fresh SQLite file. postgresql: ``uvicorn --factory rettesnor.web.app:create_app --workers N`` and M
``rettesnor platforms worker`` processes on a fresh PostgreSQL database (docs/deploy.md). The load generator
is a second process (raw HTTP/1.1 keep-alive over asyncio, open loop: the latency of a delivery counts from
its planned send, so a stall is counted in full). Every comment id is unique; after the last answer the
queue is waited on until it is empty. Reported: failed deliveries (queue rows given up), lost (acknowledged,
not archived), duplicated (archived twice), acknowledgement latency p50/p99/max, the machine's load.
Results: bench/results/webhook_hardening-<date>.json (appended, one entry per run).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
import webhook_ingest as wi  # its organisation set-up, deliveries and raw HTTP exchange
from rettesnor.records.archive_models import ArchiveRecord
from rettesnor.records.db import make_engine, session_factory
from rettesnor.records.platform_models import PlatformEvent

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WARMUP_S = 1.0  # the first requests compile routes and statements: their latency is not counted
PG_ADMIN = os.environ.get("RETTESNOR_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


# --- the load generator (its own process) --------------------------------------------------------------


async def _sender(port: int, jobs: asyncio.Queue[tuple[int, float]], out: dict[str, Any]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    while True:
        try:
            n, planned = jobs.get_nowait()
        except asyncio.QueueEmpty:
            break
        delay = planned - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        body, ids = wi.delivery(n, 1)
        sig = "sha256=" + hmac.new(wi.SECRET.encode(), body, hashlib.sha256).hexdigest()
        head = (
            f"POST /webhooks/meta HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"X-Hub-Signature-256: {sig}\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        try:
            status_line = await wi._exchange(reader, writer, head + body)
        except (ConnectionError, asyncio.IncompleteReadError):
            out["errors"] += 1
            writer.close()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            continue
        status = int(status_line.split()[1])
        if status == 200:
            out["acked"].extend(ids)
            if planned - out["start"] >= WARMUP_S:
                out["latencies"].append(time.perf_counter() - planned)
        else:
            out["errors"] += 1
            out["statuses"][str(status)] = out["statuses"].get(str(status), 0) + 1
    writer.close()


def generate(port: int, count: int, rate: float, connections: int) -> dict[str, Any]:
    out: dict[str, Any] = {"acked": [], "latencies": [], "errors": 0, "statuses": {}}
    base = os.getpid() * 10_000_000

    async def main() -> None:
        jobs: asyncio.Queue[tuple[int, float]] = asyncio.Queue()
        start = out["start"] = time.perf_counter() + 0.5
        for i in range(count):
            jobs.put_nowait((base + i, start + i / rate))
        began = time.perf_counter()
        await asyncio.gather(*(_sender(port, jobs, out) for _ in range(connections)))
        out["send_s"] = time.perf_counter() - began - 0.5

    asyncio.run(main())
    return out


# --- the services -----------------------------------------------------------------------------------------


def _pg_database() -> tuple[str, Any]:
    name = f"rettesnor_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


def run(
    backend: str,
    count: int,
    rate: float,
    connections: int,
    web_workers: int,
    platform_workers: int,
    nice: int = 10,
) -> dict[str, Any]:
    from cryptography.fernet import Fernet

    folder = Path(tempfile.mkdtemp(prefix="rettesnor-bench-hardening-"))
    drop = None
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'bench.db'}"
    else:
        url, drop = _pg_database()
    key = Fernet.generate_key().decode()
    wi._setup(url, key)
    port = wi._free_port()
    env = {
        **os.environ,
        "RETTESNOR_DATABASE_URL": url,
        "RETTESNOR_META_APP_SECRET": wi.SECRET,
        "RETTESNOR_TOKEN_KEYS": key,
        "RETTESNOR_SECRET_KEY": "k" * 40,
        "RETTESNOR_DATA_DIR": str(folder / "data"),
    }
    if backend == "sqlite":
        commands = [[str(BIN / "rettesnor"), "serve", "--port", str(port), "--platforms-worker"]]
        shape = "one `rettesnor serve --platforms-worker` (one process, the worker in a thread), SQLite WAL"
    else:
        commands = [
            [
                str(BIN / "uvicorn"),
                "--factory",
                "rettesnor.web.app:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                str(web_workers),
                "--no-access-log",
                "--log-level",
                "warning",
            ]
        ]
        worker = [str(BIN / "rettesnor"), "platforms", "worker", "--interval", "0.2"]
        commands += [(["nice", "-n", str(nice)] if nice else []) + worker] * platform_workers
        shape = (
            f"{web_workers} uvicorn workers (--factory rettesnor.web.app:create_app) and "
            f"{platform_workers} `rettesnor platforms worker` processes (nice {nice}), PostgreSQL 15 on "
            "the same machine"
        )
    log = (folder / "services.log").open("wb")
    processes = [subprocess.Popen(c, env=env, stdout=log, stderr=subprocess.STDOUT) for c in commands]
    load_before = os.getloadavg()
    try:
        wi._wait_for(port)
        time.sleep(1.0)
        generator = [
            sys.executable,
            __file__,
            "--generate",
            str(port),
            str(count),
            str(rate),
            str(connections),
        ]
        done = subprocess.run(generator, capture_output=True, text=True, timeout=count / rate + 300)
        if done.returncode != 0:
            raise RuntimeError(f"the load generator failed: {done.stderr.strip().splitlines()[-1:]}")
        result = json.loads(done.stdout)
        load_during = os.getloadavg()
        engine = make_engine(url)
        started = time.perf_counter()
        if backend == "postgresql" and not platform_workers:  # the answers alone were measured: drain now
            from rettesnor.platforms import events

            events.drain(engine)
        while time.perf_counter() - started < 600:  # the workers drain what was acknowledged
            with session_factory(engine)() as s:
                pending = s.scalar(select(func.count()).where(PlatformEvent.status == "pending")) or 0
            if not pending:
                break
            time.sleep(0.5)
        drain_s = time.perf_counter() - started
    finally:
        for p in processes:
            p.send_signal(signal.SIGTERM)
        for p in processes:
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                p.kill()
        log.close()
    with session_factory(engine)() as s:
        statuses = dict(
            s.execute(select(PlatformEvent.status, func.count()).group_by(PlatformEvent.status)).all()
        )
        archived = dict(
            s.execute(
                select(ArchiveRecord.platform_id, func.count()).group_by(ArchiveRecord.platform_id)
            ).all()
        )
        checked = s.scalar(select(func.count()).where(ArchiveRecord.policy.is_not(None))) or 0
    engine.dispose()
    server_log = (folder / "services.log").read_text(errors="replace")
    if drop is not None:
        drop()
    acked = result["acked"]
    lat = sorted(result["latencies"]) or [0.0]

    def pct(q: float) -> float:
        return round(lat[min(len(lat) - 1, int(q * len(lat)))] * 1000, 2)

    figures: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "backend": backend,
        "setup": f"{shape}; load generator in a second process, {connections} keep-alive connections, "
        f"open loop; latency of deliveries planned after the first {WARMUP_S:g} s; 2-core machine "
        "shared with other developers' work while measuring",
        "offered": {"deliveries": count, "rate_per_s": rate},
        "sent_in_s": round(result["send_s"], 2),
        "achieved_rate_per_s": round(len(acked) / max(result["send_s"], 1e-9), 1),
        "acknowledged": len(acked),
        "not_acknowledged": result["errors"],
        "statuses": result["statuses"],
        "ack_latency_ms": {"p50": pct(0.5), "p99": pct(0.99), "max": round(lat[-1] * 1000, 2)},
        "queue": {str(k): int(v) for k, v in statuses.items()},
        "drain_after_last_answer_s": round(drain_s, 1),
        "archive": {
            "records": sum(archived.values()),
            "checked": checked,
            "failed": int(statuses.get("failed", 0)),
            "lost": sum(1 for i in acked if i not in archived),
            "duplicated": sum(1 for n in archived.values() if n > 1),
        },
        "server_log_lines_locked": server_log.count("locked"),
        "load_average_1_5_15": {
            "before": [round(x, 2) for x in load_before],
            "after_sending": [round(x, 2) for x in load_during],
        },
    }
    a = figures["archive"]
    figures["met"] = a["failed"] == 0 and a["lost"] == 0 and a["duplicated"] == 0 and not result["errors"]
    if backend == "postgresql":
        figures["met"] = figures["met"] and figures["ack_latency_ms"]["p99"] < 50
    return figures


def main() -> None:
    if len(sys.argv) == 6 and sys.argv[1] == "--generate":
        port, count, rate, connections = sys.argv[2:]
        print(json.dumps(generate(int(port), int(count), float(rate), int(connections))))
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("backend", choices=["sqlite", "postgresql"])
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--count", type=int, default=None, help="deliveries (default: rate × seconds)")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--platform-workers", type=int, default=2)
    parser.add_argument(
        "--worker-nice",
        type=int,
        default=10,
        help="niceness of the platform workers (docs/deploy.md: Nice=10): answers first",
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    count = args.count or int(args.rate * args.seconds)
    figures = run(
        args.backend,
        count,
        args.rate,
        args.connections,
        args.web_workers,
        args.platform_workers,
        args.worker_nice,
    )
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    out = args.out or ROOT / "bench" / "results" / f"webhook_hardening-{figures['date']}.json"
    runs = json.loads(out.read_text(encoding="utf-8"))["runs"] if out.is_file() else []
    runs.append(figures)
    out.write_text(json.dumps({"runs": runs}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
