"""Webhook ingest benchmark: signed Meta deliveries posted over loopback to one uvicorn worker on SQLite.

    .venv/bin/python bench/webhook_ingest.py [--seconds 20] [--connections 16] [--per-delivery 1] [--rate R]

A load generator in a second process (this script with --generate: raw HTTP/1.1 keep-alive over
asyncio, so that the client is not the bottleneck) posts signed deliveries (one comment each by
default, as Meta mostly sends them) to ``rettesnor serve`` (one uvicorn worker, a fresh SQLite
database) for a fixed time after a warm-up. Two runs by default: open loop at the target rate of 500
events/s (latency counted from the planned send, so a stall is counted in full), then closed loop as
fast as the server answers (its capacity). Reported: events acknowledged per second, acknowledgement
latency (p50, p99, max), and, after the worker drained the queue, the archive: every acknowledged
comment exactly once (lost = acknowledged but not archived, duplicated = archived twice) and checked.
Baseline: the issue's targets, >= 500 events/s and p99 < 50 ms.
Results: bench/results/webhook_ingest-<date>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import hmac
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from rettesnor.governance import tenants
from rettesnor.platforms import connector, events
from rettesnor.platforms.settings import PlatformSettings
from rettesnor.records import migrate
from rettesnor.records.archive_models import ArchiveRecord
from rettesnor.records.db import make_engine, session_factory, unit_of_work
from rettesnor.records.models import Account

SECRET = "bench-app-secret-" + "b" * 20
PAGE_ID = "104857600000001"
ROOT = Path(__file__).resolve().parents[1]
WARMUP_S = 2.0  # not measured: the first requests compile routes and statements
TEXTS = (
    "Hvornår bliver cykelstien ved skolen ryddet for sne?",
    "Tak for en dejlig sommerfest, børnene var glade.",
    "Du er en idiot og en klovn, hele forvaltningen er en flok idioter.",
    "Jeg vil gerne klage over hjemmeplejen. Min far har ikke fået sin medicin.",
    "Ring til mig på 23 45 67 89 om parkeringen.",
)


def _setup(url: str, key: str) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine)
    with unit_of_work(engine, actor="bench") as s:
        org = tenants.create_organisation(
            s,
            slug_="bench",
            name="Bench Kommune",
            country="DK",
            pack="dk-hjorring",
            service_office="s@bench.example",
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
            "bench",
        )
        account = Account(
            organisation_id=org.id,
            unit_id=unit.id,
            platform="facebook",
            handle="bench-side",
            name="Bench Side",
            url="https://www.facebook.com/bench",
            direct_messages="off",
            status="active",
            **answers,
        )
        s.add(account)
        s.flush()
        cfg = PlatformSettings(app_secret=SECRET, token_keys=(key,))
        connector.connect(s, org, account.id, PAGE_ID, "EAAbenchtoken", cfg, by="bench")
    engine.dispose()


def delivery(n: int, per: int) -> tuple[bytes, list[str]]:
    changes, ids = [], []
    now = int(time.time())
    for k in range(per):
        cid = f"{PAGE_ID}_{n}_{k}"
        ids.append(cid)
        changes.append(
            {
                "field": "feed",
                "value": {
                    "from": {"id": f"9{n % 997}", "name": f"Borger {n % 997}"},
                    "item": "comment",
                    "verb": "add",
                    "comment_id": cid,
                    "post_id": f"{PAGE_ID}_1",
                    "parent_id": f"{PAGE_ID}_1",
                    "created_time": now,
                    "message": TEXTS[(n + k) % len(TEXTS)],
                },
            }
        )
    body = json.dumps(
        {"object": "page", "entry": [{"id": PAGE_ID, "time": now, "changes": changes}]}
    ).encode()
    return body, ids


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> bytes:
    writer.write(request)
    await writer.drain()
    status_line = await reader.readline()
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    await reader.readexactly(length)
    if not status_line:
        raise ConnectionResetError("closed by the server")
    return status_line


async def _connection(
    port: int,
    stop_at: float,
    counter: list[int],
    per: int,
    out: dict[str, Any],
    interval: float,
    offset: float,
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    scheduled = time.perf_counter() + offset
    while time.perf_counter() < stop_at:
        if interval:  # open loop at a fixed rate: latency counts from the planned send, so a slow answer
            delay = scheduled - time.perf_counter()  # that delays the next send is counted in full
            if delay > 0:
                await asyncio.sleep(delay)
        counter[0] += 1
        body, ids = delivery(counter[0], per)
        sig = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        head = (
            f"POST /webhooks/meta HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"X-Hub-Signature-256: {sig}\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        started = scheduled if interval else time.perf_counter()
        scheduled += interval
        try:
            status_line = await _exchange(reader, writer, head + body)
        except (ConnectionError, asyncio.IncompleteReadError):  # counted, not acknowledged; reconnect
            out["errors"] += 1
            writer.close()
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            continue
        elapsed = time.perf_counter() - started
        status = int(status_line.split()[1])
        if status == 200:
            out["acked"].extend(ids)  # all count for lost/duplicated; only the measured window for speed
            if started >= out["measure_from"]:
                out["latencies"].append(elapsed)
                out["measured_events"] += per
        else:
            out["errors"] += 1
    writer.close()


def load(port: int, seconds: float, connections: int, per: int, rate: float) -> dict[str, Any]:
    out: dict[str, Any] = {"latencies": [], "acked": [], "errors": 0, "measured_events": 0}
    counter = [os.getpid() * 10_000_000]  # ids unique to this process

    async def main() -> None:
        out["measure_from"] = time.perf_counter() + WARMUP_S  # caches warm, connections open
        stop_at = out["measure_from"] + seconds
        interval = connections * per / rate if rate else 0.0  # seconds between deliveries per connection
        await asyncio.gather(
            *(
                _connection(port, stop_at, counter, per, out, interval, interval * i / connections)
                for i in range(connections)
            )
        )

    asyncio.run(main())
    out["wall_s"] = seconds
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def run(seconds: float, connections: int, per: int, rate: float) -> dict[str, Any]:
    from cryptography.fernet import Fernet

    folder = Path(tempfile.mkdtemp(prefix="rettesnor-bench-webhook-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    key = Fernet.generate_key().decode()
    _setup(url, key)
    load_before = os.getloadavg()[0]
    port = _free_port()
    env = {
        **os.environ,
        "RETTESNOR_DATABASE_URL": url,
        "RETTESNOR_META_APP_SECRET": SECRET,
        "RETTESNOR_TOKEN_KEYS": key,
        "RETTESNOR_SECRET_KEY": "k" * 40,
    }
    command = [str(Path(sys.executable).parent / "rettesnor"), "serve", "--port", str(port)]
    log = open(folder / "server.log", "wb")  # noqa: SIM115  (closed with the server)
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for(port)
        generator = [
            sys.executable,
            __file__,
            "--generate",
            str(port),
            str(seconds),
            str(connections),
            str(per),
            str(rate),
        ]
        done = subprocess.run(generator, capture_output=True, text=True, timeout=seconds + 120)
        if done.returncode != 0:
            server_log = (folder / "server.log").read_text(errors="replace").strip().splitlines()[-5:]
            generator_log = done.stderr.strip().splitlines()[-1:]
            raise RuntimeError(f"the load generator failed: {generator_log}; the server said: {server_log}")
        result = json.loads(done.stdout)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    engine = make_engine(url)
    started = time.perf_counter()
    report = events.drain(engine)
    drain_s = time.perf_counter() - started
    acked = result["acked"]
    with session_factory(engine)() as s:
        rows = s.execute(
            select(ArchiveRecord.platform_id, func.count()).group_by(ArchiveRecord.platform_id)
        ).all()
        checked = s.scalar(select(func.count()).where(ArchiveRecord.policy.is_not(None))) or 0
    engine.dispose()
    log.close()
    shutil.rmtree(folder, ignore_errors=True)
    archived = {pid: n for pid, n in rows}
    lat = sorted(result["latencies"])

    def pct(q: float) -> float:
        return round(lat[min(len(lat) - 1, int(q * len(lat)))] * 1000, 2)

    figures: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "setup": f"one uvicorn worker (rettesnor serve), SQLite WAL, load generator in a second process on "
        f"loopback, {connections} keep-alive connections, {per} event(s) per delivery, {seconds:.0f} s "
        f"after {WARMUP_S:.0f} s warm-up; 2-core machine shared with other developers' work while measuring",
        "offered_rate": f"{rate:g} events/s (open loop)" if rate else "as fast as answered (closed loop)",
        "deliveries_measured": len(lat),
        "events_acknowledged": len(acked),
        "errors": result["errors"],
        "events_per_s": round(result["measured_events"] / result["wall_s"], 1),
        "ack_latency_ms": {
            "p50": pct(0.50),
            "p99": pct(0.99),
            "max": round(lat[-1] * 1000, 2),
            "mean": round(statistics.fmean(lat) * 1000, 2),
        },
        "drain": {
            "s": round(drain_s, 1),
            "events_per_s": round(report.changes / drain_s, 1),
            "rows": report.rows,
            "ingested": report.ingested,
            "duplicates": report.duplicates,
            "queued": report.queued,
        },
        "archive": {
            "records": sum(archived.values()),
            "checked": checked,
            "lost": sum(1 for i in acked if i not in archived),
            "duplicated": sum(1 for n in archived.values() if n > 1),
        },
        "targets": {"events_per_s": 500, "p99_ms": 50},
        "load_average_1min": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
    }
    figures["met"] = (
        (figures["events_per_s"] >= 500 * 0.98 if rate else figures["events_per_s"] >= 500)
        and figures["ack_latency_ms"]["p99"] < 50
        and figures["archive"]["lost"] == 0
        and (figures["archive"]["duplicated"] == 0)
    )
    return figures


def _line(f: dict[str, Any]) -> str:
    rate, p99, a = f["events_per_s"], f["ack_latency_ms"]["p99"], f["archive"]
    return (
        f"{f['offered_rate']}: sustained {rate} events/s ({rate / 500:.2f}x the 500 target), p99 {p99} ms "
        f"(target < 50), lost {a['lost']}, duplicated {a['duplicated']}, "
        f"checked {a['checked']}/{a['records']}"
    )


def main() -> None:
    if len(sys.argv) == 7 and sys.argv[1] == "--generate":  # the load generator, in its own process
        port, seconds, connections, per, rate = sys.argv[2:]
        print(json.dumps(load(int(port), float(seconds), int(connections), int(per), float(rate))))
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--per-delivery", type=int, default=1)
    parser.add_argument(
        "--rate",
        type=float,
        default=None,
        help="events/s to offer, 0: as fast as answered (default: 500, then 0)",
    )
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    rates = [args.rate] if args.rate is not None else [500.0, 0.0]
    runs = [run(args.seconds, args.connections, args.per_delivery, rate) for rate in rates]
    figures: dict[str, Any] = {"date": runs[0]["date"], "runs": runs, "met": all(r["met"] for r in runs)}
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    for r in runs:
        print(_line(r))
    out = args.out or ROOT / "bench" / "results" / f"webhook_ingest-{figures['date']}.json"
    out.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
