"""Archive benchmark at scale: batch ingest with the check, search p95 with and without filters, verify.

    .venv/bin/python bench/archive_ingest.py [--n 1000000] [--searches 400] [--backends sqlite,postgresql]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test] [--out FILE]

The archive is built through the real batch path (``rettesnor.intake.ingest``: the check, the
chain, the moderation queue, registration tasks, the full-text index), one transaction per 20,000 events.
Ingest speed is the first 50,000 events (the measured slice) and the whole build. Then ``--searches``
realistic searches (common and rare words, two words, prefixes; filters by account, author, period,
category, decision, and filters alone), and ``archive verify`` over the whole chain.

PostgreSQL runs in a throwaway database ``rettesnor_bench_<pid>`` that is dropped afterwards.
Generated data: invented Danish threads on 5 accounts, 20,000 invented citizens (a few write a lot),
words drawn Zipf-like from 320 words, 1 in 6 comments with an insult, a complaint, a phone number or a
case question. Baseline: the figures of the previous build (bench at 20,000 records, 2026-12-02,
before this change) named in BASELINE; ratios are printed against them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, select, text

from rettesnor.archive.chain import verify
from rettesnor.archive.ingest import Incoming
from rettesnor.archive.search import Filters, search
from rettesnor.governance import tenants
from rettesnor.intake import ingest
from rettesnor.moderation.queue import _set_decision
from rettesnor.records import migrate
from rettesnor.records.archive_models import ArchiveRecord
from rettesnor.records.db import make_engine, unit_of_work
from rettesnor.records.models import Account

BASELINE: dict[
    str, dict[str, float | None]
] = {  # bench/archive_ingest.py at 20,000 records before this change (closing note of stop 10)
    "sqlite": {"ingest_per_s": 2084, "search_p95_ms": 11.96, "verify_per_s": 26_000},
    "postgresql": {"ingest_per_s": 569, "search_p95_ms": 153.8, "verify_per_s": None},
}
TARGETS = {"ingest_per_s": 5000, "search_p95_ms": 100.0, "verify_s": 60.0}
TX = 20_000  # events per transaction while building
SLICE = 50_000  # the measured ingest slice

WORDS = (
    "skole vej bibliotek hal sommerfest parkering svømmehal busplan affald hjemmepleje legeplads "
    "borgerservice åbningstider cykelsti byråd vinter sne rydning kommune borgmester forvaltning "
    "budget skat ældre plejehjem daginstitution vuggestue børnehave lærer elever klasse ferie "
    "sommer efterår forår jul påske møde borgermøde høring lokalplan byggeri boliger lejlighed "
    "husleje kloak vand varme fjernvarme el strøm genbrug container storskrald haveaffald glas "
    "papir plast metal pap bus tog station perron cykel bil trafik fart vejbump fortov lys "
    "lygtepæl hul asfalt grus træ park skov strand havn marina bådplads kajak fodbold håndbold "
    "idræt stadion klubhus frivillig forening kultur teater koncert museum udstilling kunst "
    "musik kor orkester sang dans film bio café restaurant marked torv butik handel erhverv job "
    "ledighed jobcenter kontanthjælp pension sygedagpenge læge sundhed tandlæge sygeplejerske "
    "psykiatri handicap hjælpemiddel bolig ombygning tilskud ansøgning sagsbehandling svar frist "
    "klage afgørelse ankestyrelsen aktindsigt borgerrådgiver journal sag tak ros dejlig flot godt "
    "fint super glad tilfreds utilfreds skuffet vred trist bekymret tryghed politi brand "
    "beredskab storm oversvømmelse diger klima grøn energi vindmølle solceller natur dyr hund kat "
    "hest fugle fisk jagt sti vandresti bænk toilet rent beskidt larm støj nabo naboer gade "
    "kvarter landsby by centrum opland skolebus skolevej skolegård skolestart skoleferie "
    "lærerværelse forældre forældremøde elevråd skolebestyrelse madordning madpakke kantine "
    "frugt mælk morgenmad frokost aftensmad åbent lukket tirsdag onsdag torsdag fredag lørdag "
    "søndag mandag januar februar marts april maj juni juli august september oktober november "
    "december morgen aften nat weekend hverdag helligdag fridag arbejde kontor rådhus "
    "medarbejder leder direktør udvalg beslutning forslag plan strategi vision mål resultat "
    "økonomi regnskab besparelse nedskæring investering anlæg drift vedligehold renovering "
    "nybyggeri udvidelse lukning sammenlægning flytning åbning indvielse fest jubilæum"
).split()
EXTRA = (
    " Du er en idiot.",
    " Jeg vil gerne klage over det.",
    " Ring på 23 45 67 89.",
    " Hvornår får jeg svar på min ansøgning?",
    " I er en flok klovne.",
    " Jeg klager hermed over afgørelsen.",
)
ACCOUNTS = 5
AUTHORS = 20_000


def _zipf_weights(n: int) -> list[float]:
    """Cumulative Zipf weights (rank k drawn with probability ~ 1/k), for random.choices(cum_weights=)."""
    out, total = [], 0.0
    for k in range(n):
        total += 1.0 / (k + 1)
        out.append(total)
    return out


class Generator:
    """Threads of invented comments, produced batch by batch (never all in memory)."""

    def __init__(self, seed: int, handles: list[str]) -> None:
        self.rng = random.Random(seed)
        self.handles = handles
        self.word_weights = _zipf_weights(len(WORDS))
        self.author_weights = _zipf_weights(AUTHORS)
        self.t0 = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)

    def _text(self) -> str:
        rng = self.rng
        words = rng.choices(WORDS, cum_weights=self.word_weights, k=rng.randint(6, 22))
        body = " ".join(words).capitalize() + "."
        if rng.random() < 1 / 6:
            body += rng.choice(EXTRA)
        return body

    def events(self, n: int) -> Iterator[Incoming]:
        rng = self.rng
        made, post = 0, -1
        comments: list[str] = []
        while made < n:
            if made % 50 == 0:  # a new post every 50 messages, on one of the accounts
                post += 1
                handle = self.handles[post % len(self.handles)]
                comments = []
                yield Incoming(
                    "facebook",
                    f"p{post}",
                    "post",
                    self._text(),
                    account=handle,
                    author_id="page",
                    author_name="Bench Kommune",
                    published_at=self.t0 + dt.timedelta(minutes=10 * made),
                )
                made += 1
                continue
            a = rng.choices(range(AUTHORS), cum_weights=self.author_weights)[0]
            reply_to = rng.choice(comments) if comments and rng.random() < 0.2 else None
            pid = f"c{made}"
            yield Incoming(
                "facebook",
                pid,
                "comment",
                self._text(),
                account=handle,
                parent=reply_to or f"p{post}",
                author_id=f"u{a}",
                author_name=f"Borger {a}",
                published_at=self.t0 + dt.timedelta(minutes=10 * made),
            )
            comments.append(pid)
            made += 1


def _setup(engine: Engine) -> list[str]:
    migrate.upgrade(engine)
    with unit_of_work(engine) as s:
        org = tenants.create_organisation(
            s,
            slug_="bench",
            name="Bench Kommune",
            country="DK",
            pack="dk-hjorring",
            service_office="s@bench.example",
        )
        s.flush()
        unit = tenants.add_unit(s, org, slug_="kommunikation", name="Kommunikation")
        s.flush()
        handles = [f"bench-{k}" for k in range(ACCOUNTS)]
        for h in handles:  # the account rows ingest needs (the governance workflow is not benchmarked)
            s.add(
                Account(
                    organisation_id=org.id,
                    unit_id=unit.id,
                    platform="facebook",
                    handle=h,
                    name=f"Bench {h}",
                    url=f"https://facebook.example/{h}",
                    purpose="-",
                    target_group="-",
                    dialogue_plan="-",
                    privacy_assessment="-",
                    confidentiality_assessment="-",
                    resources_plan="-",
                    status="active",
                )
            )
    return handles


def _build(engine: Engine, n: int, gen: Generator, log: Any) -> dict[str, float]:
    events = gen.events(n)
    done, slice_s, last_s, slice_n, last_n, start = 0, 0.0, 0.0, 0, 0, time.perf_counter()
    while done < n:
        size = min(TX, n - done)
        batch = [next(events) for _ in range(size)]
        t = time.perf_counter()
        with unit_of_work(engine) as s:
            org = tenants.get_organisation(s, "bench")
            ingest(s, org, batch)
        took = time.perf_counter() - t
        if done < SLICE:  # whole transactions: the slice is the first 60,000 when SLICE is 50,000
            slice_s, slice_n = slice_s + took, slice_n + size
        if done + size > n - SLICE:
            last_s, last_n = last_s + took, last_n + size
        done += size
        if done % 100_000 == 0 or done == n:
            log(f"  built {done:,} in {time.perf_counter() - start:,.0f} s")
    total = time.perf_counter() - start
    return {
        "ingest_slice_events": slice_n,
        "ingest_per_s": round(slice_n / slice_s),
        "ingest_last_slice_events": last_n,
        "ingest_last_slice_per_s": round(last_n / last_s),  # the last transactions: at full size
        "build_s": round(total, 1),
        "build_per_s": round(n / total),
    }


def _decisions(engine: Engine, k: int, rng: random.Random) -> None:
    """Moderation decisions on ``k`` records, through the function ``decide`` stores them with."""
    with unit_of_work(engine) as s:
        org = tenants.get_organisation(s, "bench")
        top = s.scalar(select(ArchiveRecord.id).order_by(ArchiveRecord.id.desc()).limit(1)) or 1
        for rid in rng.sample(range(1, top + 1), k):
            record = s.get(ArchiveRecord, rid)
            if record is not None:
                _set_decision(s, org, record, rng.choice(("hide", "delete", "keep")))


def _queries(engine: Engine, n: int, rng: random.Random) -> list[tuple[str, str | None, Filters]]:
    with unit_of_work(engine) as s:
        accounts = list(s.scalars(select(Account.id)))
        first, last = s.execute(text("SELECT min(received_at), max(received_at) FROM archive_record")).one()
    first, last = (dt.datetime.fromisoformat(str(v)).replace(tzinfo=dt.UTC) for v in (first, last))
    span = last - first
    common, rare = WORDS[:20], WORDS[150:]
    weights = _zipf_weights(AUTHORS)

    def period() -> Filters:
        since = first + span * rng.random() * 0.9
        return Filters(since=since, until=since + span * 0.05)

    def author() -> str:
        a = (
            rng.choices(range(AUTHORS), cum_weights=weights)[0]
            if rng.random() < 0.5
            else rng.randrange(AUTHORS)
        )
        return f"u{a}" if rng.random() < 0.5 else f"Borger {a}"

    makers: list[tuple[str, Any]] = [
        ("common word", lambda: (rng.choice(common), Filters())),
        ("rare word", lambda: (rng.choice(rare), Filters())),
        ("two words", lambda: (f"{rng.choice(WORDS[:80])} {rng.choice(WORDS)}", Filters())),
        ("prefix", lambda: (rng.choice(WORDS)[:4], Filters())),
        ("word + account", lambda: (rng.choice(WORDS), Filters(account_id=rng.choice(accounts)))),
        ("word + author", lambda: (rng.choice(WORDS[:40]), Filters(author=author()))),
        ("author only", lambda: (None, Filters(author=author()))),
        ("word + period", lambda: (rng.choice(WORDS), period())),
        (
            "word + category",
            lambda: (
                rng.choice(WORDS[:40]),
                Filters(category=rng.choice(("insult", "complaint", "phone", "case_inquiry"))),
            ),
        ),
        ("category only", lambda: (None, Filters(category=rng.choice(("insult", "complaint", "phone"))))),
        (
            "word + decision",
            lambda: (rng.choice(WORDS[:40]), Filters(decision=rng.choice(("hide", "delete")))),
        ),
        ("decision + account", lambda: (None, Filters(decision="hide", account_id=rng.choice(accounts)))),
        ("no filter, no words", lambda: (None, Filters())),
    ]
    out = []
    for k in range(n):
        name, make = makers[k % len(makers)]
        q, f = make()
        out.append((name, q, f))
    rng.shuffle(out)
    return out


def _pct(times: list[float], p: int) -> float:
    if len(times) < 2:
        return round(times[0] * 1000, 2) if times else 0.0
    return round(statistics.quantiles(times, n=100, method="inclusive")[p - 1] * 1000, 2)


def _search(engine: Engine, queries: list[tuple[str, str | None, Filters]]) -> dict[str, Any]:
    times: list[float] = []
    by_class: dict[str, list[float]] = {}
    hits: dict[str, list[int]] = {}
    with unit_of_work(engine) as s:
        org = tenants.get_organisation(s, "bench")
        for _name, q, f in queries[:20]:  # warm the caches once
            search(s, org, q, f, limit=50)
        for name, q, f in queries:
            t = time.perf_counter()
            found = search(s, org, q, f, limit=50)
            took = time.perf_counter() - t
            times.append(took)
            by_class.setdefault(name, []).append(took)
            hits.setdefault(name, []).append(len(found))
    return {
        "searches": len(times),
        "search_p50_ms": _pct(times, 50),
        "search_p95_ms": _pct(times, 95),
        "search_max_ms": round(max(times) * 1000, 2),
        "by_class": {
            name: {
                "n": len(t),
                "p50_ms": _pct(t, 50),
                "p95_ms": _pct(t, 95),
                "max_ms": round(max(t) * 1000, 2),
                "mean_hits": round(sum(hits[name]) / len(hits[name]), 1),
            }
            for name, t in sorted(by_class.items())
        },
    }


def _verify(engine: Engine, n: int) -> dict[str, Any]:
    with unit_of_work(engine) as s:
        org = tenants.get_organisation(s, "bench")
        t = time.perf_counter()
        result = verify(s, org)
        took = time.perf_counter() - t
    if not result.ok:
        raise SystemExit(f"verify failed: {result.problem}")
    return {
        "verify_entries": result.entries,
        "verify_s": round(took, 1),
        "verify_per_s": round(result.entries / took),
    }


def run(url: str, backend: str, n: int, searches: int, log: Any) -> dict[str, Any]:
    engine = make_engine(url)
    handles = _setup(engine)
    rng = random.Random(5)
    log(f"{backend}: building {n:,} records")
    out: dict[str, Any] = {"records": n}
    out.update(_build(engine, n, Generator(5, handles), log))
    log(
        f"{backend}: ingest {out['ingest_per_s']:,}/s on the first {out['ingest_slice_events']:,}; "
        f"build {out['build_s']:,} s ({out['build_per_s']:,}/s)"
    )
    _decisions(engine, max(50, n // 500), rng)
    if backend == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("ANALYZE"))
    out.update(_search(engine, _queries(engine, searches, rng)))
    log(
        f"{backend}: search p50 {out['search_p50_ms']} ms, p95 {out['search_p95_ms']} ms, "
        f"max {out['search_max_ms']} ms over {out['searches']} searches"
    )
    out.update(_verify(engine, n))
    log(f"{backend}: verify {out['verify_entries']:,} entries in {out['verify_s']} s")
    base = BASELINE[backend]
    ratios: dict[str, float] = {}
    for key, better in (("ingest_per_s", "higher"), ("search_p95_ms", "lower"), ("verify_per_s", "higher")):
        was = base.get(key)
        if was:
            now = max(float(out[key]), 0.001)
            ratios[key] = round(now / was if better == "higher" else was / now, 2)
    out["ratios_vs_baseline"] = ratios  # > 1: better than the baseline
    out["targets_met"] = {
        "ingest_ge_5000_per_s": out["ingest_per_s"] >= TARGETS["ingest_per_s"],
        "search_p95_lt_100_ms": out["search_p95_ms"] < TARGETS["search_p95_ms"],
        "verify_lt_60_s": out["verify_s"] < TARGETS["verify_s"],
        "at_1m_records": n >= 1_000_000,
    }
    engine.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--searches", type=int, default=400)
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "archive-2026-12-02.json"))
    args = ap.parse_args()

    def log(msg: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} {msg}", flush=True)

    results: dict[str, Any] = {
        "bench": "archive_ingest",
        "n": args.n,
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{sys.version.split()[0]}; shared with other work while measured",
        "baseline": BASELINE,
        "targets": TARGETS,
    }
    out = Path(args.out)

    if out.exists():  # a run of one backend keeps the other's figures of the same size
        try:
            before = json.loads(out.read_text())
        except ValueError:
            before = {}
        if before.get("n") == args.n:
            for backend in ("sqlite", "postgresql"):
                if backend in before and backend not in args.backends.split(","):
                    results[backend] = before[backend]

    def save() -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")

    backends = args.backends.split(",")
    if "sqlite" in backends:
        with tempfile.TemporaryDirectory() as tmp:
            results["sqlite"] = run(
                f"sqlite:///{Path(tmp) / 'bench.db'}", "sqlite", args.n, args.searches, log
            )
        save()
        log(f"sqlite: {json.dumps(results['sqlite']['ratios_vs_baseline'])} vs baseline")
    if "postgresql" in backends:
        admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
        name = f"rettesnor_bench_{os.getpid()}"
        try:
            with admin.connect() as c:
                c.execute(text(f'CREATE DATABASE "{name}"'))
            url = args.postgres.rsplit("/", 1)[0] + f"/{name}"
            results["postgresql"] = run(url, "postgresql", args.n, args.searches, log)
            save()
            log(f"postgresql: {json.dumps(results['postgresql']['ratios_vs_baseline'])} vs baseline")
        finally:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    save()
    log(f"written {out}")


if __name__ == "__main__":
    main()
