"""Archive benchmark: batch ingest with the check included, search p95, verify time; SQLite and PostgreSQL.

    .venv/bin/python bench/archive_ingest.py [--n 20000] [--searches 200] [--postgres URL]

Comments are generated (invented Danish sentences, some with insults, complaints, phone numbers), so
the figures are for this mix. Results are printed and written to bench/results/archive.json.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from rettesnor.archive.chain import verify
from rettesnor.archive.ingest import Incoming, ingest
from rettesnor.archive.search import search
from rettesnor.governance import tenants
from rettesnor.records import migrate
from rettesnor.records.db import make_engine, unit_of_work

WORDS = ("skole vej bibliotek hal sommerfest parkering svømmehal busplan affald hjemmepleje legeplads "
         "borgerservice åbningstider cykelsti byråd vinter sne rydning").split()  # fmt: skip
EXTRA = ("", "", "", "", " Du er en idiot.", " Jeg vil gerne klage over det.", " Ring på 23 45 67 89.")


def comments(n: int, rng: random.Random) -> list[Incoming]:
    out = [Incoming("facebook", "p0", "post", "Nyt fra kommunen om vejarbejde.", published_at=None)]
    for i in range(n):
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 18)))
        body = f"Hvad med {words}?{rng.choice(EXTRA)}"
        out.append(Incoming("facebook", f"c{i}", "comment", body, parent="p0",
                            author_id=f"u{i % 997}", author_name=f"Borger {i % 997}"))  # fmt: skip
    return out


def run(url: str, n: int, searches: int) -> dict[str, float]:
    engine = make_engine(url)
    migrate.upgrade(engine)
    rng = random.Random(5)
    events = comments(n, rng)
    with unit_of_work(engine) as s:
        org = tenants.create_organisation(s, slug_="bench", name="Bench Kommune", country="DK",
                                          pack="dk-hjorring", service_office="s@bench.example")  # fmt: skip
    t = time.perf_counter()
    with unit_of_work(engine) as s:
        org = tenants.get_organisation(s, "bench")
        ingest(s, org, events)
    ingest_s = time.perf_counter() - t
    times = []
    with unit_of_work(engine) as s:
        org = tenants.get_organisation(s, "bench")
        for _ in range(searches):
            q = rng.choice(WORDS)
            t0 = time.perf_counter()
            search(s, org, q, limit=50)
            times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        result = verify(s, org)
        verify_s = time.perf_counter() - t0
        assert result.ok
    engine.dispose()
    return {
        "records": n + 1,
        "ingest_per_s": round((n + 1) / ingest_s),
        "search_p50_ms": round(statistics.median(times) * 1000, 2),
        "search_p95_ms": round(statistics.quantiles(times, n=20)[18] * 1000, 2),
        "verify_s": round(verify_s, 2),
        "verify_per_s": round((n + 1) / verify_s),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--searches", type=int, default=200)
    ap.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        results["sqlite"] = run(f"sqlite:///{Path(tmp) / 'bench.db'}", args.n, args.searches)
    print("sqlite", results["sqlite"], flush=True)
    admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    name = f"rettesnor_bench_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        results["postgresql"] = run(args.postgres.rsplit("/", 1)[0] + f"/{name}", args.n, args.searches)
        print("postgresql", results["postgresql"], flush=True)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    out = Path(__file__).parent / "results" / "archive.json"
    out.write_text(json.dumps({"n": args.n, **results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
