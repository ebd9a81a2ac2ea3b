"""Smoke test of bench/registry_checks.py at a tiny size on SQLite: it loads, checks and lists."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[1] / "bench" / "registry_checks.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("registry_checks", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_registry_bench_runs_at_a_tiny_size() -> None:
    bench = _bench()
    result = bench.run_backend("sqlite", bench.Size(orgs=3, accounts=25, people=30), False, lambda _m: None)
    assert result["municipalities"] == 3
    assert result["public_entries"] == 3 * 23  # two of every 25 accounts are not active
    assert result["problems_found"] > 0  # the generated registry has problems on purpose
    assert result["registry_checks"]["n"] == 3 and result["registry_checks"]["max_ms"] > 0
