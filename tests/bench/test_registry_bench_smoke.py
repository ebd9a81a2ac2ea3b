"""Smoke test of bench/registry_checks.py at a tiny size on SQLite: it loads, checks and lists."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from support.scriptload import load_script

BENCH = Path(__file__).resolve().parents[2] / "bench" / "registry_checks.py"


def _bench() -> ModuleType:
    return load_script(BENCH)


def test_registry_bench_runs_at_a_tiny_size() -> None:
    bench = _bench()
    result = bench.run_backend("sqlite", bench.Size(orgs=3, accounts=25, people=30), False, lambda _m: None)
    assert result["municipalities"] == 3
    assert result["public_entries"] == 3 * 23  # two of every 25 accounts are not active
    assert result["problems_found"] > 0  # the generated registry has problems on purpose
    assert result["registry_checks"]["n"] == 3 and result["registry_checks"]["max_ms"] > 0
