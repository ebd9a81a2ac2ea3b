"""Registry benchmark: the registry checks and the public list, per municipality, on SQLite and PostgreSQL.

Loads 300 municipalities × 50 accounts × 2,000 people (by default) into a fresh database of each backend,
then times, for every municipality, in a fresh session:

- ``check_registry`` (all the registry checks of ``rettesnor accounts check``), and
- the public list (``public_list`` + JSON + HTML, as ``rettesnor accounts public-list`` makes them).

Goal (issue 4): both under one second per municipality on each backend.

The data are generated (seeded): invented names, ``.example`` addresses. Rows are written with bulk
Core inserts, not through the services (so no audit rows; loading is not what is measured). Each account
has a responsible person, two designated authors, about 20 posts, and some problems on purpose (DMs on,
an undesignated author, no activity for months, an author without a service assignment).

    .venv/bin/python bench/registry_checks.py                     # full run, both backends
    .venv/bin/python bench/registry_checks.py --quick             # 20 municipalities
    .venv/bin/python bench/registry_checks.py --backends sqlite --orgs 50

PostgreSQL: ``RETTESNOR_BENCH_POSTGRES`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``);
a database ``rettesnor_bench_<pid>`` is created and dropped afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from rettesnor.governance import publiclist, registry
from rettesnor.records import migrate
from rettesnor.records.db import make_engine
from rettesnor.records.models import (
    Account,
    AccountAssignment,
    Activity,
    Organisation,
    Permission,
    Person,
    RoleGrant,
    Unit,
)

REPO = Path(__file__).resolve().parents[1]
RESULTS_DIR = REPO / "bench" / "results"
GOAL_S = 1.0
SEED = 20261121
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
UNITS_PER_ORG = 10
POSTS_PER_ACCOUNT = 20
FIRST = ("Mette", "Søren", "Kari", "Ola", "Anna", "Erik", "Freja", "Lars", "Maja", "Nils", "Ida", "Knut")
LAST = ("Skovlund", "Nordvik", "Lindqvist", "Bækgaard", "Haugstad", "Bergsten", "Lyngholm", "Åkerlund")
PACKS = (("DK", "dk-hjorring"), ("DK", "dk-sonderborg"), ("NO", "no-hustadvika"), ("SE", "se-norsjo"))


@dataclass(frozen=True)
class Size:
    orgs: int
    accounts: int
    people: int


# --- loading -------------------------------------------------------------------------------------


def _ids(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(table.c.id).order_by(table.c.id.desc()).limit(1)).scalar() or 0)


def _org_rows(
    rng: random.Random, org_id: int, first_unit: int, first_person: int, first_account: int, size: Size
) -> dict[Any, list[dict[str, Any]]]:
    """All rows of one municipality. Ids are given explicitly so that rows can refer to each other."""
    now = dt.datetime.now(dt.UTC)
    today = now.date()
    rows: dict[Any, list[dict[str, Any]]] = {t: [] for t in (Unit, Person, RoleGrant, Account)}
    rows.update({AccountAssignment: [], Permission: [], Activity: []})
    units = list(range(first_unit, first_unit + UNITS_PER_ORG))
    for i, uid in enumerate(units):
        rows[Unit].append(
            {
                "id": uid,
                "organisation_id": org_id,
                "parent_id": None if i == 0 else units[0],
                "slug": f"unit-{i}",
                "name": f"Enhed {i}",
                "pack": None,
                "created_at": now,
            }
        )
    people = list(range(first_person, first_person + size.people))
    leaders = {uid: people[i] for i, uid in enumerate(units)}
    for i, pid in enumerate(people):
        unit = units[i % UNITS_PER_ORG]
        rows[Person].append(
            {
                "id": pid,
                "organisation_id": org_id,
                "unit_id": unit,
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "email": f"p{pid}@kommune{org_id}.example",
                "kind": "employee",
                "manager_id": None if i < UNITS_PER_ORG else leaders[unit],
                "started_on": today - dt.timedelta(days=rng.randrange(30, 6000)),
                "left_on": None,
                "created_at": now,
            }
        )
    for uid, pid in leaders.items():
        rows[RoleGrant].append(
            {
                "organisation_id": org_id,
                "person_id": pid,
                "role": "unit_leader",
                "unit_id": uid,
                "granted_at": now,
                "revoked_at": None,
            }
        )
    staff = people[UNITS_PER_ORG:]
    for k in range(size.accounts):
        aid = first_account + k
        unit = units[k % UNITS_PER_ORG]
        status = "applied" if k % 25 == 24 else "approved" if k % 25 == 23 else "active"
        last = now - dt.timedelta(days=90 if k % 17 == 0 else rng.randrange(0, 10))
        rows[Account].append(
            {
                "id": aid,
                "organisation_id": org_id,
                "unit_id": unit,
                "platform": ("facebook", "instagram")[k % 2],
                "handle": f"konto-{org_id}-{k}",
                "name": f"Konto {k}",
                "url": f"https://social.example/{org_id}/{k}",
                "purpose": "Informere borgerne om tilbud.",
                "target_group": "Borgere og foreninger i kommunen.",
                "dialogue_plan": "Vi svarer på hverdage.",
                "privacy_assessment": "Ingen billeder uden samtykke.",
                "confidentiality_assessment": "Ingen enkeltsager.",
                "resources_plan": "To medarbejdere, tre timer.",
                "profile_text": "Officiel side.",
                "profile_verdict": "publish",
                "profile_findings": None,
                "direct_messages": "on" if k % 11 == 0 else "off",
                "password_attested": True,
                "status": status,
                "applied_by_id": leaders[unit],
                "applied_at": now - dt.timedelta(days=400),
                "approved_by_id": None if status == "applied" else leaders[unit],
                "approved_on": None if status == "applied" else today - dt.timedelta(days=300),
                "activated_at": now - dt.timedelta(days=300) if status == "active" else None,
                "archived_at": None,
                "service_office_notified_at": now - dt.timedelta(days=300) if status == "active" else None,
                "last_activity_at": last,
            }
        )
        team = rng.sample(staff, 3)
        for role, pid in zip(("responsible", "author", "author"), team, strict=True):
            rows[AccountAssignment].append(
                {
                    "organisation_id": org_id,
                    "account_id": aid,
                    "person_id": pid,
                    "role": role,
                    "assigned_by_id": leaders[unit],
                    "assigned_at": now,
                    "accepted_at": now,
                    "declined_at": None,
                    "ended_at": None,
                }
            )
            if not (k % 13 == 0 and role == "author"):  # some authors lack a service assignment
                rows[Permission].append(
                    {
                        "organisation_id": org_id,
                        "person_id": pid,
                        "kind": "service_assignment",
                        "granted_by_id": leaders[unit],
                        "granted": True,
                        "valid_from": today - dt.timedelta(days=400),
                        "valid_until": None,
                        "scope": None,
                        "url": None,
                        "disclaimer": None,
                        "accepted_at": now,
                        "declined_at": None,
                        "revoked_at": None,
                        "created_at": now,
                    }
                )
        for n in range(POSTS_PER_ACCOUNT):
            undesignated = k % 7 == 0 and n == 0
            rows[Activity].append(
                {
                    "organisation_id": org_id,
                    "account_id": aid,
                    "person_id": rng.choice(staff) if undesignated else rng.choice(team[1:]),
                    "kind": "post",
                    "at": last - dt.timedelta(days=n * 3),
                    "designated": not undesignated,
                }
            )
    return rows


def load(engine: Engine, size: Size, progress: Callable[[str], None]) -> float:
    """Fill the registry; returns the seconds it took."""
    started = time.perf_counter()
    rng = random.Random(SEED)
    org_base, unit_base = _ids(engine, Organisation.__table__), _ids(engine, Unit.__table__)
    person_base, account_base = _ids(engine, Person.__table__), _ids(engine, Account.__table__)
    batch: dict[Any, list[dict[str, Any]]] = {}
    order = (Organisation, Unit, Person, RoleGrant, Account, AccountAssignment, Permission, Activity)

    def flush() -> None:
        with engine.begin() as conn:
            for model in order:
                if batch.get(model):
                    conn.execute(insert(model.__table__), batch[model])
        batch.clear()

    now = dt.datetime.now(dt.UTC)
    for i in range(size.orgs):
        org_id = org_base + i + 1
        country, pack = PACKS[org_id % len(PACKS)]
        batch.setdefault(Organisation, []).append(
            {
                "id": org_id,
                "slug": f"kommune-{org_id}",
                "name": f"Kommune {org_id}",
                "country": country,
                "pack": pack,
                "service_office": f"service@kommune{org_id}.example",
                "website": None,
                "created_at": now,
            }
        )
        rows = _org_rows(
            rng,
            org_id,
            unit_base + i * UNITS_PER_ORG + 1,
            person_base + i * size.people + 1,
            account_base + i * size.accounts + 1,
            size,
        )
        for model, items in rows.items():
            batch.setdefault(model, []).extend(items)
        if sum(len(v) for v in batch.values()) > 40_000:
            flush()
        if (i + 1) % 25 == 0 or i + 1 == size.orgs:
            progress(f"  loaded {i + 1}/{size.orgs} municipalities ({time.perf_counter() - started:.0f} s)")
    flush()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in (
                "organisation",
                "unit",
                "person",
                "account",
            ):  # continue the sequences after our ids
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT MAX(id) FROM {table}))"
                    )
                )
            conn.execute(text("ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return time.perf_counter() - started


# --- timing --------------------------------------------------------------------------------------


def _summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "n": len(ordered),
        "mean_ms": statistics.fmean(ordered) * 1000,
        "p50_ms": ordered[len(ordered) // 2] * 1000,
        "p95_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000,
        "max_ms": ordered[-1] * 1000,
    }


def measure(engine: Engine) -> dict[str, Any]:
    """Time the checks and the public list for every municipality, each in a fresh session."""
    with Session(engine) as s:
        slugs = list(s.scalars(select(Organisation.slug).order_by(Organisation.id)))
    checks: list[float] = []
    lists: list[float] = []
    problems = 0
    entries = 0
    for slug in slugs:
        with Session(engine) as s:
            org = s.scalars(select(Organisation).where(Organisation.slug == slug)).one()
            t0 = time.perf_counter()
            found = registry.check_registry(s, org)
            t1 = time.perf_counter()
            listed = publiclist.public_list(s, org)
            json.dumps(publiclist.public_list_document(org, listed), ensure_ascii=False)
            publiclist.public_list_html(org, listed)
            t2 = time.perf_counter()
        checks.append(t1 - t0)
        lists.append(t2 - t1)
        problems += len(found)
        entries += len(listed)
    return {
        "municipalities": len(slugs),
        "registry_checks": _summary(checks),
        "public_list": _summary(lists),
        "problems_found": problems,
        "public_entries": entries,
    }


# --- databases -----------------------------------------------------------------------------------


@contextmanager
def fresh_database(backend: str, keep: bool) -> Iterator[Engine]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="rettesnor-bench-") as folder:
            engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
            try:
                yield engine
            finally:
                engine.dispose()
        return
    admin_url = os.environ.get("RETTESNOR_BENCH_POSTGRES", PG_DEFAULT)
    name = f"rettesnor_bench_{os.getpid()}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(admin_url).set(database=name))
    try:
        yield engine
    finally:
        engine.dispose()
        if not keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_backend(backend: str, size: Size, keep: bool, progress: Callable[[str], None]) -> dict[str, Any]:
    with fresh_database(backend, keep) as engine:
        migrate.upgrade(engine)
        progress(f"{backend}: loading {size.orgs} × {size.accounts} accounts × {size.people} people")
        load_s = load(engine, size, progress)
        progress(f"{backend}: timing the checks and the public list per municipality")
        result = measure(engine)
        result["load_s"] = load_s
        result["server"] = engine.dialect.server_version_info
        return result


def _machine() -> dict[str, Any]:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "sqlalchemy": metadata.version("sqlalchemy"),
        "psycopg": metadata.version("psycopg"),
        "loadavg": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "commit": commit,
    }


def _out_path(quick: bool) -> Path:
    stem = f"registry_checks-{dt.date.today().isoformat()}" + ("-quick" if quick else "")
    path = RESULTS_DIR / f"{stem}.json"
    n = 2
    while path.exists():
        path = RESULTS_DIR / f"{stem}.{n}.json"
        n += 1
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=300)
    parser.add_argument("--accounts", type=int, default=50, help="accounts per municipality")
    parser.add_argument("--people", type=int, default=2000, help="people per municipality")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--quick", action="store_true", help="20 municipalities")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    size = Size(20 if args.quick else args.orgs, args.accounts, args.people)
    if size.people < UNITS_PER_ORG + 3 or size.accounts < 1 or size.orgs < 1:
        print(
            f"bench: need at least 1 municipality, 1 account and {UNITS_PER_ORG + 3} people", file=sys.stderr
        )
        return 2

    def progress(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    results: dict[str, Any] = {}
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        if backend not in ("sqlite", "postgresql"):
            print(f"bench: unknown backend {backend!r}", file=sys.stderr)
            return 2
        try:
            results[backend] = run_backend(backend, size, args.keep, progress)
        except Exception as exc:  # a backend that cannot run is reported, the others still run
            print(f"bench: {backend}: {type(exc).__name__}: {str(exc).splitlines()[0]}", file=sys.stderr)
            results[backend] = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"}

    print(f"registry of {size.orgs} municipalities × {size.accounts} accounts × {size.people} people")
    print(
        f"{'backend':<12}{'what':<17}{'mean ms':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
        f"  goal < {GOAL_S:.0f} s"
    )
    ok = True
    for backend, r in results.items():
        if "error" in r:
            print(f"{backend:<12}{r['error']}")
            ok = False
            continue
        for what in ("registry_checks", "public_list"):
            s = r[what]
            meets = s["max_ms"] < GOAL_S * 1000
            ok = ok and meets
            print(
                f"{backend:<12}{what:<17}{s['mean_ms']:>9.1f}{s['p50_ms']:>9.1f}{s['p95_ms']:>9.1f}"
                f"{s['max_ms']:>9.1f}  {'ok' if meets else 'EXCEEDS'}"
            )
        print(
            f"{'':<12}loaded in {r['load_s']:.1f} s; "
            f"{r['problems_found']} problems, {r['public_entries']} listed"
        )
    record = {
        "benchmark": "registry_checks",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": _machine(),
        "size": size.__dict__,
        "goal_s_per_municipality": GOAL_S,
        "results": results,
        "meets_goal": ok,
    }
    if not args.no_write:
        path = args.out or _out_path(args.quick)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(record, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
        )
        print(f"written to {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
