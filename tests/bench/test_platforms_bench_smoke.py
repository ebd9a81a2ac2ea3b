"""bench/webhook_ingest.py runs end to end on a tiny load (its figures are for bench/, not asserted here):
the server answers, every acknowledged event reaches the archive exactly once, checked."""

from __future__ import annotations

from pathlib import Path

from support.scriptload import load_script

ROOT = Path(__file__).resolve().parents[2]


def test_webhook_bench_runs_and_loses_nothing() -> None:
    bench = load_script(ROOT / "bench" / "webhook_ingest.py", "webhook_ingest_bench")
    figures = bench.run(seconds=1.0, connections=2, per=2, rate=0.0)
    archive = figures["archive"]
    assert figures["events_acknowledged"] > 0 and figures["errors"] == 0
    assert (archive["lost"], archive["duplicated"]) == (0, 0)
    assert archive["records"] == archive["checked"] >= figures["events_acknowledged"]
